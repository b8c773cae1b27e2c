"""Initial schema: regions, facilities, runs with snapshots and placements, audit log, tokens.

Revision ID: 0001
Revises:
Create Date: 2026-11-29
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

GENESIS = "0" * 64


def upgrade() -> None:
    op.create_table(
        "api_tokens",
        sa.Column("token_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("token_digest", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("token_id", name=op.f("pk_api_tokens")),
        sa.UniqueConstraint("token_digest", name=op.f("uq_api_tokens_token_digest")),
    )
    audit_head = op.create_table(
        "audit_head",
        sa.Column("head_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("entry_digest", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("head_id", name=op.f("pk_audit_head")),
    )
    op.bulk_insert(audit_head, [{"head_id": 1, "sequence": 0, "entry_digest": GENESIS}])
    op.create_table(
        "audit_log",
        sa.Column("sequence", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("recorded_at", sa.String(length=40), nullable=False),
        sa.Column("actor", sa.String(length=300), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("payload_digest", sa.String(length=64), nullable=False),
        sa.Column("previous_digest", sa.String(length=64), nullable=False),
        sa.Column("entry_digest", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("sequence", name=op.f("pk_audit_log")),
    )
    op.create_table(
        "regions",
        sa.Column("region", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("centre", sa.String(length=200), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("population", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("region", name=op.f("pk_regions")),
    )
    op.create_table(
        "runs",
        sa.Column("run_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=300), nullable=False),
        sa.Column("objective", sa.String(length=32), nullable=False),
        sa.Column("distance", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("convicts", sa.Integer(), nullable=False),
        sa.Column("placed", sa.Integer(), nullable=False),
        sa.Column("summary", sa.JSON(), nullable=False),
        sa.Column("facts", sa.JSON(), nullable=False),
        sa.Column("idempotency_key", sa.String(length=255), nullable=True),
        sa.Column("request_digest", sa.String(length=64), nullable=False),
        sa.Column("committed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("committed_by", sa.String(length=300), nullable=True),
        sa.PrimaryKeyConstraint("run_id", name=op.f("pk_runs")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_runs_idempotency_key")),
    )
    op.create_index(op.f("ix_runs_created_at"), "runs", ["created_at"], unique=False)
    op.create_table(
        "facilities",
        sa.Column("facility_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("region", sa.String(length=16), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("security_level", sa.String(length=16), nullable=False),
        sa.Column("sex", sa.String(length=1), nullable=False),
        sa.Column("age_category", sa.String(length=16), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("occupied", sa.Integer(), nullable=False),
        sa.Column("medical_profile", sa.String(length=64), nullable=False),
        sa.Column("for_former_officers", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "occupied >= 0 AND occupied <= capacity",
            name=op.f("ck_facilities_occupied_within_capacity"),
        ),
        sa.ForeignKeyConstraint(
            ["region"], ["regions.region"], name=op.f("fk_facilities_region_regions")
        ),
        sa.PrimaryKeyConstraint("facility_id", name=op.f("pk_facilities")),
    )
    op.create_index(op.f("ix_facilities_region"), "facilities", ["region"], unique=False)
    op.create_table(
        "placements",
        sa.Column("run_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("convict_id", sa.String(), nullable=False),
        sa.Column("home_region", sa.String(length=16), nullable=False),
        sa.Column("facility_id", sa.String(length=64), nullable=True),
        sa.Column("facility_region", sa.String(length=16), nullable=True),
        sa.Column("distance_km", sa.Float(), nullable=True),
        sa.Column("unplaced_reason", sa.String(length=64), nullable=True),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"], ["runs.run_id"], name=op.f("fk_placements_run_id_runs")
        ),
        sa.PrimaryKeyConstraint("run_id", "position", name=op.f("pk_placements")),
    )
    op.create_index(
        "ix_placements_run_convict", "placements", ["run_id", "convict_id"], unique=True
    )
    op.create_index(
        "ix_placements_run_facility", "placements", ["run_id", "facility_id"], unique=False
    )
    op.create_index(
        "ix_placements_run_home_region", "placements", ["run_id", "home_region"], unique=False
    )
    op.create_index(
        "ix_placements_run_region", "placements", ["run_id", "facility_region"], unique=False
    )
    op.create_table(
        "run_facilities",
        sa.Column("run_id", sa.Uuid(), nullable=False),
        sa.Column("facility_id", sa.String(length=64), nullable=False),
        sa.Column("occupied_at_solve", sa.Integer(), nullable=False),
        sa.Column("version_at_solve", sa.Integer(), nullable=False),
        sa.Column("placed", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["facility_id"],
            ["facilities.facility_id"],
            name=op.f("fk_run_facilities_facility_id_facilities"),
        ),
        sa.ForeignKeyConstraint(
            ["run_id"], ["runs.run_id"], name=op.f("fk_run_facilities_run_id_runs")
        ),
        sa.PrimaryKeyConstraint("run_id", "facility_id", name=op.f("pk_run_facilities")),
    )


def downgrade() -> None:
    op.drop_table("run_facilities")
    op.drop_index("ix_placements_run_region", table_name="placements")
    op.drop_index("ix_placements_run_home_region", table_name="placements")
    op.drop_index("ix_placements_run_facility", table_name="placements")
    op.drop_index("ix_placements_run_convict", table_name="placements")
    op.drop_table("placements")
    op.drop_index(op.f("ix_facilities_region"), table_name="facilities")
    op.drop_table("facilities")
    op.drop_index(op.f("ix_runs_created_at"), table_name="runs")
    op.drop_table("runs")
    op.drop_table("regions")
    op.drop_table("audit_log")
    op.drop_table("audit_head")
    op.drop_table("api_tokens")
