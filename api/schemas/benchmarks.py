"""Policy benchmark jobs and their reports."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from api.db import utc
from api.schemas.common import Count, RequestModel, no_nul_anywhere
from api.status import BenchmarkStatus
from api.tables import BenchmarkJobRow
from optimizer.domain import DistanceKind, Objective

PolicyName = Annotated[str, StringConstraints(min_length=1, max_length=100)]


class BenchmarkMode(StrEnum):
    STEADY_STATE = "steady-state"
    """The whole population allocated from scratch under each policy."""
    FLOW = "flow"
    """Weekly batches against the current occupancy, with releases."""
    BOTH = "both"


class BenchmarkCreate(RequestModel):
    """Policies to compare and how: bundled policy names (`data/policies/<name>.toml`) or
    inline policies (the TOML file's content as JSON), checked at once."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "policies": [
                        "baseline",
                        "merge-medium-maximum",
                        {
                            "name": "single-cell-maximum",
                            "capacity": [{"factor": 0.6, "levels": ["maximum"]}],
                        },
                    ],
                    "seeds": 3,
                    "weeks": 26,
                    "mode": "both",
                }
            ]
        },
    )

    policies: list[PolicyName | dict[str, Any]] = Field(min_length=1, max_length=10)
    seeds: Count = Field(default=3, ge=1, le=10, description="seeds 0..n-1")
    weeks: Count = Field(default=52, ge=0, le=104, description="weeks of the flow run")
    batch: Count = Field(default=600, ge=1, le=5000, description="new convicts per week")
    mode: BenchmarkMode = BenchmarkMode.BOTH
    distance: DistanceKind = DistanceKind.GREAT_CIRCLE
    objective: Objective = Objective.HOME_FIRST

    @field_validator("policies", mode="before")
    @classmethod
    def _policy_text(cls, value: Any) -> Any:
        return no_nul_anywhere(value)


class BenchmarkPublic(BaseModel):
    """A benchmark job: its request, state and progress; the report once `done`."""

    job_id: uuid.UUID
    status: BenchmarkStatus
    progress: float = Field(ge=0, le=1)
    message: str = Field(examples=["flow: baseline, seed 0"])
    request: dict[str, Any]
    created_at: datetime
    created_by: str
    started_at: datetime | None
    finished_at: datetime | None
    report_digest: str | None = Field(description="SHA-256 of the Markdown report, as audited")

    @classmethod
    def from_row(cls, row: BenchmarkJobRow) -> BenchmarkPublic:
        return cls(
            job_id=row.job_id,
            status=BenchmarkStatus(row.status),
            progress=row.progress,
            message=row.message,
            request=row.request,
            created_at=utc(row.created_at),
            created_by=row.created_by,
            started_at=utc(row.started_at) if row.started_at is not None else None,
            finished_at=utc(row.finished_at) if row.finished_at is not None else None,
            report_digest=row.report_digest,
        )


class BenchmarksPage(BaseModel):
    items: list[BenchmarkPublic]
    total: int


class ReportFormat(StrEnum):
    MARKDOWN = "markdown"
    HTML = "html"
    JSON = "json"
    """The metrics: per run, summarised over seeds, and each policy's effect."""
