"""The problems of bad input in each language: the English as before, ru and kk in full."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from optimizer.data import read_regions, validate_convicts, validate_facilities
from optimizer.data_messages import (
    localised_notice,
    problem,
    problem_message,
    problem_text,
    sentence_problem,
)
from optimizer.domain import InputError, Problem
from optimizer.i18n import LANGUAGES
from tests.reading import assert_reads_in

QUOTED = re.compile(r"«([^»]*)»")


def _problems(build: object) -> list[Problem]:
    with pytest.raises(InputError) as raised:
        build()  # type: ignore[operator]
    return raised.value.problems


def bad_convicts() -> list[Problem]:
    """Every cell check of the convicts contract fails once."""
    rows = pd.DataFrame(
        {
            "convict_id": ["A", "A", ""],
            "sex": ["Q", "M", "F"],
            "age": ["abc", "12.5", "300"],
            "security_level": ["strict", "medium", "medium"],
            "home_region": ["KZ-00", "KZ-71", "KZ-71"],
            "home_lat": ["", "99", "51"],
            "home_lon": ["", "71", ""],
            "former_officer": ["maybe", "false", "false"],
            "criminal_history": ["first-time", "sometimes", "repeat"],
        }
    )
    return _problems(lambda: validate_convicts(rows, read_regions()))


def bad_facilities() -> list[Problem]:
    rows = pd.DataFrame(
        {
            "facility_id": ["F1"],
            "name": ["One"],
            "region": ["KZ-71"],
            "lat": ["51"],
            "lon": ["71"],
            "security_level": ["medium"],
            "sex": ["M"],
            "age_category": ["old"],
            "capacity": ["-5"],
            "occupied": ["3"],
            "colour": ["red"],
        }
    )
    return _problems(lambda: validate_facilities(rows, read_regions()))


def test_the_english_text_is_the_problem_as_it_always_printed() -> None:
    for item in bad_convicts():
        assert problem_text(item, "en") == str(item)
        assert problem_message(item, "en") == item.message
    assert str(problem("a.csv", 3, "age", "not-number", value="x")) == (
        "a.csv, row 3, column age: 'x' is not a number"
    )


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_every_cell_problem_is_said_in_the_language(lang: str) -> None:
    problems = bad_convicts()
    assert {p.key for p in problems} >= {
        "duplicate",
        "empty",
        "unknown.sex",
        "not-number",
        "outside.ages",
        "unknown.security-level",
        "unknown.region-code",
        "outside.latitudes",
        "half-home",
        "not-boolean",
        "unknown.criminal-history",
    }
    for item in problems:
        text = problem_text(item, lang)
        assert text != str(item)
        # Identifiers a reader needs: the file, the column, the values quoted and the choices.
        quoted = QUOTED.findall(text)
        allowed = ["convicts.csv", "home_lat", item.column or "", "true", "false", *quoted]
        choices = str(dict(item.fields).get("options", "")).split(", ")
        assert_reads_in(text, lang, allowed + choices)


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_table_and_header_problems_are_said_in_the_language(lang: str) -> None:
    problems = bad_facilities()
    assert [p.key for p in problems] == ["unknown-column"]
    [unknown] = problems
    assert (
        problem_text(unknown, lang)
        == {
            "ru": "facilities.csv, столбец colour: неизвестный столбец",
            "kk": "facilities.csv, colour бағаны: белгісіз баған",
        }[lang]
    )


def test_an_unlawful_sentence_is_told_with_the_rule_in_each_language() -> None:
    item = sentence_problem("convicts.csv", 4, "security_level", "juveniles-serve-medium-security")
    texts = {lang: problem_message(item, lang) for lang in LANGUAGES}
    assert texts["en"].endswith("; juveniles-serve-medium-security)")
    assert "УК РК" in texts["ru"] and "ҚК" in texts["kk"]
    assert len(set(texts.values())) == 3


def test_a_problem_without_a_catalogue_id_stays_in_english() -> None:
    item = Problem("request", None, "query", "unknown query parameter 'x'")
    assert problem_text(item, "kk") == "request, query бағаны: unknown query parameter 'x'"
    assert problem_message(item, "ru") == "unknown query parameter 'x'"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_missing_history_notice_is_said_in_each_language(
    lang: str, caplog: pytest.LogCaptureFixture
) -> None:
    rows = pd.DataFrame(
        {
            "convict_id": ["A"],
            "sex": ["M"],
            "age": ["30"],
            "security_level": ["medium"],
            "home_region": ["KZ-71"],
        }
    )
    with caplog.at_level("WARNING"):
        validate_convicts(rows, read_regions(), "old.csv")
    [record] = caplog.records
    english = record.getMessage()
    assert localised_notice(record, lang)
    said = record.getMessage()
    assert said.startswith("old.csv: ") and "94" in said
    assert (said == english) == (lang == "en")
    assert_reads_in(said, lang, ["old.csv", "criminal_history"])
