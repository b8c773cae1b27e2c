"""The review of one request: lawfulness, room, and the recommendation with its reasons."""

from __future__ import annotations

from typing import Any

import pytest

from optimizer.rules import RULES
from optimizer.transfers import (
    MAX_SWAP_PEOPLE,
    Ground,
    Reason,
    TransferRequest,
    UnknownIdError,
    Verdict,
    render_evaluation,
    review_request,
)
from tests.helpers import convict, facility, regions_table
from tests.optimizer.transfers.worlds import full, review, world


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


def test_no_facility_of_the_type_at_home_grants_the_nearest_closer_one_with_room() -> None:
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
    assert (e.recommendation, e.facility_id) == (Verdict.GRANT, "FK")
    assert [(a.facility_id, a.free_places) for a in e.alternatives] == [("FS", 0), ("FK", 3)]
    assert all(a.lawful and a.closer for a in e.alternatives)
    assert "FK" in render_evaluation(e, "en") and "FK" in render_evaluation(e, "ru")


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


# --- the request as one value -----------------------------------------------------------------


def test_a_request_value_reviews_as_the_keyword_call_does() -> None:
    population, facilities = world(
        [full("FA", "KZ-71"), facility("FS", "KZ-79", capacity=2)], [(convict("A", "KZ-79"), "FA")]
    )
    request = TransferRequest("A", target_region="KZ-79", ground=Ground.SAFETY)
    by_value = review_request(population, facilities, regions_table(), request)
    assert by_value == review(population, facilities, target_region="KZ-79", ground="safety")
    assert by_value.recommendation is Verdict.GRANT and by_value.facility_id == "FS"


@pytest.mark.parametrize(
    ("fields", "match"),
    [
        ({"target_region": "KZ-79", "target_facility": "FS"}, "not both"),
        ({"max_swap_people": 1}, "max_swap_people must be from 2 to 4, got 1"),
        ({"max_swap_people": MAX_SWAP_PEOPLE + 1}, "max_swap_people"),
    ],
)
def test_a_request_with_two_targets_or_an_odd_swap_size_is_refused(
    fields: dict[str, Any], match: str
) -> None:
    with pytest.raises(ValueError, match=match):
        TransferRequest("A", **fields)


@pytest.mark.parametrize(
    ("ground", "consent", "lacks"),
    [
        (Ground.OPERATIONAL_NEED, False, True),
        (Ground.OPERATIONAL_NEED, True, False),
        (Ground.HOME_REGION, False, False),
    ],
)
def test_only_operational_need_asks_for_consent(ground: Ground, consent: bool, lacks: bool) -> None:
    assert TransferRequest("A", ground=ground, consent=consent).lacks_consent is lacks
