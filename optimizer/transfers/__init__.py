"""Transfers: the review of one request, decisions, and whole-population campaigns."""

from optimizer.transfers.campaign import CampaignResult, optimise_transfers
from optimizer.transfers.casework import (
    DEFAULT_ANSWER_DAYS,
    GROUND_SOURCE,
    Applicant,
    Casework,
    answer_deadline,
    ground_source,
)
from optimizer.transfers.decisions import record_decision
from optimizer.transfers.domain import (
    MAX_SWAP_PEOPLE,
    REASON_RULE,
    Decision,
    FacilityOption,
    FourEyesError,
    Ground,
    Move,
    Reason,
    Swap,
    SwapKind,
    UnknownIdError,
    UnlawfulDecisionError,
    Verdict,
)
from optimizer.transfers.evaluation import Evaluation, LocalName
from optimizer.transfers.notices import (
    DecisionRecord,
    Notice,
    NoticeKind,
    build_notice,
    notice_kinds,
)
from optimizer.transfers.phasing import PhasedPlan
from optimizer.transfers.render import evaluation_document, render_evaluation
from optimizer.transfers.review import TransferRequest, evaluate_request, review_request

__all__ = [
    "DEFAULT_ANSWER_DAYS",
    "GROUND_SOURCE",
    "MAX_SWAP_PEOPLE",
    "REASON_RULE",
    "Applicant",
    "CampaignResult",
    "Casework",
    "Decision",
    "DecisionRecord",
    "Evaluation",
    "FacilityOption",
    "FourEyesError",
    "Ground",
    "LocalName",
    "Move",
    "Notice",
    "NoticeKind",
    "PhasedPlan",
    "Reason",
    "Swap",
    "SwapKind",
    "TransferRequest",
    "UnknownIdError",
    "UnlawfulDecisionError",
    "Verdict",
    "answer_deadline",
    "build_notice",
    "evaluate_request",
    "evaluation_document",
    "ground_source",
    "notice_kinds",
    "optimise_transfers",
    "record_decision",
    "render_evaluation",
    "review_request",
]
