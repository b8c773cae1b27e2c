"""Criminal history and life sentences on facilities, the population and placements.

Facilities say whom they hold (`criminal_history`: first-time, repeat or both, in isolated
sections; `for_life_sentences`), convicts whether they served a prison sentence before and
whether they serve life. Rows from before this revision take the input contract's defaults:
facilities hold both, nobody serves life, every convict is first-time.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


COLUMNS: tuple[tuple[str, sa.Column[object]], ...] = (
    (
        "facilities",
        sa.Column("criminal_history", sa.String(16), nullable=False, server_default="both"),
    ),
    (
        "facilities",
        sa.Column("for_life_sentences", sa.Boolean(), nullable=False, server_default=sa.false()),
    ),
    (
        "population",
        sa.Column("criminal_history", sa.String(16), nullable=False, server_default="first-time"),
    ),
    (
        "population",
        sa.Column("life_sentence", sa.Boolean(), nullable=False, server_default=sa.false()),
    ),
    ("placements", sa.Column("criminal_history", sa.String(16), nullable=True)),
    ("placements", sa.Column("life_sentence", sa.Boolean(), nullable=True)),
)
"""Plain ADD COLUMN with a constant default: SQLite and PostgreSQL both take it in place, so
no table is rebuilt (a rebuild of `facilities` would break the population's foreign key)."""


def upgrade() -> None:
    for table, column in COLUMNS:
        op.add_column(table, column)


def downgrade() -> None:
    for table, column in reversed(COLUMNS):
        op.drop_column(table, column.name)
