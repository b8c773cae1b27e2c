"""The report tells the truth first: unplaced convicts lead, gains are split by cause."""

from __future__ import annotations

from pathlib import Path

from optimizer.policies import BenchmarkResult, BenchmarkSettings
from optimizer.policies.report import write_report
from optimizer.policies.simulate import run_benchmark
from optimizer.policies.truth import (
    first_time_sharing,
    losing_regions,
    unplaced_breakdown,
    unplaced_line,
    unplaced_overview,
)
from tests.helpers import regions_table
from tests.optimizer.policies.helpers import policy, small_network


def _closing_benchmark() -> BenchmarkResult:
    """Closing both Almaty-region medium and maximum facilities leaves men without a place."""
    reforms = [
        policy({"name": "baseline"}),
        policy({"name": "close-two", "close": ["A-MED", "K-MED", "K-MAX"]}),
    ]
    settings = BenchmarkSettings(seeds=(0, 1), weeks=1, batch=10)
    return run_benchmark(reforms, None, regions_table(), small_network(), settings)


def test_unplaced_lead_the_report_before_any_distance(tmp_path: Path) -> None:
    result = _closing_benchmark()
    write_report(result, tmp_path, figures=False)
    text = (tmp_path / "index.md").read_text(encoding="utf-8")
    assert text.index("Who is left without a lawful place") < text.index("distance")
    assert "This is not an improvement" in text
    assert "Regions that lose" in text


def test_unplaced_counts_match_the_runs_by_sex_level_and_region() -> None:
    result = _closing_benchmark()
    overview = unplaced_overview(result).set_index(["mode", "policy"])
    breakdown = unplaced_breakdown(result)
    for (mode, name), row in overview.iterrows():
        mine = breakdown[(breakdown["mode"] == mode) & (breakdown["policy"] == name)]
        assert abs(mine["unplaced"].sum() - row["unplaced"]) < 1e-9
    closing = overview.loc[("steady-state", "close-two"), "unplaced"]
    assert closing > overview.loc[("steady-state", "baseline"), "unplaced"]


def test_losing_regions_are_those_whose_home_share_falls() -> None:
    result = _closing_benchmark()
    table = losing_regions(result)
    assert (table["change_pp"] < -1).all()
    assert (table["value"] < table["reference"]).all()


def test_first_time_sharing_counts_placed_first_time_convicts_beside_repeat_ones() -> None:
    result = _closing_benchmark()
    table = first_time_sharing(result).set_index("policy")
    assert (table["sharing"] <= table["first_time_placed"]).all()
    run = next(r for r in result.runs if r.mode.value == "steady-state" and r.seed == 0)
    history = run.convicts["criminal_history"].to_numpy()
    placed = run.facility_of >= 0
    assert table["first_time_placed"].max() > 0
    assert ((history == "first-time") & placed).sum() > 0


def test_the_status_line_names_the_unplaced_per_mode_and_policy(
    merger_benchmark: BenchmarkResult,
) -> None:
    line = unplaced_line(merger_benchmark)
    assert line.startswith("without a lawful place (mean over seeds): steady-state: baseline ")
    assert "; flow: baseline " in line and "merge-medium-maximum " in line


def test_a_long_status_line_keeps_the_most_unplaced_within_its_limit(
    merger_benchmark: BenchmarkResult,
) -> None:
    overview = unplaced_overview(merger_benchmark)
    most = overview.groupby("policy", sort=False)["unplaced"].max()
    worst = most.sort_values(ascending=False, kind="stable").index[0]
    line = unplaced_line(merger_benchmark, limit=90)
    assert len(line) <= 90 and line.endswith("; more in the report")
    assert line.startswith("without a lawful place (mean over seeds, worst mode): " + worst)
