"""The store under concurrent writers, its database-level guarantees, and its migrations."""

from __future__ import annotations

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from api import audit, store
from api.auth import Role
from api.errors import ConflictError
from optimizer.data import read_regions

ATTEMPTS = 4


def commit_concurrently(app: FastAPI, run_ids: list[str]) -> list[str]:
    """Commit each run from its own thread and session, all starting together."""
    opened: store.Store = app.state.store
    start = threading.Barrier(len(run_ids))

    def attempt(run_id: str) -> str:
        with opened.sessions() as session:
            start.wait()
            try:
                with store.writing(session):
                    store.commit_run(session=session, run_id=uuid.UUID(run_id), actor="allocator:t")
            except ConflictError as refused:
                return refused.detail
            return "committed"

    with ThreadPoolExecutor(len(run_ids)) as pool:
        return list(pool.map(attempt, run_ids))


def total_occupied(client: TestClient, as_role: Any) -> int:
    return sum(f["occupied"] for f in client.get("/facilities", headers=as_role(Role.ADMIN)).json())


def test_concurrent_commits_of_one_run_book_its_places_once(
    app: FastAPI, client: TestClient, as_role: Any, submit: Any, batch: list[dict[str, Any]]
) -> None:
    run = submit(batch).json()
    before = total_occupied(client, as_role)
    results = commit_concurrently(app, [run["run_id"]] * ATTEMPTS)
    assert sorted(results) == ["Run already committed"] * (ATTEMPTS - 1) + ["committed"]
    assert total_occupied(client, as_role) == before + run["placed"]


def test_of_runs_competing_for_the_same_places_exactly_one_commits(
    app: FastAPI, client: TestClient, as_role: Any, submit: Any, batch: list[dict[str, Any]]
) -> None:
    runs = [submit(batch).json() for _ in range(ATTEMPTS)]
    before = total_occupied(client, as_role)
    results = commit_concurrently(app, [r["run_id"] for r in runs])
    assert sorted(results) == ["Occupancy changed since the run was solved"] * (ATTEMPTS - 1) + [
        "committed"
    ]
    assert total_occupied(client, as_role) == before + runs[0]["placed"]
    with app.state.store.sessions() as session:
        assert audit.verify(session=session).ok


def test_concurrent_appends_get_consecutive_sequence_numbers(app: FastAPI) -> None:
    opened: store.Store = app.state.store
    start = threading.Barrier(ATTEMPTS)

    def append(n: int) -> int:
        with opened.sessions() as session:
            start.wait()
            with store.writing(session):
                return audit.append(session, "reviewer:t", "transfer.decided", {"n": n}).sequence

    with ThreadPoolExecutor(ATTEMPTS) as pool:
        sequences = sorted(pool.map(append, range(ATTEMPTS)))
    assert sequences == list(range(2, 2 + ATTEMPTS))
    with opened.sessions() as session:
        assert audit.verify(session=session).ok


def test_the_database_itself_refuses_occupancy_above_capacity(app: FastAPI) -> None:
    with pytest.raises(IntegrityError), app.state.store.engine.begin() as connection:
        connection.execute(text("UPDATE facilities SET occupied = capacity + 1"))


def test_the_migrations_build_exactly_the_tables_the_code_declares(app: FastAPI) -> None:
    with app.state.store.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), store.Base.metadata)
    assert differences == []


def test_opening_a_store_again_neither_migrates_nor_seeds_twice(
    database_url: str, app: FastAPI
) -> None:
    again = store.Store.open(database_url)
    try:
        with again.sessions() as session:
            assert session.scalar(select(func.count()).select_from(store.AuditEntryRow)) == 1
            assert not store.seed(session=session)
            regions = session.scalar(select(func.count()).select_from(store.RegionRow))
            assert regions == len(read_regions())
    finally:
        again.close()


def test_the_revisions_downgrade_to_nothing_and_upgrade_again(database_url: str) -> None:
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import inspect

    engine = store.create_store_engine(database_url)
    try:
        store.migrate(engine)
        config = Config(str(store.ALEMBIC_INI))
        config.set_main_option("script_location", str(store.MIGRATIONS_DIR))
        with engine.connect() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "base")
            connection.commit()
            assert set(inspect(connection).get_table_names()) == {"alembic_version"}
        store.migrate(engine)
        with engine.connect() as connection:
            tables = set(inspect(connection).get_table_names())
        assert tables == {*store.Base.metadata.tables, "alembic_version"}
    finally:
        engine.dispose()
