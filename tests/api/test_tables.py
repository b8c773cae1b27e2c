"""The rows: one metadata, every table of the schema, named by the naming convention."""

from __future__ import annotations

from api import tables


def test_the_metadata_holds_every_table_of_the_store() -> None:
    assert set(tables.Base.metadata.tables) == {
        "regions",
        "facilities",
        "runs",
        "run_facilities",
        "placements",
        "population",
        "transfer_requests",
        "transfer_notices",
        "transfer_appeals",
        "benchmark_jobs",
        "audit_log",
        "audit_head",
        "api_tokens",
        "users",
        "console_sessions",
    }


def test_occupancy_is_checked_by_the_database() -> None:
    constraints = {c.name for c in tables.FacilityRow.__table__.constraints}
    assert "ck_facilities_occupied_within_capacity" in constraints
