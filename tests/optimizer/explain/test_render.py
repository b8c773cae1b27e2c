"""The words of an explanation, in English and Russian, from a typed value or a stored document."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest

from optimizer.allocation import solve
from optimizer.explain import explain_convict, explain_placements, render_explanation
from tests.helpers import (
    convict,
    convicts_table,
    facilities_table,
    facility,
    random_instance,
    regions_table,
)


def test_passed_over_home_facility_is_told() -> None:
    convicts = convicts_table(convict("LOCAL", "KZ-71"), convict("AWAY", "KZ-35"))
    facilities = facilities_table(
        facility("AST", "KZ-71", capacity=1), facility("ALA", "KZ-75", capacity=5)
    )
    explanation = explain_convict(solve(convicts, facilities), regions_table(), 1)
    text = render_explanation(explanation, "en", regions_table())
    assert "Closer eligible facilities" in text and "AST" in text


def test_no_facility_of_the_type_at_home_is_said_in_both_languages() -> None:
    convicts = convicts_table(convict("W", "KZ-71", sex="F"))
    facilities = facilities_table(facility("WOMEN", "KZ-75", sex="F"))
    explanation = explain_convict(solve(convicts, facilities), regions_table(), 0)
    assert explanation["home_region"]["eligible_facilities"] == []
    assert "The home region (Astana (city)) has no eligible facility for this convict" in (
        render_explanation(explanation, "en", regions_table())
    )
    assert "нет подходящего учреждения для этого осуждённого" in render_explanation(
        explanation, "ru", regions_table()
    )


def test_unplaced_convict_is_told_the_shortage() -> None:
    convicts = convicts_table(*(convict(f"C{i}") for i in range(3)))
    solution = solve(convicts, facilities_table(facility("ONLY", capacity=2)))
    text = render_explanation(explain_convict(solution, regions_table(), 2), "en")
    assert "Shortage: 3 convicts" in text


def test_words_do_not_depend_on_the_order_of_stored_keys() -> None:
    """A store may reorder JSON keys (PostgreSQL jsonb does); the text must not change."""
    convicts = convicts_table(convict("W", "KZ-71", sex="F", security_level="maximum"))
    facilities = facilities_table(
        facility("A", "KZ-71"),
        facility("B", "KZ-75", security_level="maximum"),
        facility("C", "KZ-35", sex="F", security_level="maximum"),
    )
    explanation = explain_convict(solve(convicts, facilities), regions_table(), 0)
    excluded = explanation["eligible"]["excluded_by_rule"]
    assert len(excluded) == 2
    reordered = {
        **explanation,
        "eligible": {
            **explanation["eligible"],
            "excluded_by_rule": dict(reversed(list(excluded.items()))),
        },
    }
    names = {"region": list(regions_table()["region"]), "name": list(regions_table()["name"])}
    assert render_explanation(reordered, "en", names) == render_explanation(
        explanation, "en", regions_table()
    )


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_a_value_and_its_stored_document_read_the_same(lang: str) -> None:
    convicts, facilities = random_instance(np.random.default_rng(8), 14, 5)
    for explanation in explain_placements(solve(convicts, facilities)):
        stored = json.loads(json.dumps(explanation.as_dict()))
        text = render_explanation(explanation, lang, regions_table())
        assert text == render_explanation(stored, lang, regions_table())
        assert explanation.convict_id in text


def test_an_unknown_language_is_refused() -> None:
    convicts = convicts_table(convict("A"))
    explanation = explain_convict(solve(convicts, facilities_table(facility("F"))), {}, 0)
    with pytest.raises(ValueError, match="unknown language 'de'; expected one of en, ru, kk"):
        render_explanation(explanation, "de")


@pytest.mark.parametrize(
    ("rank", "eligible", "en", "ru", "kk"),
    [
        (1, 1, "the only eligible facility", "единственное подходящее учреждение", "жалғыз"),
        (1, 3, "the closest of the eligible", "ближайшее из подходящих", "ең жақыны"),
        (2, 3, "1 eligible facility is closer", "ближе есть 1 подходящее учреждение", "1 сәйкес"),
        (
            3,
            9,
            "2 eligible facilities are closer",
            "ближе есть 2 подходящих учреждения",
            "2 сәйкес",
        ),
        (
            6,
            9,
            "5 eligible facilities are closer",
            "ближе есть 5 подходящих учреждений",
            "5 сәйкес",
        ),
    ],
)
def test_the_rank_reads_in_words_that_work_for_one(
    rank: int, eligible: int, en: str, ru: str, kk: str
) -> None:
    """No "1st closest of 1": the only one, the closest, or how many are closer."""
    convicts = convicts_table(convict("A"))
    [explanation] = explain_placements(solve(convicts, facilities_table(facility("F"))))
    assert explanation.placement is not None
    ranked = replace(
        explanation,
        placement=replace(explanation.placement, rank=rank),
        eligible=replace(explanation.eligible, count=eligible),
    )
    for lang, words in (("en", en), ("ru", ru), ("kk", kk)):
        assert words in render_explanation(ranked, lang)
