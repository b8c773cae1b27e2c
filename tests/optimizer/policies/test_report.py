"""The report: the folder written, the effect sentences computed from the metrics, tables."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from optimizer.data import read_regions
from optimizer.i18n import translator
from optimizer.policies import BenchmarkResult, BenchmarkSettings, Mode
from optimizer.policies.formats import percent
from optimizer.policies.markup import Figure, Heading, Table
from optimizer.policies.report import (
    MAIN_COLUMNS,
    comparison_table,
    effect_sentences,
    records_by_key,
    report_blocks,
    write_report,
)
from optimizer.policies.simulate import run_benchmark
from optimizer.policies.words import report_words
from tests.helpers import regions_table
from tests.optimizer.policies.helpers import policy, small_network
from tests.reading import assert_reads_in


def test_report_states_the_mergers_effect_computed_from_the_metrics(
    tmp_path: Path, merger_benchmark: BenchmarkResult
) -> None:
    result = merger_benchmark
    written = write_report(result, tmp_path)
    for name in (
        "index.md",
        "index.html",
        "metrics.csv",
        "metrics_by_region.csv",
        "figures/home-share.png",
        "figures/distance-steady-state.png",
        "figures/map-flow-merge-medium-maximum.png",
    ):
        assert (tmp_path / name).is_file() and (tmp_path / name) in written, name
    text = (tmp_path / "index.md").read_text(encoding="utf-8")
    metrics = result.metrics[result.metrics["mode"] == "steady-state"].set_index("policy")[
        "home_share"
    ]
    before = percent(metrics.loc["baseline"].mean())
    after = percent(metrics.loc["merge-medium-maximum"].mean())
    sentence = (
        f"Among placed convicts, the share in their home region goes from {before} to {after}"
    )
    assert sentence in text
    assert "<table>" in (tmp_path / "index.html").read_text(encoding="utf-8")


def test_without_figures_the_report_has_its_tables_and_text_only(
    tmp_path: Path, merger_benchmark: BenchmarkResult
) -> None:
    written = write_report(merger_benchmark, tmp_path, figures=False)
    assert sorted(p.name for p in written) == [
        "effects.csv",
        "index.html",
        "index.md",
        "metrics.csv",
        "metrics_by_region.csv",
        "metrics_summary.csv",
        "unplaced.csv",
        "unplaced_by_group.csv",
    ]
    assert not (tmp_path / "figures").exists()


def test_blocks_follow_the_modes_and_cite_only_the_figures_given(
    merger_benchmark: BenchmarkResult,
) -> None:
    blocks = report_blocks(merger_benchmark, {"distance-flow": "figures/distance-flow.png"})
    headings = [b.text for b in blocks if isinstance(b, Heading)]
    assert headings[:4] == [
        "Who is left without a lawful place",
        "Effect of each policy against the reference",
        "Regions that lose",
        "First-time and repeat convicts",
    ]
    assert headings[4].startswith("Steady state") and headings[5].startswith("Flow: 2 weekly")
    assert headings[-2:] == ["Policies", "Method"]
    assert [b.path for b in blocks if isinstance(b, Figure)] == ["figures/distance-flow.png"]
    extra = len(blocks) - len([b for b in blocks if not isinstance(b, Table)])
    assert extra >= 7, "3 tables per mode, 1 more for flow, and the truth-first tables"


def test_comparison_table_has_a_row_per_policy_and_na_for_a_missing_metric(
    merger_benchmark: BenchmarkResult,
) -> None:
    summary = merger_benchmark.summary()
    words = report_words("en", merger_benchmark.regions, merger_benchmark.policies)
    table = comparison_table(
        summary,
        Mode.STEADY,
        [*MAIN_COLUMNS, ("transferred", False)],
        merger_benchmark.policies,
        words,
    )
    assert table["policy"].tolist() == ["baseline", "merge-medium-maximum"]
    assert table.columns[1:4].tolist() == ["placed", "unplaced", "in the home region"]
    assert (table["transferred in week 0"] == "n/a").all(), "a flow metric in steady state"


def test_records_by_key_keeps_numeric_columns_as_floats() -> None:
    table = pd.DataFrame({"policy": ["a"], "metric": ["m"], "mean": [2], "note": ["x"]})
    assert records_by_key(table, ["policy", "metric"]) == {("a", "m"): {"mean": 2.0}}


def test_a_single_policy_has_nothing_to_compare_with() -> None:
    settings = BenchmarkSettings(seeds=(0,), weeks=0, modes=(Mode.STEADY,))
    result = run_benchmark(
        [policy({"name": "baseline"})], None, regions_table(), small_network(), settings
    )
    assert effect_sentences(result, result.effects()) == [
        "Only one policy was run; there is nothing to compare it with."
    ]


@pytest.fixture(scope="module")
def translated_benchmark() -> BenchmarkResult:
    """Policies with titles in three languages, the bundled regions with their Russian and
    Kazakh names, and a capacity cut that leaves convicts unplaced."""
    titles = {"title_ru": "Сегодняшняя сеть", "title_kk": "Бүгінгі желі"}
    cut = {
        "name": "cut",
        "title": "A fifth of the places",
        "title_ru": "Пятая часть мест",
        "title_kk": "Орындардың бестен бірі",
        "description": "Medium and maximum facilities keep a fifth of their places.",
        "description_ru": "Учреждения средней и максимальной безопасности сохраняют "
        "пятую часть мест.",
        "description_kk": "Қауіпсіздігі орташа және барынша жоғары мекемелер орындарының "
        "бестен бірін сақтайды.",
        "capacity": [{"levels": ["medium", "maximum"], "factor": 0.2}],
    }
    reforms = [policy({"name": "baseline", "title": "Today", **titles}), policy(cut)]
    settings = BenchmarkSettings(seeds=(0, 1), weeks=2, batch=20)
    return run_benchmark(reforms, None, read_regions(), small_network(), settings)


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_the_report_reads_in_russian_and_kazakh(
    tmp_path: Path, translated_benchmark: BenchmarkResult, lang: str
) -> None:
    """Markdown and HTML in the language: no Latin word but ids, unplaced first, the page's
    `lang`, titles and region names in the language."""
    write_report(translated_benchmark, tmp_path, figures=False, lang=lang)
    text = (tmp_path / "index.md").read_text(encoding="utf-8")
    page = (tmp_path / "index.html").read_text(encoding="utf-8")
    identifiers = set(read_regions()["region"]) | set(small_network()["facility_id"])
    assert_reads_in(text, lang, identifiers)
    assert f'<html lang="{lang}">' in page
    title = {"ru": "Пятая часть мест", "kk": "Орындардың бестен бірі"}[lang]
    region = read_regions().set_index("region")[f"name_{lang}"]["KZ-71"]
    assert title in text and region in text
    headings = [line for line in text.splitlines() if line.startswith("## ")]
    assert headings[0] == "## " + translator("policies", lang)("unplaced.heading")


def test_a_policy_that_leaves_more_unplaced_is_called_no_improvement(
    translated_benchmark: BenchmarkResult,
) -> None:
    """Exactly when more convicts have no lawful place, its sentence says so, before any
    distance."""
    result = translated_benchmark
    effects = result.effects()
    unplaced = effects[(effects["metric"] == "unplaced") & (effects["policy"] == "cut")]
    rose = dict(zip(unplaced["mode"], unplaced["value"] > unplaced["reference"], strict=True))
    assert any(rose.values()), "the cut leaves someone unplaced in some mode"
    sentences = effect_sentences(result, effects)
    for mode in result.settings.modes:
        words = {"steady-state": "(steady state)", "flow": "(weekly flow)"}[mode.value]
        (sentence,) = [s for s in sentences if s.startswith(f"**A fifth of the places** {words}")]
        assert ("This is not an improvement" in sentence) == rose[mode.value]
        if rose[mode.value]:
            assert sentence.index("not an improvement") < sentence.index("total distance")
