"""Regions and facilities carry their official Russian and Kazakh names (`name_ru`, `name_kk`).

Rows from before this revision have none (NULL): the network is then read without them, and
texts in Russian and Kazakh name regions and facilities by their English `name` until the
names are stored.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS: tuple[tuple[str, str, int], ...] = (
    ("regions", "name_ru", 200),
    ("regions", "name_kk", 200),
    ("facilities", "name_ru", 300),
    ("facilities", "name_kk", 300),
)


def upgrade() -> None:
    for table, column, length in COLUMNS:
        op.add_column(table, sa.Column(column, sa.String(length), nullable=True))


def downgrade() -> None:
    for table, column, _ in reversed(COLUMNS):
        op.drop_column(table, column)
