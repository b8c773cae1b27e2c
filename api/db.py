"""The database: engine creation, write transactions, migrations, and the times stored.

A SQLite file by default, PostgreSQL by `DATABASE_URL`; the schema comes from the Alembic
revisions in `api/migrations`, applied when a store is opened. Every change is one transaction
opened with `writing(session)`: on SQLite that transaction takes the write lock at BEGIN (BEGIN
IMMEDIATE), on PostgreSQL the rows it will change are locked with SELECT ... FOR UPDATE, and on
both an occupancy change is a compare-and-set on the facility's version, so no place is booked
twice.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

WRITE = "placement_write"
"""Execution option that marks a connection's transaction as a writing one (BEGIN IMMEDIATE)."""

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
ALEMBIC_INI = Path(__file__).resolve().parent / "alembic.ini"


def create_store_engine(database_url: str) -> Engine:
    """An engine for the URL; SQLite gets WAL, a busy timeout and explicit BEGINs.

    Statement parameters hold convict data, so they never appear in logs or error messages.
    """
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite":
        return create_engine(
            url, pool_size=10, max_overflow=40, pool_pre_ping=True, hide_parameters=True
        )
    if url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url,
        connect_args={"check_same_thread": False, "timeout": 30},
        pool_size=10,
        max_overflow=40,
        hide_parameters=True,
    )

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN itself, below
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Connection) -> None:
        writing_transaction = connection.get_execution_options().get(WRITE, False)
        # Straight to the driver: this runs before every read, and is only a keyword.
        driver = connection.connection.driver_connection
        assert driver is not None
        driver.execute("BEGIN IMMEDIATE" if writing_transaction else "BEGIN")

    return engine


@contextmanager
def writing(session: Session) -> Iterator[Session]:
    """One write transaction: committed at the end, rolled back on any error.

    Any read transaction the session had is ended first, so the writer starts from fresh data.
    """
    if session.in_transaction():
        session.rollback()
    session.connection(execution_options={WRITE: True})
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise


def for_update(session: Session) -> bool:
    """Whether SELECT ... FOR UPDATE means anything here (SQLite serialises writers instead)."""
    return session.get_bind().dialect.name != "sqlite"


def utc(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; every stored time is UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def now() -> datetime:
    return datetime.now(UTC)


def storable(*texts: str | None) -> bool:
    """Whether the texts can name anything stored (PostgreSQL text never holds NUL)."""
    return not any(t is not None and "\x00" in t for t in texts)


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest Alembic revision (a no-op when it is there)."""
    from alembic import command
    from alembic.config import Config

    config = Config(str(ALEMBIC_INI))
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.connect() as connection:
        connection = connection.execution_options(**{WRITE: True})
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
        connection.commit()


class StoreUnavailable(Exception):
    """The store URL is malformed, names an unknown database kind, or cannot be opened: the
    message is one line naming the URL (password hidden) and the reason."""


def unavailable(database_url: str, error: BaseException) -> StoreUnavailable:
    """A one-line account of why the store at the URL cannot be opened (no statement, no
    parameters: they could hold convict data)."""
    try:
        shown = make_url(database_url).render_as_string(hide_password=True)
    except ArgumentError:
        shown = "(an unreadable URL)"
    if isinstance(error, OperationalError) and error.orig is not None:
        reason = str(error.orig)
    elif isinstance(error, ArgumentError | NoSuchModuleError | ImportError):
        reason = f"not a store URL this service knows ({error})"
    else:
        reason = str(error)
    first_line = reason.strip().splitlines()[0] if reason.strip() else type(error).__name__
    return StoreUnavailable(f"cannot open the store {shown}: {first_line}")


@dataclass(frozen=True)
class Store:
    """An engine and its session factory over a migrated schema."""

    engine: Engine
    sessions: sessionmaker[Session]

    @classmethod
    def connect(cls, database_url: str) -> Store:
        """An engine for the URL with the schema brought to the newest revision.

        A URL that cannot be used raises `StoreUnavailable` with a one-line reason.
        """
        try:
            engine = create_store_engine(database_url)
        except (ArgumentError, NoSuchModuleError, ImportError, OSError, ValueError) as error:
            raise unavailable(database_url, error) from error
        try:
            migrate(engine)
        except (OperationalError, OSError) as error:
            engine.dispose()
            raise unavailable(database_url, error) from error
        except BaseException:
            engine.dispose()
            raise
        return cls(engine, sessionmaker(engine, expire_on_commit=False))

    def close(self) -> None:
        self.engine.dispose()
