"""The service's configuration: one `Settings`, read from the environment.

`DATABASE_URL` selects the store (a SQLite file by default, PostgreSQL with
`postgresql+psycopg://...`); the other knobs carry the `PLACEMENT_` prefix. Solver knobs stay in
`optimizer.domain.SolveOptions`, not here.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from optimizer.transfers.casework import DEFAULT_ANSWER_DAYS

DEFAULT_DATABASE_URL = "sqlite:///placement.sqlite3"
"""A SQLite file `placement.sqlite3` in the working directory."""

MAX_BATCH_CONVICTS = 50_000
"""Largest batch one run accepts; a larger one is answered with 413."""


MAX_BODY_BYTES = 40 * 1024 * 1024
"""Largest request body: a 50,000-convict batch as JSON is about 12 MB, a CSV upload at most
`max_upload_bytes` (32 MiB) plus its multipart framing."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="PLACEMENT_", populate_by_name=True, extra="ignore"
    )

    database_url: str = Field(
        default=DEFAULT_DATABASE_URL,
        validation_alias=AliasChoices("DATABASE_URL", "PLACEMENT_DATABASE_URL", "database_url"),
        description="SQLAlchemy URL of the store: sqlite:///path or postgresql+psycopg://...",
    )
    max_batch_convicts: int = Field(default=MAX_BATCH_CONVICTS, gt=0)
    max_upload_bytes: int = Field(default=32 * 1024 * 1024, gt=0, description="largest CSV upload")
    max_body_bytes: int = Field(
        default=MAX_BODY_BYTES,
        gt=0,
        description=(
            "largest request body on any route (413 above it, by Content-Length before reading "
            "or as soon as a streamed body passes it)"
        ),
    )
    regions_path: Path | None = Field(
        default=None, description="regions CSV to seed from (default: bundled)"
    )
    facilities_path: Path | None = Field(
        default=None, description="facilities CSV to seed from (default: bundled)"
    )
    worker_threads: int = Field(
        default=4,
        ge=0,
        description=(
            "threads running request handlers; handlers are CPU-bound Python, so a few beat the "
            "framework's 40 (0 keeps those)"
        ),
    )
    token_cache_s: float = Field(
        default=30.0, ge=0, description="seconds a verified token is trusted without a lookup"
    )
    population_path: Path | None = Field(
        default=None,
        description=(
            "current population CSV to seed from (default: the bundled one when it fits the "
            "facilities, else one generated from their occupancy)"
        ),
    )
    service_data_dir: Path = Field(
        default=Path("placement-data"),
        description="the service's own files: benchmark reports go to its benchmarks/ folder",
    )
    transfer_answer_days: int = Field(
        default=DEFAULT_ANSWER_DAYS,
        ge=1,
        le=365,
        description="calendar days from receipt to the answer to a transfer request; the "
        "sources give no statutory term (data/README.md), so it is set here",
    )
    benchmark_workers: int = Field(
        default=1, ge=1, le=8, description="benchmark jobs run at the same time"
    )
    audit_key: SecretStr | None = Field(
        default=None,
        description=(
            "the audit checkpoints' HMAC key as hex (PLACEMENT_AUDIT_KEY); else the key file"
        ),
    )
    audit_key_path: Path | None = Field(
        default=None,
        description=(
            "file of audit keys, one hex key a line, the first signing (default: audit.key in "
            "the service's data directory, made on first start); keep it away from the store"
        ),
    )
    audit_checkpoint_path: Path | None = Field(
        default=None,
        description=(
            "append-only file of signed audit checkpoints (default: audit-checkpoints.jsonl in "
            "the service's data directory); keep it, and its backups, apart from the store's"
        ),
    )
    keep_uncommitted_runs_days: float = Field(
        default=30.0,
        gt=0,
        description=(
            "days an uncommitted run is kept; older ones are deleted at start and daily "
            "(committed runs are kept for good)"
        ),
    )

    def audit_paths(self) -> tuple[Path, Path]:
        """The audit key file and the checkpoint file, defaults resolved."""
        return (
            self.audit_key_path or self.service_data_dir / "audit.key",
            self.audit_checkpoint_path or self.service_data_dir / "audit-checkpoints.jsonl",
        )
