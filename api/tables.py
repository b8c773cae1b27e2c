"""The SQLAlchemy 2 rows of the store, and nothing else.

The schema itself comes from the Alembic revisions in `api/migrations`; these classes must
declare exactly what they build (a test compares the two).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    Uuid,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


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
    name_ru: Mapped[str | None] = mapped_column(String(200), nullable=True)
    name_kk: Mapped[str | None] = mapped_column(String(200), nullable=True)
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
    name_ru: Mapped[str | None] = mapped_column(String(300), nullable=True)
    name_kk: Mapped[str | None] = mapped_column(String(300), nullable=True)
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
    criminal_history: Mapped[str] = mapped_column(String(16), server_default="both")
    for_life_sentences: Mapped[bool] = mapped_column(Boolean, server_default=false())
    version: Mapped[int] = mapped_column(Integer)


class RunRow(Base):
    """One allocation run: its options, summary and run-level facts; `status` a `RunStatus`."""

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
    criminal_history: Mapped[str | None] = mapped_column(String(16))
    life_sentence: Mapped[bool | None] = mapped_column(Boolean)


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
    criminal_history: Mapped[str] = mapped_column(String(16), server_default="first-time")
    life_sentence: Mapped[bool] = mapped_column(Boolean, server_default=false())
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
    applicant: Mapped[str] = mapped_column(String(16), server_default="convict")
    received: Mapped[date] = mapped_column(Date, index=True)
    answer_days: Mapped[int] = mapped_column(Integer, server_default="15")
    notes: Mapped[str | None] = mapped_column(Text)
    named_person: Mapped[str | None] = mapped_column(String(300))
    language: Mapped[str] = mapped_column(String(2), server_default="ru")
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decision_facility: Mapped[str | None] = mapped_column(String(64))
    """Where the reviewer chose to send the convict (the review's choice when null)."""


class TransferNoticeRow(Base):
    """A notice of a decision (to the convict or the person named), as HTML and PDF; `round`
    counts the decisions on the request that produced notices (0 for the first)."""

    __tablename__ = "transfer_notices"
    __table_args__ = (UniqueConstraint("request_id", "round", "kind"),)

    notice_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    request_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("transfer_requests.request_id"), index=True
    )
    round: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))
    lang: Mapped[str] = mapped_column(String(2))
    html: Mapped[str] = mapped_column(Text)
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
    digest: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class TransferAppealRow(Base):
    """An appeal against a decision: who, when, on what grounds, and the decision it set aside."""

    __tablename__ = "transfer_appeals"

    appeal_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    request_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("transfer_requests.request_id"), index=True
    )
    appellant: Mapped[str] = mapped_column(String(300))
    received: Mapped[date] = mapped_column(Date)
    grounds: Mapped[str] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(300))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    decision: Mapped[dict[str, Any]] = mapped_column(JSON)


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
    """A bearer token, kept only as its SHA-256 digest, with when it was revoked if it was."""

    __tablename__ = "api_tokens"

    token_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    """When an admin revoked the token; a revoked token is refused and stays listed."""


class UserRow(Base):
    """A console account: a person's sign-in name, role and argon2 password hash.

    `active` false is a revoked account: it can no longer sign in and its sessions are gone.
    """

    __tablename__ = "users"

    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ConsoleSessionRow(Base):
    """A signed-in console session, kept only as the SHA-256 digest of its cookie, with the
    form token (CSRF) that every form of the session must carry back."""

    __tablename__ = "console_sessions"

    session_digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.user_id"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
