"""The allocation summary in each language: Babel numbers, plural forms, the network's gaps."""

from __future__ import annotations

import pandas as pd
import pytest

from optimizer.allocation import solve, summarize
from optimizer.allocation.summary import Summary
from optimizer.data import records_table, validate_convicts
from tests.helpers import convict
from tests.reading import assert_reads_in


@pytest.fixture(scope="module")
def summary(national_regions: pd.DataFrame, national_facilities: pd.DataFrame) -> Summary:
    records = [convict(f"C{i}", "KZ-35") for i in range(2)] + [
        convict("W", "KZ-75", sex="F", security_level="minimum"),
        convict(
            "T", "KZ-35", security_level="maximum", medical_need="tuberculosis", former_officer=True
        ),
        convict("M", "KZ-47", security_level="maximum", home_lat=51.0, home_lon=52.0),
    ]
    convicts = validate_convicts(records_table(records), national_regions)
    return summarize(solve(convicts, national_facilities))


@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
def test_the_summary_reads_in_each_language(
    summary: Summary, national_regions: pd.DataFrame, lang: str
) -> None:
    text = summary.text(lang, national_regions)
    assert_reads_in(text, lang, set(national_regions["region"]))


@pytest.mark.parametrize(
    ("lang", "head", "woman", "officer"),
    [
        (
            "en",
            "Gaps of the network",
            "- 1 convict: women, minimum security facility",
            "former law-enforcement officers",
        ),
        (
            "ru",
            "Пробелы сети учреждений",
            "- 1 осуждённый: женщины, учреждение минимальной безопасности",
            "бывшие сотрудники правоохранительных органов",
        ),
        (
            "kk",
            "Мекемелер желісінің олқылықтары",
            "- 1 сотталған: әйелдер, қауіпсіздігі барынша төмен мекеме",
            "құқық қорғау органдарының бұрынғы қызметкерлері",
        ),
    ],
)
def test_the_gaps_of_the_network_are_named(
    summary: Summary, lang: str, head: str, woman: str, officer: str
) -> None:
    text = summary.text(lang)
    assert head in text and woman in text and officer in text
    assert [gap.convicts for gap in summary.network_gaps] == [1, 1]
    assert summary.as_dict()["network_gaps"][0]["convicts"] == 1


def test_counts_take_the_plural_forms_and_numbers_the_locale_s_digits(summary: Summary) -> None:
    assert summary.text("en").startswith("Allocated 3 of 5 convicts")
    assert summary.text("ru").startswith("Распределено 3 из 5 осуждённых")
    assert summary.text("kk").startswith("5 сотталған ішінен 3 бөлінді")
