"""The public contract: pydantic request and response models, and conversions from store rows.

Convict records are typed loosely on purpose: the engine's `validate_convicts` checks them, so
the API reports exactly the problems (file, row, column, message) that the CLI reports.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from api.store import (
    AuditEntryRow,
    BenchmarkJobRow,
    FacilityRow,
    PlacementRow,
    RegionRow,
    RunRow,
    TransferRequestRow,
    utc,
)
from optimizer.domain import AgeCategory, DistanceKind, Objective, SecurityLevel, Sex
from optimizer.transfers import Ground, Verdict

Scalar = str | int | float | bool | None


def _no_nul(value: Any) -> Any:
    if isinstance(value, str) and "\x00" in value:
        raise ValueError("text must not contain NUL characters")
    return value


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


# --- errors -------------------------------------------------------------------------------


class ProblemPublic(BaseModel):
    """One defect of the input, as the CLI prints it: where it is and what is wrong."""

    file: str = Field(examples=["convicts"])
    row: int | None = Field(
        description="data row counted from 1; null for the whole file or column"
    )
    column: str | None = Field(examples=["age"])
    message: str = Field(examples=["'abc' is not a number"])


class ProblemsPublic(BaseModel):
    """422: every problem found in the input, in one pass."""

    detail: list[ProblemPublic]


class ErrorPublic(BaseModel):
    """Any other refusal: a fixed sentence."""

    detail: str = Field(examples=["Run not found"])


# --- regions and facilities ---------------------------------------------------------------


class RegionPublic(BaseModel):
    """A region (ISO 3166-2:KZ) with its administrative centre."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "region": "KZ-75",
                    "name": "Almaty (city)",
                    "centre": "Almaty",
                    "lat": 43.26,
                    "lon": 76.93,
                    "population": 2347924,
                }
            ]
        }
    )

    region: str
    name: str
    centre: str
    lat: float
    lon: float
    population: int

    @classmethod
    def from_row(cls, row: RegionRow) -> RegionPublic:
        return cls(
            region=row.region,
            name=row.name,
            centre=row.centre,
            lat=row.lat,
            lon=row.lon,
            population=row.population,
        )


class FacilityPublic(BaseModel):
    """A facility with its capacity and current occupancy; `version` counts occupancy changes."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "facility_id": "F004",
                    "name": "ОВ-156/3 Semey",
                    "region": "KZ-10",
                    "lat": 50.38,
                    "lon": 80.17,
                    "security_level": "maximum",
                    "sex": "M",
                    "age_category": "adult",
                    "capacity": 800,
                    "occupied": 690,
                    "free_places": 110,
                    "medical_profile": "",
                    "for_former_officers": False,
                    "version": 0,
                }
            ]
        }
    )

    facility_id: str
    name: str
    region: str
    lat: float
    lon: float
    security_level: SecurityLevel
    sex: Sex
    age_category: AgeCategory
    capacity: int
    occupied: int
    free_places: int
    medical_profile: str
    for_former_officers: bool
    version: int

    @classmethod
    def from_row(cls, row: FacilityRow) -> FacilityPublic:
        return cls(
            facility_id=row.facility_id,
            name=row.name,
            region=row.region,
            lat=row.lat,
            lon=row.lon,
            security_level=SecurityLevel(row.security_level),
            sex=Sex(row.sex),
            age_category=AgeCategory(row.age_category),
            capacity=row.capacity,
            occupied=row.occupied,
            free_places=row.capacity - row.occupied,
            medical_profile=row.medical_profile,
            for_former_officers=row.for_former_officers,
            version=row.version,
        )


class OccupancyUpdate(BaseModel):
    """A correction of a facility's occupancy: between 0 and its capacity."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"occupied": 512}]})

    occupied: int = Field(
        ge=0, le=10_000_000, description="convicts now held; at most the capacity"
    )


# --- runs ---------------------------------------------------------------------------------


class ConvictRecord(BaseModel):
    """One newly sentenced convict in the input contract (the columns of the convicts CSV).

    Required: convict_id, sex (M/F), age, security_level, home_region (ISO 3166-2:KZ).
    Optional: home_lat and home_lon together (else the region's centre), medical_need,
    former_officer (true/false), case_id (co-defendants share one). Values are checked by the
    same validation as the CLI's, so any problem comes back as a 422 problem list.
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

    @field_validator("*", mode="before")
    @classmethod
    def _plain_text(cls, value: Any) -> Any:
        return _no_nul(value)

    def record(self) -> dict[str, str]:
        """The record as a row of text cells, as a CSV would give it; unknown columns included.

        Cells are turned into text here, one by one, because a table built from mixed numbers
        and nulls would turn the nulls into NaN.
        """
        return {key: _cell(value) for key, value in self.model_dump().items()}


class RunCreate(BaseModel):
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
                    "objective": "min-distance",
                    "distance": "great-circle",
                }
            ]
        },
    )

    convicts: list[ConvictRecord] = Field(
        description="the batch; at most the service's batch limit"
    )
    objective: Objective = Objective.MIN_DISTANCE
    distance: DistanceKind = DistanceKind.GREAT_CIRCLE


class RunStatus(StrEnum):
    SOLVED = "solved"
    """Placements computed and stored; occupancy unchanged."""
    COMMITTED = "committed"
    """Placements added to the facilities' occupancy."""


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


class Language(StrEnum):
    EN = "en"
    RU = "ru"


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


# --- transfer requests --------------------------------------------------------------------


class TransferRequestCreate(BaseModel):
    """A convict's request to move to another facility of the same type (Penal Code art. 88).

    The target is a region (by default the convict's home region) or one facility, not both;
    `consent` records the convict's consent, which a transfer for operational need requires.
    """

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"convict_id": "P000028", "ground": "home-region"},
                {"convict_id": "P000028", "target_facility": "F067", "ground": "safety"},
            ]
        },
    )

    convict_id: str = Field(min_length=1, max_length=200, description="a convict serving today")
    target_region: str | None = Field(
        default=None, max_length=16, description="region code; default: the home region"
    )
    target_facility: str | None = Field(default=None, max_length=64)
    ground: Ground = Ground.HOME_REGION
    consent: bool = False
    distance: DistanceKind = DistanceKind.GREAT_CIRCLE

    @field_validator("convict_id", "target_region", "target_facility", mode="before")
    @classmethod
    def _plain_text(cls, value: Any) -> Any:
        return _no_nul(value)

    @model_validator(mode="after")
    def _one_target(self) -> TransferRequestCreate:
        if self.target_region is not None and self.target_facility is not None:
            raise ValueError("give a target region or a target facility, not both")
        return self


class TransferStatus(StrEnum):
    EVALUATED = "evaluated"
    """Reviewed; awaiting a decision."""
    AWAITING_APPROVAL = "awaiting-approval"
    """A decision against the recommendation awaits a second reviewer."""
    GRANTED = "granted"
    """Granted and applied to the population and occupancy."""
    DENIED = "denied"


class TransferDecisionCreate(BaseModel):
    """A reviewer's decision. Against the recommendation it needs a written `reason` and then a
    second reviewer's approval (`POST /transfer-requests/{request_id}/approvals`)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"decision": "grant"},
                {"decision": "deny", "reason": "The receiving facility is under renovation."},
            ]
        },
    )

    decision: Verdict
    reason: str | None = Field(default=None, max_length=4000)

    @field_validator("reason", mode="before")
    @classmethod
    def _plain_text(cls, value: Any) -> Any:
        return _no_nul(value)


class TransferApprovalCreate(BaseModel):
    """A second reviewer's answer to a decision against the recommendation: `approve` applies
    it; `false` refuses it, and the request awaits a decision again."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"approve": True}]})

    approve: bool = True


class TransferDecisionPublic(BaseModel):
    """The decision taken, who took and approved it, and the transfers it applied."""

    decision: Verdict
    reason: str | None
    departs_from_recommendation: bool
    decided_by: str
    decided_at: datetime
    approved_by: str | None
    approved_at: datetime | None
    moves: list[dict[str, Any]] = Field(
        description="transfers applied: convict, from and to facility, km before and after"
    )


class TransferRequestPublic(BaseModel):
    """A transfer request with the engine's review, in data and in words, and its decision."""

    request_id: uuid.UUID
    status: TransferStatus
    convict_id: str
    ground: Ground
    consent: bool
    target_region: str | None = Field(description="as asked; the review names the region used")
    target_facility: str | None
    distance: DistanceKind
    created_at: datetime
    created_by: str
    recommendation: Verdict
    decision: TransferDecisionPublic | None
    evaluation: dict[str, Any] = Field(
        description="optimizer.transfers review: lawfulness, options, swaps, reasons with their "
        "rules and legal sources, and the text in every language under `explanation`"
    )
    lang: Language
    text: str = Field(description="the review in words, in `lang`")

    @classmethod
    def from_row(cls, row: TransferRequestRow, lang: Language) -> TransferRequestPublic:
        evaluation = json.loads(row.evaluation)
        decision = None
        if row.decision is not None and row.decided_by is not None and row.decided_at is not None:
            decision = TransferDecisionPublic(
                decision=Verdict(row.decision),
                reason=row.decision_reason,
                departs_from_recommendation=row.decision != row.recommendation,
                decided_by=row.decided_by,
                decided_at=utc(row.decided_at),
                approved_by=row.approved_by,
                approved_at=utc(row.approved_at) if row.approved_at is not None else None,
                moves=row.moves or [],
            )
        return cls(
            request_id=row.request_id,
            status=TransferStatus(row.status),
            convict_id=row.convict_id,
            ground=Ground(row.ground),
            consent=row.consent,
            target_region=row.target_region,
            target_facility=row.target_facility,
            distance=DistanceKind(row.distance),
            created_at=utc(row.created_at),
            created_by=row.created_by,
            recommendation=Verdict(row.recommendation),
            decision=decision,
            evaluation=evaluation,
            lang=lang,
            text=evaluation["explanation"][lang.value],
        )


class TransferRequestsPage(BaseModel):
    items: list[TransferRequestPublic]
    total: int


class TransferCampaignCreate(BaseModel):
    """Which distances to use, and whether (and which page of) the moves to return."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"include_moves": True, "moves_limit": 100}]},
    )

    distance: DistanceKind = DistanceKind.GREAT_CIRCLE
    include_moves: bool = False
    moves_offset: int = Field(default=0, ge=0, le=2**31 - 1)
    moves_limit: int = Field(default=1000, ge=1, le=10_000)


class TransferCampaignPublic(BaseModel):
    """The best transfer campaign over today's population: advice, nothing is changed."""

    summary: dict[str, Any] = Field(
        description="optimizer.transfers campaign: moved, home before and after, km saved, by "
        "home region"
    )
    text: str
    moves_total: int
    moves: list[dict[str, Any]] | None = Field(
        description="the requested page of moves, in population order; null unless asked"
    )


# --- benchmarks ---------------------------------------------------------------------------


def _no_nul_anywhere(value: Any) -> Any:
    """Inline policies are stored as JSON: text in them must not hold NUL characters."""
    if isinstance(value, str):
        _no_nul(value)
    elif isinstance(value, dict):
        for key, item in value.items():
            _no_nul_anywhere(key)
            _no_nul_anywhere(item)
    elif isinstance(value, list):
        for item in value:
            _no_nul_anywhere(item)
    return value


PolicyName = Annotated[str, StringConstraints(min_length=1, max_length=100)]


class BenchmarkMode(StrEnum):
    STEADY_STATE = "steady-state"
    """The whole population allocated from scratch under each policy."""
    FLOW = "flow"
    """Weekly batches against the current occupancy, with releases."""
    BOTH = "both"


class BenchmarkCreate(BaseModel):
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
    seeds: int = Field(default=3, ge=1, le=10, description="seeds 0..n-1")
    weeks: int = Field(default=52, ge=0, le=104, description="weeks of the flow run")
    batch: int = Field(default=600, ge=1, le=5000, description="new convicts per week")
    mode: BenchmarkMode = BenchmarkMode.BOTH
    distance: DistanceKind = DistanceKind.GREAT_CIRCLE
    objective: Objective = Objective.MIN_DISTANCE

    @field_validator("policies", mode="before")
    @classmethod
    def _plain_text(cls, value: Any) -> Any:
        return _no_nul_anywhere(value)


class BenchmarkStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


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


# --- audit --------------------------------------------------------------------------------


class AuditEntryPublic(BaseModel):
    """One entry of the hash-chained log."""

    sequence: int
    recorded_at: str = Field(description="ISO 8601 UTC, exactly as hashed")
    actor: str = Field(examples=["allocator:central-desk"])
    action: str = Field(examples=["run.committed"])
    payload: dict[str, Any]
    payload_digest: str = Field(description="SHA-256 of the payload's canonical JSON")
    previous_digest: str
    entry_digest: str

    @classmethod
    def from_row(cls, row: AuditEntryRow) -> AuditEntryPublic:
        try:
            payload = json.loads(row.payload)
        except ValueError:
            payload = {"unreadable": row.payload}
        if not isinstance(payload, dict):
            payload = {"value": payload}
        return cls(
            sequence=row.sequence,
            recorded_at=row.recorded_at,
            actor=row.actor,
            action=row.action,
            payload=payload,
            payload_digest=row.payload_digest,
            previous_digest=row.previous_digest,
            entry_digest=row.entry_digest,
        )


class AuditPage(BaseModel):
    items: list[AuditEntryPublic]
    total: int


class AuditVerification(BaseModel):
    """Whether the chain holds; else the first entry that does not, and why."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "ok": False,
                    "entries": 41,
                    "first_bad_sequence": 42,
                    "problem": "the payload does not match its digest",
                    "last_digest": "9f2c...",
                }
            ]
        }
    )

    ok: bool
    entries: int = Field(description="entries checked and found sound")
    first_bad_sequence: int | None
    problem: str | None
    last_digest: str = Field(description="digest of the last sound entry, to record elsewhere")


class Health(BaseModel):
    status: str = "ok"
