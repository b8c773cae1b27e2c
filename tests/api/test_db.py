"""The database: its own guarantees, and migrations that build exactly the declared tables."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from api import db, tables


def test_the_database_itself_refuses_occupancy_above_capacity(app: FastAPI) -> None:
    with pytest.raises(IntegrityError), app.state.store.engine.begin() as connection:
        connection.execute(text("UPDATE facilities SET occupied = capacity + 1"))


def test_the_migrations_build_exactly_the_tables_the_code_declares(app: FastAPI) -> None:
    with app.state.store.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), tables.Base.metadata)
    assert differences == []


def test_the_revisions_downgrade_to_nothing_and_upgrade_again(database_url: str) -> None:
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import inspect

    engine = db.create_store_engine(database_url)
    try:
        db.migrate(engine)
        config = Config(str(db.ALEMBIC_INI))
        config.set_main_option("script_location", str(db.MIGRATIONS_DIR))
        with engine.connect() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "base")
            connection.commit()
            assert set(inspect(connection).get_table_names()) == {"alembic_version"}
        db.migrate(engine)
        with engine.connect() as connection:
            names = set(inspect(connection).get_table_names())
        assert names == {*tables.Base.metadata.tables, "alembic_version"}
    finally:
        engine.dispose()


def test_a_write_transaction_is_rolled_back_on_any_error(app: FastAPI) -> None:
    with app.state.store.sessions() as session:
        with pytest.raises(RuntimeError), db.writing(session):
            facility = session.get_one(tables.FacilityRow, "F001")
            facility.name = "renamed"
            session.flush()
            raise RuntimeError
        stored = session.get_one(tables.FacilityRow, "F001", populate_existing=True)
        assert stored.name != "renamed"


def test_text_holding_nul_names_nothing_stored() -> None:
    assert db.storable("F001", None)
    assert not db.storable("F0\x0001")


def test_stored_times_are_utc() -> None:
    naive = datetime(2024, 1, 2, 3, 4, 5)
    assert db.utc(naive) == naive.replace(tzinfo=UTC)
    assert db.now().tzinfo is UTC


def test_connecting_migrates_a_blank_database(blank_database_url: str) -> None:
    opened = db.Store.connect(blank_database_url)
    try:
        with opened.engine.connect() as connection:
            differences = compare_metadata(
                MigrationContext.configure(connection), tables.Base.metadata
            )
        assert differences == []
    finally:
        opened.close()
