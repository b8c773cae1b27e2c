"""The map of a run: flows counted per home region and facility, closed facilities marked."""

from __future__ import annotations

import matplotlib
import numpy as np

from optimizer.data import DATA_DIR
from optimizer.policies import BenchmarkResult
from optimizer.policies.maps import FLOW_COLOUR, map_figure, placement_flows
from optimizer.policies.rail_routes import RailMap
from optimizer.policies.runs import PolicyRun

matplotlib.use("Agg")


def _run(result: BenchmarkResult) -> PolicyRun:
    return result.runs[0]


def test_flows_count_every_placed_convict_once(merger_benchmark: BenchmarkResult) -> None:
    run = _run(merger_benchmark)
    flows = placement_flows(run)
    assert flows["count"].sum() == (run.facility_of >= 0).sum()
    assert not flows.duplicated(["home", "facility"]).any()


def test_map_draws_regions_names_rail_flows_legend_and_scale(
    merger_benchmark: BenchmarkResult,
) -> None:
    """Regions by name from the geometry, flows along rail lines, a legend and a 500 km bar."""
    run = _run(merger_benchmark)
    rail = RailMap.read(DATA_DIR)
    figure = map_figure(run, merger_benchmark.regions, rail, "Today's network")
    axes = figure.axes[0]
    assert axes.get_title() == f"Today's network: placement flows ({run.mode.value}, seed 0)"
    labels = {text.get_text() for text in axes.texts}
    names = merger_benchmark.regions.set_index("region")["name"]
    assert {names["KZ-71"], names["KZ-35"], "500 km"} <= labels
    legend = [text.get_text() for text in axes.get_legend().get_texts()]
    assert "rail line" in legend and "convicts carried" in legend
    assert "closed facility" not in legend
    orange = [line for line in axes.get_lines() if line.get_color() == FLOW_COLOUR]
    assert orange, "flows are drawn along rail lines"


def test_rail_loads_follow_shortest_paths() -> None:
    """A flow between two stations loads exactly the lines of a path as long as the shortest."""
    rail = RailMap.read(DATA_DIR)
    net = rail.network
    source, target = 0, len(net.station_ids) - 1
    lines = rail.path(source, target)
    assert abs(rail.length_km[lines].sum() - net.station_km[source, target]) < 1e-6
    load = rail.line_loads(
        net.lat[[source]],
        net.lon[[source]],
        net.lat[[target]],
        net.lon[[target]],
        np.array([7]),
    )
    assert set(np.flatnonzero(load)) == set(lines) and (load[lines] == 7).all()
