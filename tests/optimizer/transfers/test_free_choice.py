"""The review proposes, the reviewer disposes: any lawful facility with room, a lawful swap, or
the home region's waiting list; the rules always hold."""

from __future__ import annotations

import pandas as pd
import pytest

from optimizer.transfers import (
    Evaluation,
    FourEyesError,
    UnlawfulDecisionError,
    Verdict,
    evaluate_request,
    record_decision,
    render_evaluation,
)
from tests.helpers import convict, facility, regions_table
from tests.optimizer.transfers.worlds import full, world
from tests.reading import assert_reads_in


def home_full() -> tuple[pd.DataFrame, pd.DataFrame]:
    """A, from Shymkent (KZ-79), serves in Astana; Shymkent's one facility is full with a man
    at home; Almaty (KZ-75) has room; Karaganda's facility is of another security level."""
    return world(
        [
            facility("FA", "KZ-71", name_ru="Учреждение А", name_kk="А мекемесі"),
            full("FS", "KZ-79", name_ru="Учреждение Ш", name_kk="Ш мекемесі"),
            facility("FL", "KZ-75", name_ru="Учреждение Л", name_kk="Л мекемесі"),
            facility(
                "FM",
                "KZ-35",
                security_level="maximum",
                name_ru="Учреждение М",
                name_kk="М мекемесі",
            ),
        ],
        [(convict("A", "KZ-79"), "FA"), (convict("B", "KZ-79"), "FS")],
    )


def regions_in_three_languages() -> pd.DataFrame:
    regions = regions_table()
    return regions.assign(
        name_ru=[f"регион {r}" for r in regions["region"]],
        name_kk=[f"{r} өңірі" for r in regions["region"]],
    )


@pytest.fixture
def full_home() -> Evaluation:
    population, facilities = home_full()
    return evaluate_request(population, facilities, regions_in_three_languages(), "A")


def test_a_full_home_region_offers_the_nearest_lawful_facility_and_its_waiting_list(
    full_home: Evaluation,
) -> None:
    assert full_home.recommendation is Verdict.DENY
    assert full_home.waiting_list
    nearest = full_home.nearest_with_room
    assert nearest is not None and nearest.facility_id == "FL"
    text = render_evaluation(full_home, "en")
    assert "Nearest lawful facility with a free place: Facility FL (FL)" in text
    assert "waiting list" in text


def test_the_reviewer_may_grant_any_lawful_facility_with_room_through_four_eyes(
    full_home: Evaluation,
) -> None:
    with pytest.raises(FourEyesError):
        record_decision(full_home, "r1", Verdict.GRANT, facility_id="FL")
    decision = record_decision(
        full_home, "r1", Verdict.GRANT, "Closer to the family.", "r2", facility_id="FL"
    )
    assert decision.facility_id == "FL" and decision.departs


@pytest.mark.parametrize(
    ("facility_id", "named"),
    [
        ("FM", r"FM is not lawful for this convict \(same-security-level\)"),
        ("FS", r"FS has no free place \(capacity\)"),
        ("FA", "already serves in FA"),
        ("FX", "FX is not a facility of this review"),
    ],
)
def test_an_unlawful_choice_is_refused_with_the_rule_named(
    full_home: Evaluation, facility_id: str, named: str
) -> None:
    with pytest.raises(UnlawfulDecisionError, match=named):
        record_decision(full_home, "r1", Verdict.GRANT, "Why.", "r2", facility_id=facility_id)


def test_the_waiting_list_is_a_decision_offered_by_the_review_not_a_departure(
    full_home: Evaluation,
) -> None:
    decision = record_decision(full_home, "r1", Verdict.WAIT_LIST)
    assert decision.verdict is Verdict.WAIT_LIST and not decision.departs
    assert decision.facility_id is None


def test_the_waiting_list_is_refused_when_the_home_region_has_room() -> None:
    population, facilities = world(
        [facility("FA", "KZ-71"), facility("FS", "KZ-79")], [(convict("A", "KZ-79"), "FA")]
    )
    e = evaluate_request(population, facilities, regions_table(), "A")
    assert not e.waiting_list
    with pytest.raises(UnlawfulDecisionError, match="waiting list"):
        record_decision(e, "r1", Verdict.WAIT_LIST)


def test_following_the_recommendation_to_another_facility_departs() -> None:
    population, facilities = world(
        [facility("FA", "KZ-71"), facility("FS", "KZ-79"), facility("FT", "KZ-79")],
        [(convict("A", "KZ-79"), "FA")],
    )
    e = evaluate_request(population, facilities, regions_table(), "A")
    other = next(o.facility_id for o in e.lawful_options if o.facility_id != e.facility_id)
    assert not record_decision(e, "r1", Verdict.GRANT).departs
    with pytest.raises(FourEyesError):
        record_decision(e, "r1", Verdict.GRANT, facility_id=other)


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_the_review_names_facilities_and_regions_in_the_readers_language(
    full_home: Evaluation, lang: str
) -> None:
    text = render_evaluation(full_home, lang)
    word = "Учреждение" if lang == "ru" else "мекемесі"
    assert f"{'Учреждение Л' if lang == 'ru' else 'Л мекемесі'}" in text and word in text
    assert "Facility" not in text and "Shymkent" not in text
    ids = ["A", "B", "FA", "FS", "FL", "FM", "KZ-79", "KZ-71", "KZ-75", "capacity"]
    assert_reads_in(text, lang, [*ids, *(r.value for r in full_home.reasons)])
