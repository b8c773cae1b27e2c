"""A reviewer's decision on a reviewed transfer request, and the four-eyes rule.

The review proposes, the reviewer disposes: a grant may send the convict to any lawful facility
with a free place (or by any lawful swap the review found), and when the home region is full the
convict may be put on its waiting list. Following the recommendation needs one reviewer;
departing from it (another verdict, or another facility) needs a written reason and a second,
different reviewer. No decision, however approved, may break a hard rule.
"""

from __future__ import annotations

from optimizer.transfers.domain import (
    Decision,
    FourEyesError,
    Reason,
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
    facility_id: str | None = None,
) -> Decision:
    """A reviewer's decision on a reviewed request, checked by the four-eyes rule.

    `facility_id` chooses where a grant sends the convict (default: the recommendation's
    facility). Departing from the recommendation needs a written reason and the approval of a
    second, different reviewer (FourEyesError otherwise). A decision that breaks a hard rule
    raises UnlawfulDecisionError naming the rule: a facility the rules forbid, one without a
    free place (capacity), a swap the review did not find, a waiting list not offered.
    """
    verdict = Verdict(decision)
    reviewer = reviewer.strip()
    if not reviewer:
        raise ValueError("a decision needs the reviewer's id")
    second = second_reviewer.strip() if second_reviewer is not None else None
    written = reason.strip() if reason is not None else None
    chosen = facility_id.strip() if facility_id is not None and facility_id.strip() else None
    granted, swap = _granted(evaluation, verdict, chosen)
    made = Decision(
        convict_id=evaluation.convict_id,
        ground=evaluation.ground,
        verdict=verdict,
        recommendation=evaluation.recommendation,
        reviewer=reviewer,
        second_reviewer=second,
        reason=written or None,
        facility_id=granted,
        swap=swap,
        recommended_facility=evaluation.facility_id,
    )
    check_four_eyes(
        evaluation.recommendation, verdict, reviewer, written, second, departs=made.departs
    )
    return made


def check_four_eyes(
    recommendation: Verdict,
    verdict: Verdict,
    reviewer: str,
    reason: str | None,
    second_reviewer: str | None,
    *,
    departs: bool | None = None,
) -> None:
    """Raise FourEyesError unless the decision follows the recommendation or has both a
    written reason and a second reviewer, who is never the reviewer. `departs` defaults to
    whether the verdict differs from the recommendation."""
    if second_reviewer is not None and second_reviewer == reviewer:
        raise FourEyesError("the second reviewer must be a different person from the reviewer")
    if not (verdict is not recommendation if departs is None else departs):
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


def _granted(
    evaluation: Evaluation, verdict: Verdict, facility_id: str | None
) -> tuple[str | None, Swap | None]:
    """Where a grant sends the convict, refusing any grant that breaks a hard rule."""
    if verdict is Verdict.DENY:
        return None, None
    if verdict is Verdict.WAIT_LIST:
        if not evaluation.waiting_list:
            raise UnlawfulDecisionError(
                "the waiting list is offered only when every lawful facility of the home "
                "region is full (capacity)"
            )
        return None, None
    if Reason.CONSENT_REQUIRED in evaluation.reasons:
        raise UnlawfulDecisionError(
            "the transfer cannot be granted: operational need requires the convict's consent "
            "(Penal Executive Code art. 88)"
        )
    if verdict is Verdict.GRANT_WITH_SWAP:
        return _swapped(evaluation, facility_id)
    if facility_id is not None:
        return _chosen(evaluation, facility_id), None
    if evaluation.recommendation is Verdict.GRANT and evaluation.facility_id is not None:
        return evaluation.facility_id, None  # lawful by the review, also when not the one asked
    if not evaluation.lawful:
        rules = ", ".join(evaluation.failed_rules) or ", ".join(r.value for r in evaluation.reasons)
        raise UnlawfulDecisionError(f"the transfer cannot be granted: it is not lawful ({rules})")
    with_room = [o for o in evaluation.lawful_options if o.free_places > 0]
    if not with_room:
        raise UnlawfulDecisionError(
            "the transfer cannot be granted without a swap: every lawful facility of the target "
            "is full (capacity)"
        )
    return with_room[0].facility_id, None


def _swapped(evaluation: Evaluation, facility_id: str | None) -> tuple[str, Swap]:
    """The swap chosen: the recommended one, or the first the review found into `facility_id`."""
    swaps = [
        s for s in evaluation.swaps if facility_id is None or s.moves[0].to_facility == facility_id
    ]
    if not swaps:
        where = f" into {facility_id}" if facility_id is not None else ""
        raise UnlawfulDecisionError(f"no swap makes room for this transfer{where}")
    return swaps[0].moves[0].to_facility, swaps[0]


def _chosen(evaluation: Evaluation, facility_id: str) -> str:
    """A facility the reviewer chose: lawful for the convict and with a free place."""
    if facility_id == evaluation.current.facility_id:
        raise UnlawfulDecisionError(f"the convict already serves in {facility_id}")
    option = evaluation.option(facility_id)
    if option is None:
        raise UnlawfulDecisionError(f"{facility_id} is not a facility of this review")
    if not option.lawful:
        raise UnlawfulDecisionError(
            f"{facility_id} is not lawful for this convict ({', '.join(option.failed_rules)})"
        )
    if option.free_places <= 0:
        raise UnlawfulDecisionError(f"{facility_id} has no free place (capacity)")
    return facility_id
