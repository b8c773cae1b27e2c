"""The vocabulary of transfers: reasons with their rules and sources, and the values' sums."""

from __future__ import annotations

import json

import pytest

from optimizer.rules import RULES
from optimizer.transfers.domain import (
    REASON_RULE,
    TRANSFER_GROUND_SOURCE,
    Decision,
    FacilityOption,
    Ground,
    Move,
    Reason,
    Swap,
    SwapKind,
    UnknownIdError,
    Verdict,
    reason_source,
)


@pytest.mark.parametrize("reason", list(Reason))
def test_every_reason_cites_its_rule_or_the_transfer_ground(reason: Reason) -> None:
    rule = REASON_RULE[reason]
    source = reason_source(reason)
    if rule is not None:
        assert source == RULES[rule].legal_source
    elif reason is Reason.SWAP_NEEDS_CONSENT:
        assert source == f"{TRANSFER_GROUND_SOURCE}; UN Nelson Mandela Rules, rule 68"
    else:
        assert source == TRANSFER_GROUND_SOURCE


def test_a_swap_sums_its_moves_and_is_json_able() -> None:
    moves = (Move("A", "FA", "FS", 997.0, 0.2), Move("B", "FS", "FA", 998.1, 1.0))
    swap = Swap(SwapKind.CYCLE, moves)
    assert [m.change_km for m in moves] == [-996.8, -997.1]
    assert swap.people == 2 and swap.total_change_km == -1993.9
    assert json.loads(json.dumps(swap.as_dict()))["moves"][1]["change_km"] == -997.1


@pytest.mark.parametrize(("change_km", "closer"), [(-0.001, True), (0.0, False), (5.0, False)])
def test_an_option_is_closer_only_when_it_shortens_the_way_home(
    change_km: float, closer: bool
) -> None:
    option = FacilityOption("FS", "S", "KZ-79", "medium", 1.0, change_km, 0, True, ())
    assert option.closer is closer and option.as_dict()["closer"] is closer


def test_a_decision_departs_when_its_verdict_differs_from_the_recommendation() -> None:
    decision = Decision(
        "A", Ground.SAFETY, Verdict.DENY, Verdict.GRANT, "r1", "r2", "Why.", None, None
    )
    assert decision.departs and decision.as_dict()["decision"] == "deny"


def test_an_unknown_id_says_what_kind_it_is() -> None:
    error = UnknownIdError("region", "KZ-99")
    assert (error.kind, error.value, str(error)) == ("region", "KZ-99", "unknown region 'KZ-99'")
