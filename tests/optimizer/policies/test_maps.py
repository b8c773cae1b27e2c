"""The map of a run: flows counted per home region and facility, closed facilities marked."""

from __future__ import annotations

import matplotlib

from optimizer.policies import BenchmarkResult
from optimizer.policies.maps import map_figure, placement_flows
from optimizer.policies.runs import PolicyRun

matplotlib.use("Agg")


def _run(result: BenchmarkResult) -> PolicyRun:
    return result.runs[0]


def test_flows_count_every_placed_convict_once(merger_benchmark: BenchmarkResult) -> None:
    run = _run(merger_benchmark)
    flows = placement_flows(run)
    assert flows["count"].sum() == (run.facility_of >= 0).sum()
    assert not flows.duplicated(["home", "facility"]).any()


def test_map_names_every_region_and_its_title_names_the_run(
    merger_benchmark: BenchmarkResult,
) -> None:
    run = _run(merger_benchmark)
    figure = map_figure(run, merger_benchmark.regions)
    axes = figure.axes[0]
    assert axes.get_title() == f"{run.policy}: placement flows ({run.mode.value}, seed 0)"
    labels = {text.get_text() for text in axes.texts}
    assert set(merger_benchmark.regions["region"]) <= labels
    legend = [text.get_text() for text in axes.get_legend().get_texts()]
    assert "region centre" in legend and "closed facility" not in legend
