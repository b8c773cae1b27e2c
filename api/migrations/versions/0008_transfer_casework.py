"""Transfer casework: who applied, the date received, the deadline, notes, the person to tell
and the convict's language on `transfer_requests`; the notices of each decision
(`transfer_notices`) and the appeals against them (`transfer_appeals`).

A request filed before this revision was received the day it was filed, by the convict, with
the default 15 days to answer.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("transfer_requests") as batch:
        batch.add_column(
            sa.Column("applicant", sa.String(16), nullable=False, server_default="convict")
        )
        batch.add_column(sa.Column("received", sa.Date(), nullable=True))
        batch.add_column(
            sa.Column("answer_days", sa.Integer(), nullable=False, server_default="15")
        )
        batch.add_column(sa.Column("notes", sa.Text(), nullable=True))
        batch.add_column(sa.Column("named_person", sa.String(300), nullable=True))
        batch.add_column(sa.Column("language", sa.String(2), nullable=False, server_default="ru"))
        batch.add_column(sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("decision_facility", sa.String(64), nullable=True))
    _received_on_the_day_filed()
    with op.batch_alter_table("transfer_requests") as batch:
        batch.alter_column("received", existing_type=sa.Date(), nullable=False)
        batch.create_index("ix_transfer_requests_received", ["received"])
    op.create_table(
        "transfer_notices",
        sa.Column("notice_id", sa.Uuid(), nullable=False),
        sa.Column("request_id", sa.Uuid(), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("lang", sa.String(2), nullable=False),
        sa.Column("html", sa.Text(), nullable=False),
        sa.Column("pdf", sa.LargeBinary(), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["transfer_requests.request_id"],
            name="fk_transfer_notices_request_id_transfer_requests",
        ),
        sa.PrimaryKeyConstraint("notice_id", name="pk_transfer_notices"),
        sa.UniqueConstraint(
            "request_id", "round", "kind", name="uq_transfer_notices_request_id_round_kind"
        ),
    )
    op.create_index("ix_transfer_notices_request_id", "transfer_notices", ["request_id"])
    op.create_table(
        "transfer_appeals",
        sa.Column("appeal_id", sa.Uuid(), nullable=False),
        sa.Column("request_id", sa.Uuid(), nullable=False),
        sa.Column("appellant", sa.String(300), nullable=False),
        sa.Column("received", sa.Date(), nullable=False),
        sa.Column("grounds", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.String(300), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decision", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["transfer_requests.request_id"],
            name="fk_transfer_appeals_request_id_transfer_requests",
        ),
        sa.PrimaryKeyConstraint("appeal_id", name="pk_transfer_appeals"),
    )
    op.create_index("ix_transfer_appeals_request_id", "transfer_appeals", ["request_id"])


def _received_on_the_day_filed() -> None:
    """Requests filed before this revision: received the day they were filed."""
    requests = sa.table(
        "transfer_requests",
        sa.column("request_id", sa.Uuid()),
        sa.column("created_at", sa.DateTime(timezone=True)),
        sa.column("received", sa.Date()),
    )
    connection = op.get_bind()
    filed = connection.execute(sa.select(requests.c.request_id, requests.c.created_at)).all()
    for request_id, created_at in filed:
        day = created_at.astimezone(UTC) if created_at.tzinfo is not None else created_at
        connection.execute(
            sa.update(requests)
            .where(requests.c.request_id == request_id)
            .values(received=day.date())
        )


def downgrade() -> None:
    op.drop_index("ix_transfer_appeals_request_id", table_name="transfer_appeals")
    op.drop_table("transfer_appeals")
    op.drop_index("ix_transfer_notices_request_id", table_name="transfer_notices")
    op.drop_table("transfer_notices")
    with op.batch_alter_table("transfer_requests") as batch:
        batch.drop_index("ix_transfer_requests_received")
        for column in (
            "decision_facility",
            "answered_at",
            "language",
            "named_person",
            "notes",
            "answer_days",
            "received",
            "applicant",
        ):
            batch.drop_column(column)
