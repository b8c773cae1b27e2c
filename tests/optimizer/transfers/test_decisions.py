"""A reviewer's decision and the four-eyes rule."""

from __future__ import annotations

import json

import pytest

from optimizer.transfers import (
    Evaluation,
    FourEyesError,
    UnlawfulDecisionError,
    Verdict,
    record_decision,
)
from optimizer.transfers.decisions import check_four_eyes
from tests.helpers import convict, facility
from tests.optimizer.transfers.worlds import full, review, world


@pytest.fixture
def granted() -> Evaluation:
    """A request recommended for grant: room in the home region."""
    population, facilities = world(
        [full("FA", "KZ-71"), facility("FS", "KZ-79", capacity=2)], [(convict("A", "KZ-79"), "FA")]
    )
    return review(population, facilities)


@pytest.fixture
def unlawful() -> Evaluation:
    """A request recommended for deny: no facility of the type in the home region."""
    population, facilities = world(
        [full("FA", "KZ-71"), facility("FS", "KZ-79", security_level="maximum", capacity=2)],
        [(convict("A", "KZ-79"), "FA")],
    )
    return review(population, facilities)


def test_following_the_recommendation_needs_one_reviewer(granted: Evaluation) -> None:
    decision = record_decision(granted, "reviewer-1", Verdict.GRANT)
    assert decision.verdict is Verdict.GRANT and not decision.departs
    assert decision.facility_id == "FS" and decision.second_reviewer is None
    assert json.dumps(decision.as_dict())


@pytest.mark.parametrize(
    ("reason", "second", "missing"),
    [
        (None, None, "a written reason and a second reviewer's approval"),
        ("   ", "reviewer-2", "a written reason"),
        ("The family has moved.", None, "a second reviewer's approval"),
    ],
)
def test_departing_without_reason_and_second_reviewer_is_refused(
    granted: Evaluation, reason: str | None, second: str | None, missing: str
) -> None:
    with pytest.raises(FourEyesError, match=missing):
        record_decision(granted, "reviewer-1", "deny", reason=reason, second_reviewer=second)


def test_the_second_reviewer_must_be_another_person(granted: Evaluation) -> None:
    with pytest.raises(FourEyesError, match="different person"):
        record_decision(
            granted, "reviewer-1", "deny", reason="Safety.", second_reviewer="reviewer-1"
        )


def test_departing_with_reason_and_second_reviewer_is_recorded(granted: Evaluation) -> None:
    decision = record_decision(
        granted, "reviewer-1", Verdict.DENY, reason="Pending appeal.", second_reviewer="reviewer-2"
    )
    assert decision.departs and decision.verdict is Verdict.DENY
    assert decision.as_dict()["departs_from_recommendation"] is True
    assert decision.facility_id is None


def test_no_reviewers_can_grant_an_unlawful_transfer(unlawful: Evaluation) -> None:
    with pytest.raises(UnlawfulDecisionError, match="same-security-level"):
        record_decision(
            unlawful, "reviewer-1", "grant", reason="Family.", second_reviewer="reviewer-2"
        )
    assert record_decision(unlawful, "reviewer-1", "deny").verdict is Verdict.DENY


def test_a_grant_needs_room_and_a_swap_grant_needs_a_swap(granted: Evaluation) -> None:
    with pytest.raises(UnlawfulDecisionError, match="no swap"):
        record_decision(granted, "r1", "grant-with-swap", reason="Why not.", second_reviewer="r2")
    population, facilities = world(
        [full("FA", "KZ-71"), full("FS", "KZ-79")],
        [(convict("A", "KZ-79"), "FA"), (convict("B", "KZ-71"), "FS")],
    )
    swap = review(population, facilities)
    with pytest.raises(UnlawfulDecisionError, match="capacity"):
        record_decision(swap, "r1", "grant", reason="Direct.", second_reviewer="r2")
    decision = record_decision(swap, "r1", "grant-with-swap")
    assert decision.swap is not None and decision.swap.people == 2


def test_an_unknown_decision_or_empty_reviewer_is_refused(granted: Evaluation) -> None:
    with pytest.raises(ValueError):
        record_decision(granted, "r1", "approve")
    with pytest.raises(ValueError, match="reviewer"):
        record_decision(granted, "  ", "grant")


@pytest.mark.parametrize(
    ("verdict", "reason", "second"),
    [
        (Verdict.GRANT, None, None),
        (Verdict.DENY, "Family moved.", "r2"),
    ],
)
def test_four_eyes_passes_a_followed_or_approved_decision(
    verdict: Verdict, reason: str | None, second: str | None
) -> None:
    check_four_eyes(Verdict.GRANT, verdict, "r1", reason, second)


def test_four_eyes_refuses_the_reviewer_as_second_even_when_following() -> None:
    with pytest.raises(FourEyesError, match="different person"):
        check_four_eyes(Verdict.GRANT, Verdict.GRANT, "r1", None, "r1")
