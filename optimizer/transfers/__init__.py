"""Transfers: the review of one request, decisions, and whole-population campaigns."""

from optimizer.transfers.campaign import CampaignResult, optimise_transfers
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
from optimizer.transfers.evaluation import Evaluation
from optimizer.transfers.phasing import PhasedPlan
from optimizer.transfers.render import evaluation_document, render_campaign, render_evaluation
from optimizer.transfers.review import TransferRequest, evaluate_request, review_request

__all__ = [
    "MAX_SWAP_PEOPLE",
    "REASON_RULE",
    "CampaignResult",
    "Decision",
    "Evaluation",
    "FacilityOption",
    "FourEyesError",
    "Ground",
    "Move",
    "PhasedPlan",
    "Reason",
    "Swap",
    "SwapKind",
    "TransferRequest",
    "UnknownIdError",
    "UnlawfulDecisionError",
    "Verdict",
    "evaluate_request",
    "evaluation_document",
    "optimise_transfers",
    "record_decision",
    "render_campaign",
    "render_evaluation",
    "review_request",
]
