"""Fixtures for the service's tests: a fresh store per test, a client, a token per role.

The store is a temporary SQLite file, or, when TEST_DATABASE_URL names a PostgreSQL database
(`scripts/postgres-for-tests` prints one), a fresh schema in it that is dropped afterwards: the
same tests pass on both.
"""

from __future__ import annotations

import math
import os
import shutil
import uuid
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI

with warnings.catch_warnings():
    # Starlette suggests httpx2 for its test client; httpx is what the project installs.
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from api import db
from api.app import create_app
from api.auth import Role, create_token
from api.settings import Settings

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")


@pytest.fixture(scope="session")
def seeded_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated and seeded SQLite store, copied for each test: seeding once saves minutes."""
    folder = tmp_path_factory.mktemp("template")
    path = folder / "placement.sqlite3"
    application = create_app(
        Settings(database_url=f"sqlite:///{path}", service_data_dir=folder / "service-data")
    )
    application.state.benchmarks.close()
    application.state.store.close()
    return path


@pytest.fixture
def database_url(tmp_path: Any, seeded_sqlite: Path) -> Iterator[str]:
    """A store nobody else uses: a copy of the seeded SQLite file, or a new PostgreSQL schema
    dropped afterwards."""
    if not TEST_DATABASE_URL:
        copy = tmp_path / "placement.sqlite3"
        shutil.copyfile(seeded_sqlite, copy)
        yield f"sqlite:///{copy}"
        return
    yield from _postgres_schema()


@pytest.fixture
def blank_database_url(tmp_path: Any) -> Iterator[str]:
    """An empty store nobody else uses, for tests of migrating and seeding."""
    if not TEST_DATABASE_URL:
        yield f"sqlite:///{tmp_path / 'blank.sqlite3'}"
        return
    yield from _postgres_schema()


def _postgres_schema() -> Iterator[str]:
    schema = f"test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(TEST_DATABASE_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(TEST_DATABASE_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            # A connection a failed test left open must not hang the whole run.
            connection.execute(text("SET lock_timeout = '10s'"))
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def settings(database_url: str, tmp_path: Any) -> Settings:
    return Settings(database_url=database_url, service_data_dir=tmp_path / "service-data")


@pytest.fixture
def app(settings: Settings) -> Iterator[FastAPI]:
    application = create_app(settings)
    yield application
    application.state.benchmarks.close()
    application.state.store.close()


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def tokens(app: FastAPI) -> dict[Role, str]:
    """One bearer token per role, created straight in the store."""
    opened: db.Store = app.state.store
    created = {}
    with opened.sessions() as session, db.writing(session):
        for role in Role:
            created[role] = create_token(session=session, role=role, name=f"{role.value}-desk")
    return created


@pytest.fixture
def as_role(tokens: dict[Role, str]) -> Any:
    """Headers for a request made with the given role's token."""

    def headers(role: Role) -> dict[str, str]:
        return {"Authorization": f"Bearer {tokens[role]}"}

    return headers


def cohort_records(size: int, seed: int = 7, *, cases: bool = False) -> list[dict[str, Any]]:
    """A realistic batch as JSON records (the input contract), from the bundled regions.

    Without `cases`, nobody has co-defendants, so the run is solved by the min-cost flow alone.
    """
    from optimizer.cohort import generate_cohort
    from optimizer.data import read_regions

    table = generate_cohort(size, seed, read_regions())
    if not cases:
        table["case_id"] = ""
    records = table.to_dict(orient="records")
    return [
        {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in r.items()}
        for r in records
    ]


@pytest.fixture
def make_batch() -> Any:
    """`cohort_records(size, seed)` for tests that need a batch of their own size."""
    return cohort_records


@pytest.fixture
def batch() -> list[dict[str, Any]]:
    """Sixty convicts from the synthetic cohort generator."""
    return cohort_records(60)


@pytest.fixture
def submit(client: TestClient, as_role: Any) -> Any:
    """Submit a batch as the allocator; returns the response."""

    def post(convicts: list[dict[str, Any]], **options: Any) -> Any:
        headers = as_role(Role.ALLOCATOR) | options.pop("headers", {})
        return client.post("/runs", json={"convicts": convicts, **options}, headers=headers)

    return post
