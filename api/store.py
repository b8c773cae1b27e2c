"""The store: SQLAlchemy 2 tables and keyword-only functions over them.

A SQLite file by default, PostgreSQL by `DATABASE_URL`; the schema comes from the Alembic
revisions in `api/migrations`, applied at start. Every change is one transaction opened with
`writing(session)`: on SQLite that transaction takes the write lock at BEGIN (BEGIN IMMEDIATE),
on PostgreSQL the rows it will change are locked with SELECT ... FOR UPDATE, and on both an
occupancy change is a compare-and-set on the facility's version, so no place is booked twice.

The population (who serves where today) is kept in step with occupancy: committing a run adds
its placed convicts, and a granted transfer moves convicts, in the transaction that changes
the occupancy.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    Engine,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    Uuid,
    and_,
    bindparam,
    create_engine,
    event,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, aliased, mapped_column, sessionmaker

from api.errors import ConflictError, NotFoundError

logger = logging.getLogger(__name__)

WRITE = "placement_write"
"""Execution option that marks a connection's transaction as a writing one (BEGIN IMMEDIATE)."""

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
ALEMBIC_INI = Path(__file__).resolve().parent / "alembic.ini"


class Base(DeclarativeBase):
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(table_name)s_%(column_0_N_name)s",
            "uq": "uq_%(table_name)s_%(column_0_N_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


class RegionRow(Base):
    __tablename__ = "regions"

    region: Mapped[str] = mapped_column(String(16), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    centre: Mapped[str] = mapped_column(String(200))
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    population: Mapped[int] = mapped_column(BigInteger)


class FacilityRow(Base):
    """A facility with its current occupancy; `version` counts occupancy changes."""

    __tablename__ = "facilities"
    __table_args__ = (
        CheckConstraint("occupied >= 0 AND occupied <= capacity", name="occupied_within_capacity"),
    )

    facility_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    region: Mapped[str] = mapped_column(ForeignKey("regions.region"), index=True)
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    security_level: Mapped[str] = mapped_column(String(16))
    sex: Mapped[str] = mapped_column(String(1))
    age_category: Mapped[str] = mapped_column(String(16))
    capacity: Mapped[int] = mapped_column(Integer)
    occupied: Mapped[int] = mapped_column(Integer)
    medical_profile: Mapped[str] = mapped_column(String(64))
    for_former_officers: Mapped[bool] = mapped_column(Boolean)
    version: Mapped[int] = mapped_column(Integer)


class RunRow(Base):
    """One allocation run: its options, summary and run-level facts; `status` solved/committed."""

    __tablename__ = "runs"

    run_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    created_by: Mapped[str] = mapped_column(String(300))
    objective: Mapped[str] = mapped_column(String(32))
    distance: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16))
    convicts: Mapped[int] = mapped_column(Integer)
    placed: Mapped[int] = mapped_column(Integer)
    summary: Mapped[dict[str, Any]] = mapped_column(JSON)
    facts: Mapped[dict[str, Any]] = mapped_column(JSON)
    idempotency_key: Mapped[str | None] = mapped_column(String(255), unique=True)
    request_digest: Mapped[str] = mapped_column(String(64))
    committed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    committed_by: Mapped[str | None] = mapped_column(String(300))


class RunFacilityRow(Base):
    """A facility as the run saw it when solved: the snapshot a commit is checked against."""

    __tablename__ = "run_facilities"

    run_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("runs.run_id"), primary_key=True)
    facility_id: Mapped[str] = mapped_column(ForeignKey("facilities.facility_id"), primary_key=True)
    occupied_at_solve: Mapped[int] = mapped_column(Integer)
    version_at_solve: Mapped[int] = mapped_column(Integer)
    placed: Mapped[int] = mapped_column(Integer)


class PlacementRow(Base):
    """One convict's placement in a run, with its structured explanation: one lookup per read."""

    __tablename__ = "placements"
    __table_args__ = (
        Index("ix_placements_run_convict", "run_id", "convict_id", unique=True),
        Index("ix_placements_run_facility", "run_id", "facility_id"),
        Index("ix_placements_run_region", "run_id", "facility_region"),
        Index("ix_placements_run_home_region", "run_id", "home_region"),
    )

    run_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("runs.run_id"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    convict_id: Mapped[str] = mapped_column(String)
    home_region: Mapped[str] = mapped_column(String(16))
    facility_id: Mapped[str | None] = mapped_column(String(64))
    facility_region: Mapped[str | None] = mapped_column(String(16))
    distance_km: Mapped[float | None] = mapped_column(Float)
    unplaced_reason: Mapped[str | None] = mapped_column(String(64))
    explanation: Mapped[str] = mapped_column(Text)
    """The structured explanation as JSON text, in the engine's key order (its wording follows
    that order)."""
    # The convict as validated, so that a commit can add the placed convicts to the population.
    # Null only for runs solved before the population was kept (revision 0001).
    sex: Mapped[str | None] = mapped_column(String(1))
    age: Mapped[int | None] = mapped_column(Integer)
    age_category: Mapped[str | None] = mapped_column(String(16))
    security_level: Mapped[str | None] = mapped_column(String(16))
    home_lat: Mapped[float | None] = mapped_column(Float)
    home_lon: Mapped[float | None] = mapped_column(Float)
    medical_need: Mapped[str | None] = mapped_column(String)
    former_officer: Mapped[bool | None] = mapped_column(Boolean)
    case_id: Mapped[str | None] = mapped_column(String)


class PopulationRow(Base):
    """One convict serving a sentence today: the validated input-contract columns, and where.

    Seeded from the national population file, grown by committed runs, changed by granted
    transfers; per facility, these rows and `facilities.occupied` change together.
    """

    __tablename__ = "population"

    convict_id: Mapped[str] = mapped_column(String, primary_key=True)
    sex: Mapped[str] = mapped_column(String(1))
    age: Mapped[int] = mapped_column(Integer)
    age_category: Mapped[str] = mapped_column(String(16))
    security_level: Mapped[str] = mapped_column(String(16))
    home_region: Mapped[str] = mapped_column(ForeignKey("regions.region"))
    home_lat: Mapped[float] = mapped_column(Float)
    home_lon: Mapped[float] = mapped_column(Float)
    medical_need: Mapped[str] = mapped_column(String)
    former_officer: Mapped[bool] = mapped_column(Boolean)
    case_id: Mapped[str] = mapped_column(String, index=True)
    facility_id: Mapped[str] = mapped_column(ForeignKey("facilities.facility_id"), index=True)


class TransferRequestRow(Base):
    """A transfer request with the engine's review of it and, once taken, the decision.

    `status`: evaluated, awaiting-approval (a decision against the recommendation waits for a
    second reviewer), granted or denied. `evaluation` is the engine's review as JSON text in
    its own key order; `moves` are the transfers a grant applied.
    """

    __tablename__ = "transfer_requests"

    request_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    created_by: Mapped[str] = mapped_column(String(300))
    convict_id: Mapped[str] = mapped_column(String, index=True)
    target_region: Mapped[str | None] = mapped_column(String(16))
    target_facility: Mapped[str | None] = mapped_column(String(64))
    ground: Mapped[str] = mapped_column(String(32))
    consent: Mapped[bool] = mapped_column(Boolean)
    distance: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(24), index=True)
    recommendation: Mapped[str] = mapped_column(String(24))
    evaluation: Mapped[str] = mapped_column(Text)
    decision: Mapped[str | None] = mapped_column(String(24))
    decision_reason: Mapped[str | None] = mapped_column(Text)
    decided_by: Mapped[str | None] = mapped_column(String(300))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    approved_by: Mapped[str | None] = mapped_column(String(300))
    approved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    moves: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)


class BenchmarkJobRow(Base):
    """A policy benchmark run in the background: its request, state and progress (0..1)."""

    __tablename__ = "benchmark_jobs"

    job_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    created_by: Mapped[str] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(16))
    progress: Mapped[float] = mapped_column(Float)
    message: Mapped[str] = mapped_column(String(300))
    request: Mapped[dict[str, Any]] = mapped_column(JSON)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    report_digest: Mapped[str | None] = mapped_column(String(64))
    """SHA-256 of the report's index.md, also in the audit log."""


class AuditEntryRow(Base):
    """One entry of the hash-chained log; `recorded_at` and `payload` are kept as hashed text."""

    __tablename__ = "audit_log"

    sequence: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    recorded_at: Mapped[str] = mapped_column(String(40))
    actor: Mapped[str] = mapped_column(String(300))
    action: Mapped[str] = mapped_column(String(64))
    payload: Mapped[str] = mapped_column(Text)
    payload_digest: Mapped[str] = mapped_column(String(64))
    previous_digest: Mapped[str] = mapped_column(String(64))
    entry_digest: Mapped[str] = mapped_column(String(64))


class AuditHeadRow(Base):
    """The single row naming the log's last entry: appends lock it, verification compares it."""

    __tablename__ = "audit_head"

    head_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    sequence: Mapped[int] = mapped_column(Integer)
    entry_digest: Mapped[str] = mapped_column(String(64))


class ApiTokenRow(Base):
    """A bearer token, kept only as its SHA-256 digest."""

    __tablename__ = "api_tokens"

    token_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


# --- engine, sessions, transactions -------------------------------------------------------


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


def json_text(value: Any, *, sort_keys: bool = True) -> str:
    """Compact UTF-8 JSON; with sorted keys it is canonical, the one spelling digests are taken of.

    Explanations are kept with the engine's key order (`sort_keys=False`): their wording follows
    it. The fast path leaves the work to the C encoder; only values holding NaN or infinities take
    the slow path through `jsonable`.
    """
    options: dict[str, Any] = {
        "sort_keys": sort_keys,
        "separators": (",", ":"),
        "ensure_ascii": False,
        "allow_nan": False,
    }
    try:
        return json.dumps(value, default=_plain, **options)
    except ValueError:
        return json.dumps(jsonable(value), **options)


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def jsonable(value: Any) -> Any:
    """Plain JSON values: numpy scalars become Python ones, NaN and infinities become null."""
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


# --- schema and seed ----------------------------------------------------------------------


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


def seed(
    *,
    session: Session,
    regions_path: Path | None = None,
    facilities_path: Path | None = None,
    population_path: Path | None = None,
) -> bool:
    """Fill an empty store from the national data set in one transaction; False if not empty.

    The population is seeded with the facilities, so that the two agree from the start.
    """
    from api import audit
    from optimizer.data import read_facilities, read_regions

    with writing(session):
        if session.scalar(select(func.count()).select_from(RegionRow)):
            return False
        regions = read_regions(regions_path)
        facilities = read_facilities(facilities_path, regions)
        session.execute(insert(RegionRow), jsonable(regions.to_dict(orient="records")))
        facility_rows = jsonable(facilities.to_dict(orient="records"))
        for row in facility_rows:
            row["version"] = 0
        session.execute(insert(FacilityRow), facility_rows)
        population, source = standing_population(regions, facilities, path=population_path)
        insert_population(session=session, population=population)
        audit.append(
            session,
            "system",
            "store.seeded",
            {
                "regions": len(regions),
                "facilities": len(facilities),
                "capacity": int(facilities["capacity"].sum()),
                "occupied": int(facilities["occupied"].sum()),
                "population": len(population),
                "population_source": source,
            },
        )
    logger.info("store seeded with %d regions and %d facilities", len(regions), len(facilities))
    return True


def seed_population(*, session: Session, population_path: Path | None = None) -> bool:
    """Seed the population of a store seeded before it was kept (revision 0001), in one
    transaction, from the stored facilities; False when there is a population already or
    nobody to place."""
    from api import audit

    with writing(session):
        if session.scalar(select(func.count()).select_from(PopulationRow)):
            return False
        network = read_network(session=session)
        if not int(network.facilities["occupied"].sum()):
            return False
        population, source = standing_population(
            network.regions, network.facilities, path=population_path
        )
        insert_population(session=session, population=population)
        audit.append(
            session,
            "system",
            "population.seeded",
            {"population": len(population), "population_source": source},
        )
    logger.info("population seeded with %d convicts", len(population))
    return True


def standing_population(
    regions: pd.DataFrame, facilities: pd.DataFrame, *, path: Path | None
) -> tuple[pd.DataFrame, str]:
    """Today's population for these facilities, validated, and where it came from.

    A given file must agree with the facilities (each holds exactly its `occupied` convicts,
    each lawfully). Without one, the bundled data/population.csv when it agrees, else a
    population generated from the facilities' occupancy with the bundled file's seed.
    """
    from optimizer.data import DATA_DIR
    from optimizer.domain import InputError
    from optimizer.population import (
        POPULATION_SEED,
        generate_population,
        population_text,
        read_population,
        validate_population,
    )

    file = path if path is not None else DATA_DIR / "population.csv"
    key = _population_key(file, regions, facilities)
    if key in _standing_populations:
        return _standing_populations[key]
    try:
        found = read_population(file, regions, facilities), file.name
    except InputError:
        if path is not None:
            raise
        logger.info("the bundled population does not fit the facilities; generating one")
        generated = population_text(generate_population(regions, facilities, POPULATION_SEED))
        source = f"generated (seed {POPULATION_SEED})"
        found = validate_population(generated, regions, facilities, source), source
    _standing_populations.clear()
    _standing_populations[key] = found
    return found


_standing_populations: dict[tuple[str, ...], tuple[pd.DataFrame, str]] = {}
"""The last population checked, by file and network: opening stores again (each worker, each
test) skips reading and checking 32,000 rows again. Callers only read the table."""


def _population_key(file: Path, regions: pd.DataFrame, facilities: pd.DataFrame) -> tuple[str, ...]:
    try:
        stat = file.stat()
        version = f"{stat.st_mtime_ns}:{stat.st_size}"
    except OSError:
        version = "missing"
    network = hashlib.sha256(
        (regions.to_csv(index=False) + facilities.to_csv(index=False)).encode("utf-8")
    ).hexdigest()
    return str(file.resolve()), version, network


# --- regions and facilities ---------------------------------------------------------------


def list_regions(*, session: Session) -> Sequence[RegionRow]:
    return session.scalars(select(RegionRow).order_by(RegionRow.region)).all()


def list_facilities(
    *, session: Session, region: str | None = None, security_level: str | None = None
) -> Sequence[FacilityRow]:
    query = select(FacilityRow).order_by(FacilityRow.facility_id)
    if not _storable(region, security_level):
        return []
    if region is not None:
        query = query.where(FacilityRow.region == region)
    if security_level is not None:
        query = query.where(FacilityRow.security_level == security_level)
    return session.scalars(query).all()


def _storable(*texts: str | None) -> bool:
    """Whether the texts can name anything stored (PostgreSQL text never holds NUL)."""
    return not any(t is not None and "\x00" in t for t in texts)


def get_facility(*, session: Session, facility_id: str) -> FacilityRow:
    facility = session.get(FacilityRow, facility_id) if _storable(facility_id) else None
    if facility is None:
        raise NotFoundError("Facility not found")
    return facility


REGION_COLUMNS = ("region", "name", "centre", "lat", "lon", "population")
FACILITY_COLUMNS = (
    "facility_id",
    "name",
    "region",
    "lat",
    "lon",
    "security_level",
    "sex",
    "age_category",
    "capacity",
    "occupied",
    "medical_profile",
    "for_former_officers",
)


@dataclass(frozen=True)
class Network:
    """Regions and facilities as validated engine tables, with each facility's version."""

    regions: pd.DataFrame
    facilities: pd.DataFrame
    versions: dict[str, int]


def read_network(*, session: Session) -> Network:
    """The current network, validated by the engine's own rules as any input would be."""
    from optimizer.data import records_table, validate_facilities, validate_regions

    region_rows = list_regions(session=session)
    facility_rows = list_facilities(session=session)
    regions = validate_regions(
        records_table([{c: getattr(r, c) for c in REGION_COLUMNS} for r in region_rows]),
        file="regions (store)",
    )
    facilities = validate_facilities(
        records_table([{c: getattr(f, c) for c in FACILITY_COLUMNS} for f in facility_rows]),
        regions,
        file="facilities (store)",
    )
    return Network(regions, facilities, {f.facility_id: f.version for f in facility_rows})


def set_occupancy(*, session: Session, facility_id: str, occupied: int, actor: str) -> FacilityRow:
    """Set one facility's occupancy (inside `writing`); out of 0..capacity is an input error."""
    from api import audit
    from optimizer.domain import InputError, Problem

    facility = (
        session.get(FacilityRow, facility_id, with_for_update=for_update(session))
        if _storable(facility_id)
        else None
    )
    if facility is None:
        raise NotFoundError("Facility not found")
    if not 0 <= occupied <= facility.capacity:
        raise InputError(
            [
                Problem(
                    "request",
                    None,
                    "occupied",
                    f"{occupied} is outside 0 to the facility's capacity ({facility.capacity})",
                )
            ]
        )
    previous = facility.occupied
    facility.occupied = occupied
    facility.version += 1
    audit.append(
        session,
        actor,
        "facility.occupancy-changed",
        {"facility_id": facility_id, "occupied_before": previous, "occupied": occupied},
    )
    session.flush()
    return facility


# --- population -----------------------------------------------------------------------------

POPULATION_COLUMNS = (
    "convict_id",
    "sex",
    "age",
    "age_category",
    "security_level",
    "home_region",
    "home_lat",
    "home_lon",
    "medical_need",
    "former_officer",
    "case_id",
    "facility_id",
)
"""The population's columns: the validated convict's (as `optimizer.data.validate_convicts`
returns them) and `facility_id`."""

_POPULATION_DTYPES = {
    "age": "int64",
    "home_lat": "float64",
    "home_lon": "float64",
    "former_officer": "bool",
}

TRANSFER_STALE = "Occupancy changed since the request was evaluated"


def insert_population(*, session: Session, population: pd.DataFrame) -> int:
    """Add validated placed convicts (inside `writing`); PostgreSQL takes them by COPY."""
    rows = list(zip(*(population[c].tolist() for c in POPULATION_COLUMNS), strict=True))
    if not rows:
        return 0
    connection = session.connection()
    names = ", ".join(POPULATION_COLUMNS)
    if connection.dialect.name == "postgresql" and connection.dialect.driver == "psycopg":
        driver: Any = connection.connection.driver_connection
        with (
            driver.cursor() as cursor,
            cursor.copy(f"COPY population ({names}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
    elif connection.dialect.name == "sqlite":
        markers = ", ".join("?" * len(POPULATION_COLUMNS))
        connection.exec_driver_sql(f"INSERT INTO population ({names}) VALUES ({markers})", rows)
    else:
        connection.execute(
            insert(PopulationRow), [dict(zip(POPULATION_COLUMNS, r, strict=True)) for r in rows]
        )
    return len(rows)


def read_population(*, session: Session) -> pd.DataFrame:
    """The population as the engine's validated table, in convict_id order (code points)."""
    table = PopulationRow.__table__
    rows = session.execute(select(*(table.c[c] for c in POPULATION_COLUMNS))).all()
    values = list(zip(*rows, strict=True)) if rows else [() for _ in POPULATION_COLUMNS]
    frame = pd.DataFrame(
        {
            name: pd.Series(list(column), dtype=_POPULATION_DTYPES.get(name, "str"))
            for name, column in zip(POPULATION_COLUMNS, values, strict=True)
        }
    )
    return frame.sort_values("convict_id", kind="stable", ignore_index=True)


def population_counts(*, session: Session) -> dict[str, int]:
    """Convicts in the population per facility (facilities without any are left out)."""
    rows = session.execute(
        select(PopulationRow.facility_id, func.count()).group_by(PopulationRow.facility_id)
    ).all()
    return {facility_id: int(count) for facility_id, count in rows}


def move_convicts(*, session: Session, moves: Sequence[tuple[str, str, str]]) -> dict[str, int]:
    """Apply transfers (convict_id, from facility, to facility) with their occupancy, all or
    nothing (inside `writing`); returns the occupancy change per facility.

    Refused (409) when a convict no longer serves where the review found them, when a
    facility has no room left for its net arrivals, or when a move would put co-defendants in
    one facility: each is a change since the review.
    """
    facilities = sorted({f for _, origin, target in moves for f in (origin, target)})
    if for_update(session) and facilities:
        session.execute(
            select(FacilityRow.facility_id)
            .where(FacilityRow.facility_id.in_(facilities))
            .order_by(FacilityRow.facility_id)
            .with_for_update()
        )
    for convict_id, origin, target in moves:
        moved = session.execute(
            update(PopulationRow)
            .where(PopulationRow.convict_id == convict_id, PopulationRow.facility_id == origin)
            .values(facility_id=target)
            .execution_options(synchronize_session=False)
        )
        if getattr(moved, "rowcount", 0) != 1:
            raise ConflictError(TRANSFER_STALE)
    mover, other = aliased(PopulationRow), aliased(PopulationRow)
    together = session.scalar(
        select(func.count())
        .select_from(mover)
        .join(
            other,
            and_(
                other.case_id == mover.case_id,
                other.facility_id == mover.facility_id,
                other.convict_id != mover.convict_id,
            ),
        )
        .where(mover.convict_id.in_([m[0] for m in moves]), mover.case_id != "")
    )
    if together:
        raise ConflictError(TRANSFER_STALE)
    change: dict[str, int] = {}
    for _, origin, target in moves:
        change[origin] = change.get(origin, 0) - 1
        change[target] = change.get(target, 0) + 1
    change = {f: d for f, d in sorted(change.items()) if d}
    for facility_id, delta in change.items():
        changed = session.execute(
            update(FacilityRow)
            .where(
                FacilityRow.facility_id == facility_id,
                FacilityRow.occupied + delta <= FacilityRow.capacity,
                FacilityRow.occupied + delta >= 0,
            )
            .values(occupied=FacilityRow.occupied + delta, version=FacilityRow.version + 1)
            .execution_options(synchronize_session=False)
        )
        if getattr(changed, "rowcount", 0) != 1:
            raise ConflictError(TRANSFER_STALE)
    return change


# --- runs ---------------------------------------------------------------------------------

SOLVED = "solved"
COMMITTED = "committed"


def get_run(*, session: Session, run_id: uuid.UUID) -> RunRow:
    run = session.get(RunRow, run_id)
    if run is None:
        raise NotFoundError("Run not found")
    return run


def find_run_by_key(*, session: Session, idempotency_key: str) -> RunRow | None:
    return session.scalar(select(RunRow).where(RunRow.idempotency_key == idempotency_key))


def list_runs(*, session: Session, offset: int, limit: int) -> tuple[Sequence[RunRow], int]:
    total = session.scalar(select(func.count()).select_from(RunRow)) or 0
    rows = session.scalars(
        select(RunRow).order_by(RunRow.created_at.desc(), RunRow.run_id).offset(offset).limit(limit)
    ).all()
    return rows, total


def insert_run(
    *,
    session: Session,
    run: RunRow,
    snapshot: Sequence[Mapping[str, Any]],
    placements: Sequence[Mapping[str, Any]],
) -> None:
    """Add a solved run, its facility snapshot and its placements (inside `writing`)."""
    session.add(run)
    session.flush()
    if snapshot:
        session.execute(insert(RunFacilityRow), [{"run_id": run.run_id, **s} for s in snapshot])
    if placements:
        session.execute(insert(PlacementRow), [{"run_id": run.run_id, **p} for p in placements])


def commit_run(*, session: Session, run_id: uuid.UUID, actor: str) -> RunRow:
    """Turn a solved run's placements into occupancy and its placed convicts into population,
    all or nothing (inside `writing`).

    Refused when the run is committed already, when any facility it places convicts in has
    changed since the run was solved (version compare-and-set, locked rows on PostgreSQL), or
    when a convict it places already serves in a facility.
    """
    from api import audit

    lock = for_update(session)
    run = session.get(RunRow, run_id, with_for_update=lock)
    if run is None:
        raise NotFoundError("Run not found")
    if run.status == COMMITTED:
        raise ConflictError("Run already committed")
    used = session.scalars(
        select(RunFacilityRow)
        .where(RunFacilityRow.run_id == run_id, RunFacilityRow.placed > 0)
        .order_by(RunFacilityRow.facility_id)
    ).all()
    if lock and used:
        session.execute(
            select(FacilityRow.facility_id)
            .where(FacilityRow.facility_id.in_([u.facility_id for u in used]))
            .order_by(FacilityRow.facility_id)
            .with_for_update()
        )
    for snapshot in used:
        changed = session.execute(
            update(FacilityRow)
            .where(
                FacilityRow.facility_id == snapshot.facility_id,
                FacilityRow.version == snapshot.version_at_solve,
                FacilityRow.occupied + snapshot.placed <= FacilityRow.capacity,
            )
            .values(
                occupied=FacilityRow.occupied + snapshot.placed, version=FacilityRow.version + 1
            )
            .execution_options(synchronize_session=False)
        )
        if getattr(changed, "rowcount", 0) != 1:
            raise ConflictError("Occupancy changed since the run was solved")
    committed = session.execute(
        update(RunRow)
        .where(RunRow.run_id == run_id, RunRow.status == SOLVED)
        .values(status=COMMITTED, committed_at=now(), committed_by=actor)
        .execution_options(synchronize_session=False)
    )
    if getattr(committed, "rowcount", 0) != 1:
        raise ConflictError("Run already committed")
    _add_placed_convicts(session=session, run_id=run_id)
    audit.append(
        session,
        actor,
        "run.committed",
        {
            "run_id": str(run_id),
            "placed": {u.facility_id: u.placed for u in used},
            "facility_versions": {u.facility_id: u.version_at_solve + 1 for u in used},
        },
    )
    session.flush()
    session.refresh(run)
    return run


def _add_placed_convicts(*, session: Session, run_id: uuid.UUID) -> None:
    """Insert the run's placed convicts into the population (inside the commit)."""
    placed = (PlacementRow.run_id == run_id, PlacementRow.facility_id.is_not(None))
    unrecorded = session.scalar(
        select(func.count()).select_from(PlacementRow).where(*placed, PlacementRow.sex.is_(None))
    )
    if unrecorded:
        raise ConflictError("Run was solved before the population was kept; solve it again")
    serving = session.scalar(
        select(func.count())
        .select_from(PlacementRow)
        .join(PopulationRow, PopulationRow.convict_id == PlacementRow.convict_id)
        .where(*placed)
    )
    if serving:
        raise ConflictError(CONVICT_SERVING)
    columns = [PlacementRow.__table__.c[c] for c in POPULATION_COLUMNS]
    try:
        session.execute(
            insert(PopulationRow).from_select(
                list(POPULATION_COLUMNS), select(*columns).where(*placed)
            )
        )
    except IntegrityError:
        # A concurrent commit placed one of these convicts first (PostgreSQL).
        raise ConflictError(CONVICT_SERVING) from None


CONVICT_SERVING = "A convict of the run already serves in a facility"


def list_placements(
    *,
    session: Session,
    run_id: uuid.UUID,
    region: str | None,
    home_region: str | None,
    facility_id: str | None,
    offset: int,
    limit: int,
) -> tuple[Sequence[Any], int]:
    """A page of a run's placements in input order, without the explanations."""
    columns = (
        PlacementRow.convict_id,
        PlacementRow.home_region,
        PlacementRow.facility_id,
        PlacementRow.facility_region,
        PlacementRow.distance_km,
        PlacementRow.unplaced_reason,
    )
    if not _storable(region, home_region, facility_id):
        return [], 0
    conditions = [PlacementRow.run_id == run_id]
    if region is not None:
        conditions.append(PlacementRow.facility_region == region)
    if home_region is not None:
        conditions.append(PlacementRow.home_region == home_region)
    if facility_id is not None:
        conditions.append(PlacementRow.facility_id == facility_id)
    total = session.scalar(select(func.count()).select_from(PlacementRow).where(*conditions)) or 0
    rows = session.execute(
        select(*columns)
        .where(*conditions)
        .order_by(PlacementRow.position)
        .offset(offset)
        .limit(limit)
    ).all()
    return rows, total


_EXPLANATION = text(
    "SELECT explanation FROM placements WHERE run_id = :run_id AND convict_id = :convict_id"
).bindparams(bindparam("run_id", type_=Uuid), bindparam("convict_id", type_=String))
"""The hottest read, spelled out once: a constructed select costs more to run than the lookup."""


def get_explanation(*, session: Session, run_id: uuid.UUID, convict_id: str) -> str:
    """A placement's structured explanation, as the stored JSON text."""
    found = (
        session.connection()
        .execute(_EXPLANATION, {"run_id": run_id, "convict_id": convict_id})
        .first()
        if _storable(convict_id)
        else None
    )
    if found is None:
        if session.get(RunRow, run_id) is None:
            raise NotFoundError("Run not found")
        raise NotFoundError("Placement not found")
    return str(found.explanation)


def get_placement(*, session: Session, run_id: uuid.UUID, convict_id: str) -> PlacementRow:
    placement = (
        session.scalar(
            select(PlacementRow).where(
                PlacementRow.run_id == run_id, PlacementRow.convict_id == convict_id
            )
        )
        if _storable(convict_id)
        else None
    )
    if placement is None:
        if session.get(RunRow, run_id) is None:
            raise NotFoundError("Run not found")
        raise NotFoundError("Placement not found")
    return placement


# --- transfer requests ----------------------------------------------------------------------

EVALUATED = "evaluated"
AWAITING_APPROVAL = "awaiting-approval"
GRANTED = "granted"
DENIED = "denied"


def get_transfer_request(
    *, session: Session, request_id: uuid.UUID, lock: bool = False
) -> TransferRequestRow:
    """One request; with `lock`, fresh from the database and locked for the caller's change."""
    row = session.get(
        TransferRequestRow,
        request_id,
        with_for_update=lock and for_update(session),
        populate_existing=lock,
    )
    if row is None:
        raise NotFoundError("Transfer request not found")
    return row


def list_transfer_requests(
    *, session: Session, status: str | None, offset: int, limit: int
) -> tuple[Sequence[TransferRequestRow], int]:
    conditions = [] if status is None else [TransferRequestRow.status == status]
    total = (
        session.scalar(select(func.count()).select_from(TransferRequestRow).where(*conditions)) or 0
    )
    rows = session.scalars(
        select(TransferRequestRow)
        .where(*conditions)
        .order_by(TransferRequestRow.created_at.desc(), TransferRequestRow.request_id)
        .offset(offset)
        .limit(limit)
    ).all()
    return rows, total


# --- benchmark jobs ---------------------------------------------------------------------------

QUEUED = "queued"
RUNNING = "running"
DONE = "done"
FAILED = "failed"


def get_benchmark_job(*, session: Session, job_id: uuid.UUID) -> BenchmarkJobRow:
    job = session.get(BenchmarkJobRow, job_id, populate_existing=True)
    if job is None:
        raise NotFoundError("Benchmark not found")
    return job


def list_benchmark_jobs(
    *, session: Session, offset: int, limit: int
) -> tuple[Sequence[BenchmarkJobRow], int]:
    total = session.scalar(select(func.count()).select_from(BenchmarkJobRow)) or 0
    rows = session.scalars(
        select(BenchmarkJobRow)
        .order_by(BenchmarkJobRow.created_at.desc(), BenchmarkJobRow.job_id)
        .offset(offset)
        .limit(limit)
    ).all()
    return rows, total


def update_benchmark_job(*, session: Session, job_id: uuid.UUID, **values: Any) -> None:
    """Change a job's state or progress (inside `writing`)."""
    session.execute(
        update(BenchmarkJobRow)
        .where(BenchmarkJobRow.job_id == job_id)
        .values(**values)
        .execution_options(synchronize_session=False)
    )


def fail_unfinished_benchmarks(*, session: Session, message: str) -> int:
    """Mark queued and running jobs failed, each in the audit log (inside `writing`): when the
    service starts, nobody runs them any more."""
    from api import audit

    unfinished = session.scalars(
        select(BenchmarkJobRow.job_id)
        .where(BenchmarkJobRow.status.in_([QUEUED, RUNNING]))
        .order_by(BenchmarkJobRow.created_at, BenchmarkJobRow.job_id)
    ).all()
    for job_id in unfinished:
        update_benchmark_job(
            session=session, job_id=job_id, status=FAILED, message=message, finished_at=now()
        )
        audit.append(
            session,
            "system",
            "benchmark.failed",
            {"job_id": str(job_id), "message": message, "report_digest": None},
        )
    return len(unfinished)


# --- tokens -------------------------------------------------------------------------------


def add_token(*, session: Session, name: str, role: str, token_digest: str) -> ApiTokenRow:
    token = ApiTokenRow(
        token_id=uuid.uuid4(), name=name, role=role, token_digest=token_digest, created_at=now()
    )
    session.add(token)
    session.flush()
    return token


def find_token(*, session: Session, token_digest: str) -> ApiTokenRow | None:
    return session.scalar(select(ApiTokenRow).where(ApiTokenRow.token_digest == token_digest))


# --- the store as a whole -----------------------------------------------------------------


@dataclass
class Store:
    """An engine and its session factory, with the schema migrated and the network seeded."""

    engine: Engine
    sessions: sessionmaker[Session]

    @classmethod
    def open(
        cls,
        database_url: str,
        *,
        regions_path: Path | None = None,
        facilities_path: Path | None = None,
        population_path: Path | None = None,
    ) -> Store:
        engine = create_store_engine(database_url)
        store = cls(engine, sessionmaker(engine, expire_on_commit=False))
        try:
            migrate(engine)
            with store.sessions() as session:
                seeded = seed(
                    session=session,
                    regions_path=regions_path,
                    facilities_path=facilities_path,
                    population_path=population_path,
                )
                if not seeded:
                    seed_population(session=session, population_path=population_path)
        except BaseException:
            engine.dispose()
            raise
        return store

    def close(self) -> None:
        self.engine.dispose()
