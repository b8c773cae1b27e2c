"""Transfer review and transfer campaigns on small hand-made instances and seeded random ones.

Geography of the test regions (km between centres): Astana-Karaganda 193, Almaty-Shymkent 607,
Karaganda-Almaty 784, Karaganda-Shymkent 876, Astana-Almaty 972, Astana-Shymkent 997.
"""

from __future__ import annotations

import json
import string
from collections import Counter
from typing import Any

import numpy as np
import pandas as pd
import pytest

from cli.transfers import GROUNDS
from optimizer.data import read_facilities, read_regions
from optimizer.explain.messages import LANGUAGES
from optimizer.geo import GreatCircle
from optimizer.rules import RULES, convict_classes, eligibility
from optimizer.transfers import (
    MAX_SWAP_PEOPLE,
    REASON_RULE,
    Evaluation,
    FourEyesError,
    Ground,
    Reason,
    SwapKind,
    UnknownIdError,
    UnlawfulDecisionError,
    Verdict,
    evaluate_request,
    optimise_transfers,
    record_decision,
)
from optimizer.transfers.messages import TRANSFER_CATALOGUE
from optimizer.transfers.reference import optimise_transfers_reference
from tests.helpers import (
    convict,
    convicts_table,
    facilities_table,
    facility,
    random_instance,
    regions_table,
)

BALKHASH = {"home_region": "KZ-35", "home_lat": 46.85, "home_lon": 74.98}
"""A home point 356 km from Karaganda, 428 km from Almaty, 546 km from Astana."""


def world(
    facility_records: list[dict[str, object]], placed: list[tuple[dict[str, object], str]]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A validated population and its facilities, each facility's occupied being its count."""
    counts = Counter(fid for _, fid in placed)
    facilities = facilities_table(
        *({**f, "occupied": counts.get(str(f["facility_id"]), 0)} for f in facility_records)
    )
    convicts = convicts_table(*(c for c, _ in placed))
    return convicts.assign(facility_id=[fid for _, fid in placed]), facilities


def review(
    population: pd.DataFrame, facilities: pd.DataFrame, convict_id: str = "A", **kw: Any
) -> Evaluation:
    return evaluate_request(population, facilities, regions_table(), convict_id, **kw)


def full(facility_id: str, region: str, **fields: object) -> dict[str, object]:
    return facility(facility_id, region, capacity=1, **fields)


# --- one request: outcomes ----------------------------------------------------------------


def test_room_in_the_home_region_is_granted() -> None:
    population, facilities = world(
        [full("FA", "KZ-71"), facility("FS", "KZ-79", capacity=2)],
        [(convict("A", "KZ-79"), "FA"), (convict("S", "KZ-79"), "FS")],
    )
    e = review(population, facilities)
    assert e.lawful and e.failed_rules == ()
    assert e.recommendation is Verdict.GRANT and e.facility_id == "FS"
    assert e.reasons == (Reason.ROOM_AVAILABLE,)
    assert [(o.facility_id, o.free_places, o.closer) for o in e.options] == [("FS", 1, True)]
    assert e.options[0].distance_km < 1 and e.current.distance_km == pytest.approx(997, abs=1)


def test_lawful_facilities_are_ranked_by_distance_from_home() -> None:
    population, facilities = world(
        [
            full("FA", "KZ-71"),
            facility("FS1", "KZ-79", lat=42.9, lon=69.6, capacity=3),
            facility("FS2", "KZ-79", capacity=3),
            facility("FS3", "KZ-79", sex="F", capacity=3),
        ],
        [(convict("A", "KZ-79"), "FA")],
    )
    e = review(population, facilities)
    assert [o.facility_id for o in e.options] == ["FS2", "FS1", "FS3"]
    assert [o.lawful for o in e.options] == [True, True, False]
    assert e.options[2].failed_rules == ("same-sex",)
    assert e.facility_id == "FS2"


@pytest.mark.parametrize(
    ("requester", "target", "rule"),
    [
        ({}, {"security_level": "maximum"}, "same-security-level"),
        ({}, {"sex": "F"}, "same-sex"),
        ({}, {"age_category": "juvenile"}, "same-age-category"),
        ({"medical_need": "tuberculosis"}, {}, "medical-profile"),
        ({}, {"for_former_officers": True}, "former-officer-separation"),
        ({"former_officer": True}, {}, "former-officer-separation"),
    ],
)
def test_an_unlawful_target_is_denied_with_the_rule_that_forbids_it(
    requester: dict[str, object], target: dict[str, object], rule: str
) -> None:
    home = {**requester}
    profile = {
        "medical_profile": "tuberculosis" if requester.get("medical_need") else "",
        "for_former_officers": bool(requester.get("former_officer")),
    }
    population, facilities = world(
        [full("FA", "KZ-71", **profile), facility("FT", "KZ-79", capacity=5, **target)],
        [(convict("A", "KZ-79", **home), "FA")],
    )
    e = review(population, facilities, target_facility="FT")
    assert not e.lawful
    assert e.failed_rules == (rule,)
    assert e.recommendation is Verdict.DENY and e.facility_id is None
    assert e.reasons == (Reason.NO_LAWFUL_FACILITY,)
    assert e.as_dict()["failed_rules"] == [{"id": rule, "legal_source": RULES[rule].legal_source}]


@pytest.mark.parametrize(
    ("requester", "target"),
    [
        ({"medical_need": "tuberculosis"}, {"medical_profile": "tuberculosis"}),
        ({"former_officer": True}, {"for_former_officers": True}),
        ({"age": 16}, {"age_category": "juvenile"}),
        ({"sex": "F"}, {"sex": "F"}),
    ],
)
def test_a_lawful_target_of_a_special_kind_is_granted(
    requester: dict[str, object], target: dict[str, object]
) -> None:
    population, facilities = world(
        [full("FA", "KZ-71", **target), facility("FT", "KZ-79", capacity=5, **target)],
        [(convict("A", "KZ-79", **requester), "FA")],
    )
    e = review(population, facilities)
    assert e.lawful and e.recommendation is Verdict.GRANT and e.facility_id == "FT"


def test_a_co_defendant_in_the_target_makes_it_unlawful() -> None:
    population, facilities = world(
        [full("FA", "KZ-71"), facility("FS", "KZ-79", capacity=5)],
        [(convict("A", "KZ-79", case_id="K1"), "FA"), (convict("B", "KZ-79", case_id="K1"), "FS")],
    )
    e = review(population, facilities)
    assert not e.lawful
    assert e.failed_rules == ("co-defendant-separation",)
    assert e.reasons == (Reason.NO_LAWFUL_FACILITY,)


def test_no_facility_of_the_type_at_home_lists_closer_lawful_facilities() -> None:
    population, facilities = world(
        [
            full("FA", "KZ-71"),
            facility("FK", "KZ-35", capacity=3),
            facility("FL", "KZ-75", security_level="maximum", capacity=9),
            facility("FS", "KZ-79", capacity=3, occupied=0),
        ],
        [(convict("A", "KZ-75"), "FA"), *((convict(f"S{k}", "KZ-79"), "FS") for k in range(3))],
    )
    e = review(population, facilities)
    assert not e.lawful and e.failed_rules == ("same-security-level",)
    assert e.reasons == (Reason.NO_FACILITY_OF_TYPE, Reason.CLOSER_FACILITY_AVAILABLE)
    assert e.recommendation is Verdict.DENY
    assert [(a.facility_id, a.free_places) for a in e.alternatives] == [("FS", 0), ("FK", 3)]
    assert all(a.lawful and a.closer for a in e.alternatives)
    assert "FK" in e.text("en") and "FK" in e.text("ru")


def test_a_pairwise_exchange_makes_room_when_the_home_facility_is_full() -> None:
    population, facilities = world(
        [full("FA", "KZ-71"), full("FS", "KZ-79")],
        [(convict("A", "KZ-79"), "FA"), (convict("B", "KZ-71"), "FS")],
    )
    e = review(population, facilities)
    assert e.lawful and e.recommendation is Verdict.GRANT_WITH_SWAP and e.facility_id == "FS"
    assert e.reasons == (Reason.SWAP_AVAILABLE, Reason.SWAP_NEEDS_CONSENT)
    swap = e.swaps[0]
    assert swap.kind is SwapKind.CYCLE and swap.people == 2
    assert [(m.convict_id, m.from_facility, m.to_facility) for m in swap.moves] == [
        ("A", "FA", "FS"),
        ("B", "FS", "FA"),
    ]
    assert all(m.change_km == pytest.approx(-997, abs=1) for m in swap.moves)


def test_a_three_person_cycle_when_no_pair_can_exchange() -> None:
    population, facilities = world(
        [full("FA", "KZ-71"), full("FS", "KZ-79"), full("FL", "KZ-75")],
        [
            (convict("A", "KZ-79"), "FA"),
            (convict("B", "KZ-75"), "FS"),
            (convict("C", "KZ-35"), "FL"),
        ],
    )
    e = review(population, facilities)
    assert e.recommendation is Verdict.GRANT_WITH_SWAP
    assert len(e.swaps) == 1
    swap = e.swaps[0]
    assert swap.kind is SwapKind.CYCLE
    assert [(m.convict_id, m.to_facility) for m in swap.moves] == [
        ("A", "FS"),
        ("B", "FL"),
        ("C", "FA"),
    ]
    assert [round(m.change_km) for m in swap.moves] == [-997, -607, -591]


def four_cycle_world() -> tuple[pd.DataFrame, pd.DataFrame]:
    return world(
        [full("FA", "KZ-71"), full("FS", "KZ-79"), full("FL", "KZ-75"), full("FK", "KZ-35")],
        [
            (convict("A", "KZ-79"), "FA"),
            (convict("B", "KZ-75"), "FS"),
            (convict("C", **BALKHASH), "FL"),
            (convict("D", "KZ-71"), "FK"),
        ],
    )


def test_a_four_person_cycle_is_found_and_shorter_limits_find_none() -> None:
    population, facilities = four_cycle_world()
    e = review(population, facilities)
    assert [(m.convict_id, m.to_facility) for m in e.swaps[0].moves] == [
        ("A", "FS"),
        ("B", "FL"),
        ("C", "FK"),
        ("D", "FA"),
    ]
    assert len(e.swaps) == 1
    shorter = review(population, facilities, max_swap_people=3)
    assert shorter.swaps == () and shorter.recommendation is Verdict.DENY
    assert shorter.reasons == (Reason.FULL_NO_SWAP,)
    assert "3 people" in shorter.text("en")


def test_a_chain_into_a_free_place_elsewhere() -> None:
    population, facilities = world(
        [full("FA", "KZ-71"), full("FS", "KZ-79"), facility("FL", "KZ-75", capacity=2)],
        [
            (convict("A", "KZ-79"), "FA"),
            (convict("B", "KZ-75"), "FS"),
            (convict("L", "KZ-75"), "FL"),
        ],
    )
    e = review(population, facilities)
    assert [(s.kind, s.people) for s in e.swaps] == [(SwapKind.CHAIN, 2)]
    assert [(m.convict_id, m.to_facility) for m in e.swaps[0].moves] == [("A", "FS"), ("B", "FL")]


def test_full_with_no_swap_is_denied_and_says_where_there_is_room() -> None:
    population, facilities = world(
        [full("FA", "KZ-71"), full("FS", "KZ-79"), facility("FL", "KZ-75", capacity=2)],
        [(convict("A", "KZ-79"), "FA"), (convict("B", "KZ-79"), "FS")],
    )
    e = review(population, facilities)
    assert e.lawful and e.swaps == ()
    assert e.recommendation is Verdict.DENY
    assert e.reasons == (Reason.FULL_NO_SWAP, Reason.CLOSER_FACILITY_AVAILABLE)
    assert [a.facility_id for a in e.alternatives] == ["FS", "FL"]


def test_a_swap_never_takes_a_co_defendant_to_another() -> None:
    population, facilities = world(
        [full("FA", "KZ-71"), full("FS", "KZ-79"), facility("FX", "KZ-71", capacity=2)],
        [
            (convict("A", "KZ-79"), "FA"),
            (convict("B", "KZ-71", case_id="K1"), "FS"),
            (convict("X", "KZ-71", case_id="K1"), "FX"),
        ],
    )
    e = review(population, facilities)
    assert [(m.convict_id, m.to_facility) for s in e.swaps for m in s.moves[1:]] == [("B", "FA")]


def test_operational_need_requires_consent() -> None:
    population, facilities = world(
        [full("FA", "KZ-71"), facility("FS", "KZ-79", capacity=2)], [(convict("A", "KZ-79"), "FA")]
    )
    without = review(population, facilities, ground=Ground.OPERATIONAL_NEED)
    assert not without.lawful and without.failed_rules == ()
    assert without.recommendation is Verdict.DENY
    assert without.reasons == (Reason.CONSENT_REQUIRED,)
    granted = review(population, facilities, ground="operational-need", consent=True)
    assert granted.recommendation is Verdict.GRANT


def test_a_request_for_the_current_facility_is_already_met() -> None:
    population, facilities = world([full("FA", "KZ-71")], [(convict("A", "KZ-79"), "FA")])
    e = review(population, facilities, target_facility="FA")
    assert e.reasons == (Reason.ALREADY_IN_TARGET,) and e.recommendation is Verdict.DENY


def test_already_at_home_with_no_closer_facility_is_denied() -> None:
    population, facilities = world(
        [full("FA", "KZ-71"), facility("FB", "KZ-71", lat=51.6, lon=71.0, capacity=3)],
        [(convict("A", "KZ-71"), "FA")],
    )
    e = review(population, facilities)
    assert e.reasons == (Reason.ALREADY_IN_HOME_REGION,)
    assert e.recommendation is Verdict.DENY
    assert e.options[0].facility_id == "FB" and not e.options[0].closer


def test_home_ground_needs_a_closer_facility_outside_the_home_region() -> None:
    population, facilities = world(
        [full("FA", "KZ-71"), facility("FL", "KZ-75", capacity=3)], [(convict("A", "KZ-35"), "FA")]
    )
    e = review(population, facilities, target_region="KZ-75")
    assert e.lawful and e.reasons == (Reason.NOT_CLOSER_TO_HOME,)
    assert e.recommendation is Verdict.DENY
    safety = review(population, facilities, target_region="KZ-75", ground=Ground.SAFETY)
    assert safety.recommendation is Verdict.GRANT and safety.facility_id == "FL"


def test_unknown_ids_and_two_targets_are_refused() -> None:
    population, facilities = world([full("FA", "KZ-71")], [(convict("A", "KZ-79"), "FA")])
    for kwargs, kind in (
        ({"convict_id": "Z"}, "convict"),
        ({"target_region": "KZ-99"}, "region"),
        ({"target_facility": "F99"}, "facility"),
    ):
        with pytest.raises(UnknownIdError) as error:
            review(population, facilities, **kwargs)
        assert error.value.kind == kind
    with pytest.raises(ValueError, match="not both"):
        review(population, facilities, target_region="KZ-79", target_facility="FA")
    with pytest.raises(ValueError, match="max_swap_people"):
        review(population, facilities, max_swap_people=MAX_SWAP_PEOPLE + 1)


def test_the_evaluation_is_json_able_with_reasons_rules_and_both_languages() -> None:
    population, facilities = world(
        [full("FA", "KZ-71"), full("FS", "KZ-79")],
        [(convict("A", "KZ-79"), "FA"), (convict("B", "KZ-71"), "FS")],
    )
    data = json.loads(json.dumps(review(population, facilities).as_dict(), ensure_ascii=False))
    assert data["recommendation"] == "grant-with-swap"
    assert data["reasons"][0] == {
        "code": "swap-available",
        "rule": "capacity",
        "legal_source": RULES["capacity"].legal_source,
    }
    assert set(data["explanation"]) == set(LANGUAGES)
    assert "Recommendation: grant with the swap of 2 people" in data["explanation"]["en"]
    assert "Рекомендация: удовлетворить с обменом 2 человек" in data["explanation"]["ru"]
    assert data["swaps"][0]["moves"][1]["convict_id"] == "B"


# --- the message catalogue ------------------------------------------------------------------


def fields_of(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_every_message_exists_in_both_languages_with_the_same_fields() -> None:
    english, russian = TRANSFER_CATALOGUE["en"], TRANSFER_CATALOGUE["ru"]
    assert english.keys() == russian.keys()
    for key, template in english.items():
        assert fields_of(template) == fields_of(russian[key]), key


def test_every_reason_ground_and_verdict_has_its_words() -> None:
    for language in LANGUAGES:
        catalogue = TRANSFER_CATALOGUE[language]
        assert all(r.value in catalogue for r in Reason)
        assert all(f"ground.{g.value}" in catalogue for g in Ground)
        assert all(f"recommend.{v.value}" in catalogue for v in Verdict)
    assert all(rule is None or rule in RULES for rule in REASON_RULE.values())
    assert set(REASON_RULE) == set(Reason)
    assert tuple(g.value for g in Ground) == GROUNDS


# --- four eyes ------------------------------------------------------------------------------


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


# --- random instances: swaps and campaigns ---------------------------------------------------


def random_world(
    rng: np.random.Generator, n_convicts: int, n_facilities: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A random lawful population: convicts placed at random where the rules allow and there
    is room, co-defendants apart; facilities left with 0 to 2 free places."""
    convicts, facilities = random_instance(rng, n_convicts, n_facilities, cases=True)
    classes, class_of = convict_classes(convicts)
    allowed = eligibility(classes, facilities)
    limit = facilities["capacity"].to_numpy() + 2
    count = np.zeros(len(facilities), dtype=np.int64)
    where = np.full(len(convicts), -1)
    for i in rng.permutation(len(convicts)):
        case = convicts["case_id"].to_numpy()[i]
        taken = (
            set(where[(convicts["case_id"] == case).to_numpy() & (where >= 0)]) if case else set()
        )
        options = [
            j for j in np.flatnonzero(allowed[class_of[i]] & (count < limit)) if j not in taken
        ]
        if options:
            where[i] = rng.choice(options)
            count[where[i]] += 1
    keep = where >= 0
    population = convicts[keep].reset_index(drop=True)
    population["facility_id"] = facilities["facility_id"].to_numpy()[where[keep]]
    facilities = facilities.assign(occupied=count, capacity=count + rng.integers(0, 3, len(count)))
    return population, facilities


def metres(population: pd.DataFrame, facilities: pd.DataFrame) -> np.ndarray:
    km = GreatCircle().matrix(
        population["home_lat"].to_numpy(float),
        population["home_lon"].to_numpy(float),
        facilities["lat"].to_numpy(float),
        facilities["lon"].to_numpy(float),
    )
    return np.rint(km * 1000).astype(np.int64)


def test_every_swap_found_is_lawful_within_capacity_and_moves_nobody_else_farther() -> None:
    rng = np.random.default_rng(7)
    checked = 0
    for _ in range(100):
        population, facilities = random_world(rng, 30, 8)
        if population.empty:
            continue
        row = {fid: j for j, fid in enumerate(facilities["facility_id"])}
        classes, class_of = convict_classes(population)
        allowed = eligibility(classes, facilities)
        distance = metres(population, facilities)
        index = {cid: i for i, cid in enumerate(population["convict_id"])}
        for cid in population["convict_id"]:
            e = review(population, facilities, cid)
            for swap in e.swaps:
                checked += 1
                where = population["facility_id"].map(row).to_numpy().copy()
                for k, move in enumerate(swap.moves):
                    i = index[move.convict_id]
                    assert where[i] == row[move.from_facility]
                    where[i] = row[move.to_facility]
                    assert allowed[class_of[i], where[i]]
                    if k > 0:
                        assert distance[i, where[i]] <= distance[i, row[move.from_facility]]
                assert (
                    np.bincount(where, minlength=len(facilities)) <= facilities["capacity"]
                ).all()
                in_case = (population["case_id"] != "").to_numpy()
                pairs = pd.DataFrame({"case": population["case_id"][in_case], "at": where[in_case]})
                assert not pairs.duplicated().any()
                assert facilities["region"].to_numpy()[where[index[cid]]] == e.target_region
    assert checked > 10


def test_the_campaign_exchanges_two_convicts_far_from_home() -> None:
    population, facilities = world(
        [full("FA", "KZ-71"), full("FS", "KZ-79")],
        [(convict("A", "KZ-79"), "FA"), (convict("B", "KZ-71"), "FS")],
    )
    result = optimise_transfers(population, facilities, regions_table())
    assert result.moved == 2 and result.home_before == 0 and result.home_after == 2
    assert result.into_free_places == 0 and result.into_freed_places == 2
    assert result.moves["to_facility"].tolist() == ["FS", "FA"]
    assert result.km_saved == pytest.approx(2 * 997, abs=2)
    astana = result.by_region.set_index("region").loc["KZ-71"]
    assert (astana["convicts"], astana["home_after"], astana["moved"]) == (1, 1, 1)


def test_the_campaign_keeps_co_defendants_apart() -> None:
    """Two places free in Shymkent, but only one co-defendant may go; the other moves closer."""
    population, facilities = world(
        [full("FA", "KZ-71"), full("FK", "KZ-35"), facility("FS", "KZ-79", capacity=2)],
        [(convict("A", "KZ-79", case_id="K1"), "FA"), (convict("B", "KZ-79", case_id="K1"), "FK")],
    )
    result = optimise_transfers(population, facilities, regions_table())
    assert result.home_after == 1
    assert sorted(result.moves["to_facility"]) == ["FK", "FS"]
    reference = optimise_transfers_reference(population, facilities)
    assert reference.home_after == 1 and reference.facility_of == result.facility_of.tolist()


def test_the_campaign_places_the_most_at_home_before_saving_kilometres() -> None:
    """One place in Shymkent: A would come home saving 54 km; B would save 980 km but stay away
    from home (B's co-defendant C keeps B out of the place that A would free)."""
    population, facilities = world(
        [
            facility("FS", "KZ-79", capacity=1),
            facility("FX", "KZ-75", lat=42.5, lon=70.2, capacity=2),
            full("FA", "KZ-71"),
        ],
        [
            (convict("A", "KZ-79"), "FX"),
            (convict("B", "KZ-75", home_lat=42.35, home_lon=69.7, case_id="K1"), "FA"),
            (convict("C", "KZ-75", home_lat=42.5, home_lon=70.25, case_id="K1"), "FX"),
        ],
    )
    result = optimise_transfers(population, facilities, regions_table())
    assert result.moves["convict_id"].tolist() == ["A"]
    assert (result.home_before, result.home_after) == (1, 2)
    assert result.km_saved == pytest.approx(54, abs=1)
    reference = optimise_transfers_reference(population, facilities)
    assert reference.facility_of == result.facility_of.tolist()


def assert_campaign_is_sound(
    population: pd.DataFrame, facilities: pd.DataFrame, facility_of: np.ndarray
) -> None:
    row = population["facility_id"].map({fid: j for j, fid in enumerate(facilities["facility_id"])})
    before = row.to_numpy()
    distance = metres(population, facilities)
    everyone = np.arange(len(population))
    moved = facility_of != before
    assert (distance[everyone, facility_of][moved] < distance[everyone, before][moved]).all()
    assert (np.bincount(facility_of, minlength=len(facilities)) <= facilities["capacity"]).all()
    classes, class_of = convict_classes(population)
    assert eligibility(classes, facilities)[class_of, facility_of].all()
    in_case = (population["case_id"] != "").to_numpy()
    pairs = pd.DataFrame({"case": population["case_id"][in_case], "at": facility_of[in_case]})
    assert not pairs.duplicated().any()


def test_the_campaign_equals_the_naive_model_on_random_instances() -> None:
    rng = np.random.default_rng(2021)
    compared = moved = 0
    for _ in range(25):
        population, facilities = random_world(
            rng, int(rng.integers(8, 26)), int(rng.integers(4, 9))
        )
        if population.empty:
            continue
        result = optimise_transfers(population, facilities, regions_table())
        assert_campaign_is_sound(population, facilities, result.facility_of)
        reference = optimise_transfers_reference(population, facilities)
        assert reference.optimal
        distance = metres(population, facilities)
        total = int(distance[np.arange(len(population)), result.facility_of].sum())
        assert (result.home_after, total) == (reference.home_after, reference.total_distance_m)
        compared += 1
        moved += result.moved
    assert compared >= 20 and moved > 0


def test_the_national_campaign_is_sound_and_reviews_work_on_it() -> None:
    from optimizer.population import read_population

    regions = read_regions()
    facilities = read_facilities(None, regions)
    population = read_population(None, regions, facilities)
    result = optimise_transfers(population, facilities, regions)
    assert_campaign_is_sound(population, facilities, result.facility_of)
    assert result.home_after > result.home_before and result.moved > 1000
    assert result.by_region["convicts"].sum() == len(population)
    json.dumps(result.as_dict())
    for cid in population["convict_id"].iloc[:: len(population) // 5]:
        json.dumps(evaluate_request(population, facilities, regions, cid).as_dict())
