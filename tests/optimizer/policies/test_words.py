"""A report's words: numbers, units, names and titles in each language."""

from __future__ import annotations

import math

import pytest

from optimizer.data import read_regions
from optimizer.domain import InputError
from optimizer.policies.words import report_words
from tests.optimizer.policies.helpers import policy


def test_numbers_units_and_intervals_as_each_language_writes_them() -> None:
    en, ru, kk = (report_words(lang) for lang in ("en", "ru", "kk"))
    assert en.km(2413) == "2,413 km" and ru.km(2413) == "2\u00a0413 км"
    assert en.signed(-1.5, en.points) == "−1.5 pp"
    assert ru.signed(6.5, ru.points) == "+6,5 п. п."
    assert kk.points(1) == "1,0 пайыздық тармақ"
    assert en.interval(5, 4, 6, en.number) == "5 (4 to 6)"
    assert ru.interval(5, 4, 6, ru.number) == "5 (от 4 до 6)"
    assert en.interval(5, math.nan, math.nan, en.number) == "5", "no interval over one seed"
    assert ru.number(math.nan) == "н/д"


def test_names_of_regions_levels_sexes_and_modes_in_the_language() -> None:
    kk = report_words("kk", read_regions())
    assert kk.region("KZ-71") == "KZ-71 Астана қаласы"
    assert kk.level("medium") == "қауіпсіздігі орташа"
    assert kk.sex("F") == "әйелдер"
    assert report_words("ru").mode("steady-state") == "разовое распределение"


def test_policy_titles_in_each_language_fall_back_to_english() -> None:
    both = policy({"name": "p", "title": "Merged", "title_ru": "Объединение"})
    assert report_words("ru", None, [both]).title("p") == "Объединение"
    assert report_words("kk", None, [both]).title("p") == "Merged", "no Kazakh title given"
    assert report_words("en", None, [both]).title("p") == "Merged"


def test_a_title_that_is_not_text_is_a_problem_named_by_its_key() -> None:
    with pytest.raises(InputError) as error:
        policy({"name": "p", "title_kk": 3})
    assert [p.column for p in error.value.problems] == ["title_kk"]
