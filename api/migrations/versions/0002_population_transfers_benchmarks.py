"""The population, transfer requests and benchmark jobs; each placement keeps its convict.

The population (one row per convict serving today, with `facility_id`) is filled when the
service opens the store (`api.store.seed_population`), not here: it is read from the national
data set and checked against the stored facilities' occupancy.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PLACEMENT_CONVICT_COLUMNS = (
    ("sex", sa.String(length=1)),
    ("age", sa.Integer()),
    ("age_category", sa.String(length=16)),
    ("security_level", sa.String(length=16)),
    ("home_lat", sa.Float()),
    ("home_lon", sa.Float()),
    ("medical_need", sa.String()),
    ("former_officer", sa.Boolean()),
    ("case_id", sa.String()),
)


def upgrade() -> None:
    with op.batch_alter_table("placements") as batch:
        for name, type_ in PLACEMENT_CONVICT_COLUMNS:
            batch.add_column(sa.Column(name, type_, nullable=True))
    op.create_table(
        "population",
        sa.Column("convict_id", sa.String(), nullable=False),
        sa.Column("sex", sa.String(length=1), nullable=False),
        sa.Column("age", sa.Integer(), nullable=False),
        sa.Column("age_category", sa.String(length=16), nullable=False),
        sa.Column("security_level", sa.String(length=16), nullable=False),
        sa.Column("home_region", sa.String(length=16), nullable=False),
        sa.Column("home_lat", sa.Float(), nullable=False),
        sa.Column("home_lon", sa.Float(), nullable=False),
        sa.Column("medical_need", sa.String(), nullable=False),
        sa.Column("former_officer", sa.Boolean(), nullable=False),
        sa.Column("case_id", sa.String(), nullable=False),
        sa.Column("facility_id", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["facility_id"],
            ["facilities.facility_id"],
            name=op.f("fk_population_facility_id_facilities"),
        ),
        sa.ForeignKeyConstraint(
            ["home_region"], ["regions.region"], name=op.f("fk_population_home_region_regions")
        ),
        sa.PrimaryKeyConstraint("convict_id", name=op.f("pk_population")),
    )
    op.create_index(op.f("ix_population_case_id"), "population", ["case_id"], unique=False)
    op.create_index(op.f("ix_population_facility_id"), "population", ["facility_id"], unique=False)
    op.create_table(
        "transfer_requests",
        sa.Column("request_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=300), nullable=False),
        sa.Column("convict_id", sa.String(), nullable=False),
        sa.Column("target_region", sa.String(length=16), nullable=True),
        sa.Column("target_facility", sa.String(length=64), nullable=True),
        sa.Column("ground", sa.String(length=32), nullable=False),
        sa.Column("consent", sa.Boolean(), nullable=False),
        sa.Column("distance", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("recommendation", sa.String(length=24), nullable=False),
        sa.Column("evaluation", sa.Text(), nullable=False),
        sa.Column("decision", sa.String(length=24), nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=True),
        sa.Column("decided_by", sa.String(length=300), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("approved_by", sa.String(length=300), nullable=True),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("moves", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("request_id", name=op.f("pk_transfer_requests")),
    )
    op.create_index(
        op.f("ix_transfer_requests_convict_id"), "transfer_requests", ["convict_id"], unique=False
    )
    op.create_index(
        op.f("ix_transfer_requests_created_at"), "transfer_requests", ["created_at"], unique=False
    )
    op.create_index(
        op.f("ix_transfer_requests_status"), "transfer_requests", ["status"], unique=False
    )
    op.create_table(
        "benchmark_jobs",
        sa.Column("job_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=300), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("progress", sa.Float(), nullable=False),
        sa.Column("message", sa.String(length=300), nullable=False),
        sa.Column("request", sa.JSON(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("report_digest", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("job_id", name=op.f("pk_benchmark_jobs")),
    )
    op.create_index(
        op.f("ix_benchmark_jobs_created_at"), "benchmark_jobs", ["created_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_benchmark_jobs_created_at"), table_name="benchmark_jobs")
    op.drop_table("benchmark_jobs")
    op.drop_index(op.f("ix_transfer_requests_status"), table_name="transfer_requests")
    op.drop_index(op.f("ix_transfer_requests_created_at"), table_name="transfer_requests")
    op.drop_index(op.f("ix_transfer_requests_convict_id"), table_name="transfer_requests")
    op.drop_table("transfer_requests")
    op.drop_index(op.f("ix_population_facility_id"), table_name="population")
    op.drop_index(op.f("ix_population_case_id"), table_name="population")
    op.drop_table("population")
    with op.batch_alter_table("placements") as batch:
        for name, _ in reversed(PLACEMENT_CONVICT_COLUMNS):
            batch.drop_column(name)
