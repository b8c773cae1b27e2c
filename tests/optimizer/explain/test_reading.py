"""Every kind of explanation, read in each language on fixed inputs over the national network.

The kinds: placed at home; placed away because the home region is full; unplaced because the
only eligible facility is full; unplaced for a gap of the network (a woman sentenced to minimum
security, a former officer with tuberculosis); co-defendants kept apart; a min-distance run
that left room at home. Russian and Kazakh texts must quote no Latin word but identifiers.
"""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd
import pytest

from optimizer.allocation import Solution, solve
from optimizer.data import records_table, validate_convicts
from optimizer.domain import Objective, SolveOptions
from optimizer.explain import Explanation, explain_placements, render_explanation
from tests.helpers import convict
from tests.reading import assert_reads_in

LANGUAGES = ("en", "ru", "kk")

CONVICTS = [
    convict("HOME", "KZ-35"),
    convict("AWAY", "KZ-47", security_level="maximum"),
    convict("FULL", "KZ-75", age=16),
    convict("GAP-W", "KZ-75", sex="F", security_level="minimum"),
    convict(
        "GAP-TB",
        "KZ-35",
        security_level="maximum",
        medical_need="tuberculosis",
        former_officer=True,
    ),
    convict("CASE-1", "KZ-61", case_id="K1", home_lat=42.35, home_lon=69.9),
    convict("CASE-2", "KZ-61", case_id="K1", home_lat=42.35, home_lon=69.9),
    convict("CASE-3", "KZ-61", case_id="K1", home_lat=42.35, home_lon=69.9),
    convict("ROOM", "KZ-11", security_level="maximum", home_lat=53.38097, home_lon=69.68731),
]
"""One convict per kind of explanation; ids are the identifiers a text may quote."""


def _world(regions: pd.DataFrame, facilities: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    convicts = validate_convicts(records_table(CONVICTS), regions)
    full = facilities["facility_id"].isin(["F051", "F074"])
    facilities = facilities.assign(
        occupied=facilities["occupied"].where(~full, facilities["capacity"])
    )
    return convicts, facilities


@pytest.fixture(scope="module")
def runs(
    national_regions: pd.DataFrame, national_facilities: pd.DataFrame
) -> dict[Objective, tuple[Solution, dict[str, Explanation]]]:
    convicts, facilities = _world(national_regions, national_facilities)
    result = {}
    for objective in Objective:
        solution = solve(convicts, facilities, SolveOptions(objective=objective))
        explanations = {e.convict_id: e for e in explain_placements(solution)}
        result[objective] = (solution, explanations)
    return result


def identifiers(regions: pd.DataFrame, facilities: pd.DataFrame) -> set[str]:
    """What an explanation may quote in Latin letters: ids and ISO region codes."""
    ids = {str(c["convict_id"]) for c in CONVICTS} | {str(c["case_id"]) for c in CONVICTS}
    return ids | set(regions["region"]) | set(facilities["facility_id"])


def _texts(
    runs: dict[Objective, tuple[Solution, dict[str, Explanation]]],
    regions: pd.DataFrame,
    facilities: pd.DataFrame,
) -> Iterator[tuple[str, str, str]]:
    for objective, (_, explanations) in runs.items():
        for convict_id, explanation in explanations.items():
            for lang in LANGUAGES:
                text = render_explanation(explanation, lang, regions, facilities)
                yield f"{objective}/{convict_id}/{lang}", lang, text


def test_every_explanation_reads_in_its_language(
    runs: dict[Objective, tuple[Solution, dict[str, Explanation]]],
    national_regions: pd.DataFrame,
    national_facilities: pd.DataFrame,
) -> None:
    allowed = identifiers(national_regions, national_facilities)
    for _, lang, text in _texts(runs, national_regions, national_facilities):
        assert_reads_in(text, lang, allowed)


def _text(
    runs: dict[Objective, tuple[Solution, dict[str, Explanation]]],
    convict_id: str,
    lang: str,
    regions: pd.DataFrame,
    facilities: pd.DataFrame,
    objective: Objective = Objective.HOME_FIRST,
) -> str:
    return render_explanation(runs[objective][1][convict_id], lang, regions, facilities)


def test_the_kinds_are_what_they_claim(
    runs: dict[Objective, tuple[Solution, dict[str, Explanation]]],
) -> None:
    home_first = runs[Objective.HOME_FIRST][1]
    assert home_first["HOME"].placement is not None and home_first["HOME"].placement.in_home_region
    assert home_first["AWAY"].home_region.all_full
    assert home_first["FULL"].unplaced is not None and not home_first["FULL"].unplaced.network_gap
    for gap in ("GAP-W", "GAP-TB"):
        unplaced = home_first[gap].unplaced
        assert unplaced is not None and unplaced.network_gap
    assert any(c.co_defendants for e in home_first.values() for c in e.closer_facilities)
    room = runs[Objective.MIN_DISTANCE][1]["ROOM"]
    assert room.placement is not None and not room.placement.in_home_region
    assert room.home_region.free_after > 0


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("en", "a gap of the network, not of the person"),
        ("ru", "это пробел сети учреждений, а не осуждённого"),
        ("kk", "бұл сотталғанның емес, мекемелер желісінің олқылығы"),
    ],
)
def test_a_gap_of_the_network_is_said_by_name(
    runs: dict[Objective, tuple[Solution, dict[str, Explanation]]],
    national_regions: pd.DataFrame,
    national_facilities: pd.DataFrame,
    lang: str,
    words: str,
) -> None:
    woman = _text(runs, "GAP-W", lang, national_regions, national_facilities)
    officer = _text(runs, "GAP-TB", lang, national_regions, national_facilities)
    assert words in woman and words in officer
    named = {"en": "minimum security", "ru": "минимальной безопасности", "kk": "барынша төмен"}
    assert named[lang] in woman
    officer_words = {"en": "former officer", "ru": "бывший сотрудник", "kk": "бұрынғы қызметкері"}
    assert officer_words[lang] in officer


def test_a_min_distance_run_claims_no_art_88_and_says_the_home_region_had_room(
    runs: dict[Objective, tuple[Solution, dict[str, Explanation]]],
    national_regions: pd.DataFrame,
    national_facilities: pd.DataFrame,
) -> None:
    room = runs[Objective.MIN_DISTANCE][1]["ROOM"]
    assert "home-region-first" not in {rule.id for rule in room.rules}
    text = _text(runs, "ROOM", "en", national_regions, national_facilities, Objective.MIN_DISTANCE)
    assert "art. 88" not in text.replace("art. 88 (population limit", "")
    assert "The home region had room: " in text
    ru = _text(runs, "ROOM", "ru", national_regions, national_facilities, Objective.MIN_DISTANCE)
    assert "В области проживания были свободные места: " in ru
    home_first = runs[Objective.HOME_FIRST][1]["ROOM"]
    assert "home-region-first" in {rule.id for rule in home_first.rules}


def test_an_adult_is_not_told_the_juvenile_rule_nor_a_healthy_convict_the_medical_one(
    runs: dict[Objective, tuple[Solution, dict[str, Explanation]]],
) -> None:
    explanations = runs[Objective.HOME_FIRST][1]
    assert "same-age-category" not in {r.id for r in explanations["HOME"].rules}
    assert "medical-profile" not in {r.id for r in explanations["HOME"].rules}
    assert "same-age-category" in {r.id for r in explanations["FULL"].rules}
    assert "medical-profile" in {r.id for r in explanations["GAP-TB"].rules}


def test_a_co_defendant_in_a_nearer_facility_is_named_and_no_0_km_remedy_is_offered(
    runs: dict[Objective, tuple[Solution, dict[str, Explanation]]],
    national_regions: pd.DataFrame,
    national_facilities: pd.DataFrame,
) -> None:
    explanations = runs[Objective.HOME_FIRST][1]
    for convict_id in ("CASE-1", "CASE-2", "CASE-3"):
        explanation = explanations[convict_id]
        text = _text(runs, convict_id, "en", national_regions, national_facilities)
        for item in explanation.closer_facilities:
            for other in item.co_defendants:
                assert f"co-defendant {other} serves there" in text
        assert "+0.0 km" not in text and "by 0 km" not in text
        change = explanation.smallest_change
        if hasattr(change, "facility_id"):
            target = next(
                c for c in explanation.closer_facilities if c.facility_id == change.facility_id
            )
            assert target.full and not target.co_defendants
