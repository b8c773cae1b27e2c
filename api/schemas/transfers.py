"""Transfer requests: filing, decisions, approvals, appeals and notices."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, StrictBool, model_validator

from api.db import now, utc
from api.schemas.common import Language, RequestModel
from api.status import TransferStatus
from api.tables import TransferAppealRow, TransferNoticeRow, TransferRequestRow
from optimizer.domain import DistanceKind
from optimizer.transfers import Applicant, Casework, Ground, Verdict


class TransferRequestCreate(RequestModel):
    """A convict's request to move to another facility of the same type (Penal Executive Code
    art. 88).

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
    consent: StrictBool = False
    distance: DistanceKind = DistanceKind.GREAT_CIRCLE
    applicant: Applicant = Field(
        default=Applicant.CONVICT, description="who filed: convict, relative, lawyer, ombudsman"
    )
    received: date | None = Field(
        default=None, description="the day the request was received; default: today"
    )
    notes: str | None = Field(default=None, max_length=4000, description="supporting notes")
    named_person: str | None = Field(
        default=None,
        max_length=300,
        description="the family member or person the convict named to be told of the decision",
    )
    language: Language = Field(
        default=Language.RU, description="the convict's language: the notices are written in it"
    )

    @model_validator(mode="after")
    def _one_target(self) -> TransferRequestCreate:
        if self.target_region is not None and self.target_facility is not None:
            raise ValueError("give a target region or a target facility, not both")
        if self.received is not None and self.received > now().date():
            raise ValueError("the date received cannot be in the future")
        return self

    def casework(self, answer_days: int) -> Casework:
        """The request's casework, answered within `answer_days` (the service's setting)."""
        return Casework(
            applicant=self.applicant,
            received=self.received or now().date(),
            answer_days=answer_days,
            notes=(self.notes or "").strip(),
            named_person=(self.named_person or "").strip() or None,
            language=self.language.value,
        )


class TransferDecisionCreate(RequestModel):
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
    facility_id: str | None = Field(
        default=None,
        max_length=64,
        description="where a grant sends the convict: any lawful facility with a free place (or "
        "the swap into it); default the recommendation's. Another facility than recommended "
        "departs from it (four eyes)",
    )


class TransferAppealCreate(RequestModel):
    """An appeal against the decision: it reopens the request for a fresh review and decision."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"appellant": "the convict", "received": "2026-11-20", "grounds": "The family…"}
            ]
        },
    )

    appellant: str = Field(min_length=1, max_length=300, description="who appeals")
    received: date
    grounds: str = Field(min_length=1, max_length=4000)

    @model_validator(mode="after")
    def _not_future(self) -> TransferAppealCreate:
        if self.received > now().date():
            raise ValueError("the date received cannot be in the future")
        return self


class TransferApprovalCreate(RequestModel):
    """A second reviewer's answer to a decision against the recommendation: `approve` applies
    it; `false` refuses it, and the request awaits a decision again."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"approve": True}]})

    approve: StrictBool = True


class TransferDecisionPublic(BaseModel):
    """The decision taken, who took and approved it, and the transfers it applied."""

    decision: Verdict
    facility_id: str | None
    reason: str | None
    departs_from_recommendation: bool
    decided_by: str
    decided_at: datetime
    approved_by: str | None
    approved_at: datetime | None
    moves: list[dict[str, Any]] = Field(
        description="transfers applied: convict, from and to facility, km before and after"
    )


class TransferNoticeLink(BaseModel):
    """A notice of the latest decision, in the convict's language, as HTML and PDF."""

    kind: str
    lang: Language
    html: str
    pdf: str
    digest: str


class TransferAppealPublic(BaseModel):
    """An appeal and the decision it set aside."""

    appellant: str
    received: date
    grounds: str
    recorded_by: str
    recorded_at: datetime
    decision_set_aside: dict[str, Any]


def _departs(row: TransferRequestRow, recommended_facility: str | None) -> bool:
    if row.decision == Verdict.WAIT_LIST.value:
        return False
    if row.decision != row.recommendation:
        return True
    return row.decision != Verdict.DENY.value and row.decision_facility != recommended_facility


class TransferRequestPublic(BaseModel):
    """A transfer request with the engine's review, in data and in words, its casework, its
    decision, the decision's notices and the appeals against earlier decisions."""

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
    applicant: Applicant
    received: date
    answer_days: int
    deadline: date = Field(description="the day the answer is due")
    overdue: bool = Field(description="unanswered past the deadline, or answered after it")
    answered_at: datetime | None
    notes: str | None
    named_person: str | None
    language: Language = Field(description="the convict's language, of the notices")
    waiting_list_offered: bool = Field(
        description="the home region is full: the convict may be put on its waiting list"
    )
    recommendation: Verdict
    decision: TransferDecisionPublic | None
    evaluation: dict[str, Any] = Field(
        description="optimizer.transfers review: lawfulness, options, swaps, reasons with their "
        "rules and legal sources, and the text in every language under `explanation`"
    )
    lang: Language
    text: str = Field(description="the review in words, in `lang`")
    notices: list[TransferNoticeLink] = Field(
        default_factory=list, description="the latest decision's notices (on one request)"
    )
    appeals: list[TransferAppealPublic] = Field(
        default_factory=list, description="appeals, oldest first (on one request)"
    )

    @classmethod
    def from_row(
        cls,
        row: TransferRequestRow,
        lang: Language,
        notices: Sequence[TransferNoticeRow] = (),
        appeals: Sequence[TransferAppealRow] = (),
    ) -> TransferRequestPublic:
        evaluation = json.loads(row.evaluation)
        casework = Casework(Applicant(row.applicant), row.received, row.answer_days)
        answered = utc(row.answered_at) if row.answered_at is not None else None
        decision = _decision_public(row, evaluation.get("facility_id"))
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
            applicant=casework.applicant,
            received=row.received,
            answer_days=row.answer_days,
            deadline=casework.deadline,
            overdue=casework.overdue(now().date(), answered.date() if answered else None),
            answered_at=answered,
            notes=row.notes,
            named_person=row.named_person,
            language=Language(row.language),
            waiting_list_offered=bool(evaluation.get("waiting_list", False)),
            recommendation=Verdict(row.recommendation),
            decision=decision,
            evaluation=evaluation,
            lang=lang,
            text=evaluation["explanation"][lang.value],
            notices=_links(row, notices),
            appeals=[_appeal_public(a) for a in appeals],
        )


def _decision_public(
    row: TransferRequestRow, recommended_facility: str | None
) -> TransferDecisionPublic | None:
    if row.decision is None or row.decided_by is None or row.decided_at is None:
        return None
    return TransferDecisionPublic(
        decision=Verdict(row.decision),
        facility_id=row.decision_facility,
        reason=row.decision_reason,
        departs_from_recommendation=_departs(row, recommended_facility),
        decided_by=row.decided_by,
        decided_at=utc(row.decided_at),
        approved_by=row.approved_by,
        approved_at=utc(row.approved_at) if row.approved_at is not None else None,
        moves=row.moves or [],
    )


def _appeal_public(a: TransferAppealRow) -> TransferAppealPublic:
    return TransferAppealPublic(
        appellant=a.appellant,
        received=a.received,
        grounds=a.grounds,
        recorded_by=a.recorded_by,
        recorded_at=utc(a.recorded_at),
        decision_set_aside=a.decision,
    )


def _links(
    row: TransferRequestRow, notices: Sequence[TransferNoticeRow]
) -> list[TransferNoticeLink]:
    """Links to the notices of the latest round of decisions."""
    if not notices:
        return []
    latest = max(n.round for n in notices)
    base = f"/transfer-requests/{row.request_id}/notices"
    return [
        TransferNoticeLink(
            kind=n.kind,
            lang=Language(n.lang),
            html=f"{base}/{n.kind}.html",
            pdf=f"{base}/{n.kind}.pdf",
            digest=n.digest,
        )
        for n in notices
        if n.round == latest
    ]


class TransferRequestsPage(BaseModel):
    items: list[TransferRequestPublic]
    total: int
