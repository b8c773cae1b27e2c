"""A reviewer's decision on a reviewed transfer request, and the four-eyes rule.

Following the recommendation needs one reviewer; departing from it needs a written reason and a
second, different reviewer. No decision, however approved, may break a hard rule.
"""

from __future__ import annotations

from optimizer.transfers.domain import (
    Decision,
    FourEyesError,
    Swap,
    UnlawfulDecisionError,
    Verdict,
)
from optimizer.transfers.evaluation import Evaluation


def record_decision(
    evaluation: Evaluation,
    reviewer: str,
    decision: Verdict | str,
    reason: str | None = None,
    second_reviewer: str | None = None,
) -> Decision:
    """A reviewer's decision on a reviewed request, checked by the four-eyes rule.

    Following the recommendation needs one reviewer. Departing from it needs a written reason
    and the approval of a second, different reviewer (FourEyesError otherwise). No decision may
    break a hard rule: granting a transfer that is not lawful, granting without a free place,
    or granting with a swap where none exists raises UnlawfulDecisionError.
    """
    verdict = Verdict(decision)
    reviewer = reviewer.strip()
    if not reviewer:
        raise ValueError("a decision needs the reviewer's id")
    second = second_reviewer.strip() if second_reviewer is not None else None
    written = reason.strip() if reason is not None else None
    check_four_eyes(evaluation.recommendation, verdict, reviewer, written, second)
    facility_id, swap = _granted(evaluation, verdict)
    return Decision(
        convict_id=evaluation.convict_id,
        ground=evaluation.ground,
        verdict=verdict,
        recommendation=evaluation.recommendation,
        reviewer=reviewer,
        second_reviewer=second,
        reason=written or None,
        facility_id=facility_id,
        swap=swap,
    )


def check_four_eyes(
    recommendation: Verdict,
    verdict: Verdict,
    reviewer: str,
    reason: str | None,
    second_reviewer: str | None,
) -> None:
    """Raise FourEyesError unless the decision follows the recommendation or has both a
    written reason and a second reviewer, who is never the reviewer."""
    if second_reviewer is not None and second_reviewer == reviewer:
        raise FourEyesError("the second reviewer must be a different person from the reviewer")
    if verdict is recommendation:
        return
    missing = [
        what
        for what, present in (
            ("a written reason", bool(reason)),
            ("a second reviewer's approval", bool(second_reviewer)),
        )
        if not present
    ]
    if missing:
        raise FourEyesError(
            f"deciding {verdict.value!r} against the recommendation "
            f"{recommendation.value!r} "
            f"needs {' and '.join(missing)}"
        )


def _granted(evaluation: Evaluation, verdict: Verdict) -> tuple[str | None, Swap | None]:
    """Where a grant sends the convict, refusing any grant that breaks a hard rule."""
    if verdict is Verdict.DENY:
        return None, None
    if not evaluation.lawful:
        rules = ", ".join(evaluation.failed_rules) or ", ".join(r.value for r in evaluation.reasons)
        raise UnlawfulDecisionError(f"the transfer cannot be granted: it is not lawful ({rules})")
    if verdict is Verdict.GRANT_WITH_SWAP:
        if not evaluation.swaps:
            raise UnlawfulDecisionError("no swap makes room for this transfer")
        swap = evaluation.swaps[0]
        return swap.moves[0].to_facility, swap
    if evaluation.recommendation is Verdict.GRANT and evaluation.facility_id is not None:
        return evaluation.facility_id, None
    with_room = [o for o in evaluation.lawful_options if o.free_places > 0]
    if not with_room:
        raise UnlawfulDecisionError(
            "the transfer cannot be granted without a swap: every lawful facility of the target "
            "is full (capacity)"
        )
    return with_room[0].facility_id, None
