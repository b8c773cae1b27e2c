"""The report: the folder written, the effect sentences computed from the metrics, tables."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

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
from tests.helpers import regions_table
from tests.optimizer.policies.helpers import policy, small_network


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
    table = comparison_table(
        summary,
        Mode.STEADY,
        [*MAIN_COLUMNS, ("nothing", "nothing", percent)],
        merger_benchmark.policies,
    )
    assert table["policy"].tolist() == ["baseline", "merge-medium-maximum"]
    assert table.columns[1:4].tolist() == ["placed", "unplaced", "home region"]
    assert (table["nothing"] == "n/a").all()


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
