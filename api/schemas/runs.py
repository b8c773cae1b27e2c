"""Allocation runs, their placements and the explanation of each."""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from api.db import utc
from api.schemas.common import Language, RequestModel, Scalar, cell, no_nul_anywhere
from api.status import RunStatus
from api.tables import PlacementRow, RunRow
from optimizer.domain import DistanceKind, Objective


class ConvictRecord(RequestModel):
    """One newly sentenced convict in the input contract (the columns of the convicts CSV).

    Required: convict_id, sex (M/F), age, security_level, home_region (ISO 3166-2:KZ).
    Optional: home_lat and home_lon together (else the region's centre), medical_need,
    former_officer (true/false), case_id (co-defendants share one), criminal_history
    (first-time/repeat; first-time when absent), life_sentence (true/false). Values are
    checked by the same validation as the CLI's, so any problem comes back as a 422 problem
    list.
    """

    model_config = ConfigDict(
        extra="allow",
        json_schema_extra={
            "examples": [
                {
                    "convict_id": "C000001",
                    "sex": "M",
                    "age": 31,
                    "security_level": "medium",
                    "home_region": "KZ-75",
                    "home_lat": 43.25,
                    "home_lon": 76.95,
                    "medical_need": "",
                    "former_officer": False,
                    "case_id": "",
                    "criminal_history": "repeat",
                    "life_sentence": False,
                }
            ]
        },
    )

    convict_id: Scalar = None
    sex: Scalar = None
    age: Scalar = None
    security_level: Scalar = None
    home_region: Scalar = None
    home_lat: Scalar = None
    home_lon: Scalar = None
    medical_need: Scalar = None
    former_officer: Scalar = None
    case_id: Scalar = None
    criminal_history: Scalar = None
    life_sentence: Scalar = None

    @model_validator(mode="after")
    def _plain_extra_text(self) -> ConvictRecord:
        no_nul_anywhere(self.model_extra)
        return self

    def record(self) -> dict[str, str]:
        """The record as a row of text cells, as a CSV would give it; unknown columns included.

        Cells are turned into text here, one by one, because a table built from mixed numbers
        and nulls would turn the nulls into NaN.
        """
        return {key: cell(value) for key, value in self.model_dump().items()}


class RunCreate(RequestModel):
    """A batch of newly sentenced convicts to allocate against the current occupancy."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "convicts": [
                        {
                            "convict_id": "C000001",
                            "sex": "M",
                            "age": 31,
                            "security_level": "medium",
                            "home_region": "KZ-75",
                        },
                        {
                            "convict_id": "C000002",
                            "sex": "F",
                            "age": 26,
                            "security_level": "medium",
                            "home_region": "KZ-35",
                            "home_lat": 49.8,
                            "home_lon": 73.1,
                        },
                    ],
                    "objective": "home-first",
                    "distance": "great-circle",
                }
            ]
        },
    )

    convicts: list[ConvictRecord] = Field(
        description="the batch; at most the service's batch limit"
    )
    objective: Objective = Objective.HOME_FIRST
    distance: DistanceKind = DistanceKind.GREAT_CIRCLE


class RunPublic(BaseModel):
    """An allocation run: options, state and the engine's summary and run-level facts."""

    run_id: uuid.UUID
    status: RunStatus
    objective: Objective
    distance: DistanceKind
    convicts: int
    placed: int
    created_at: datetime
    created_by: str
    committed_at: datetime | None
    committed_by: str | None
    summary: dict[str, Any] = Field(description="optimizer.summary: totals, by level, by region")
    facts: dict[str, Any] = Field(description="run level: facility shadow prices and utilisation")

    @classmethod
    def from_row(cls, row: RunRow) -> RunPublic:
        return cls(
            run_id=row.run_id,
            status=RunStatus(row.status),
            objective=Objective(row.objective),
            distance=DistanceKind(row.distance),
            convicts=row.convicts,
            placed=row.placed,
            created_at=utc(row.created_at),
            created_by=row.created_by,
            committed_at=utc(row.committed_at) if row.committed_at is not None else None,
            committed_by=row.committed_by,
            summary=row.summary,
            facts=row.facts,
        )


class RunsPage(BaseModel):
    items: list[RunPublic]
    total: int


class PlacementPublic(BaseModel):
    """Where one convict of a run was placed, or why not (`unplaced_reason`)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "convict_id": "C000001",
                    "home_region": "KZ-75",
                    "facility_id": "F061",
                    "facility_region": "KZ-19",
                    "distance_km": 64.2,
                    "unplaced_reason": None,
                }
            ]
        }
    )

    convict_id: str
    home_region: str
    facility_id: str | None
    facility_region: str | None
    distance_km: float | None
    unplaced_reason: str | None

    @classmethod
    def from_row(cls, row: Any) -> PlacementPublic:
        return cls(
            convict_id=row.convict_id,
            home_region=row.home_region,
            facility_id=row.facility_id,
            facility_region=row.facility_region,
            distance_km=row.distance_km,
            unplaced_reason=row.unplaced_reason,
        )


class PlacementsPage(BaseModel):
    items: list[PlacementPublic]
    total: int = Field(description="placements matching the filters, over all pages")


class ExplanationPublic(BaseModel):
    """Why this facility, why not a closer one, and what would have to change: data and words."""

    run_id: uuid.UUID
    convict_id: str
    lang: Language
    explanation: dict[str, Any] = Field(
        description="optimizer.explain, schema placement-explanation/1"
    )
    text: str

    @classmethod
    def from_row(cls, row: PlacementRow, lang: Language, text: str) -> ExplanationPublic:
        return cls(
            run_id=row.run_id,
            convict_id=row.convict_id,
            lang=lang,
            explanation=json.loads(row.explanation),
            text=text,
        )
