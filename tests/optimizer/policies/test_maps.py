"""The map of a run: flows counted per home region and facility, closed facilities marked."""

from __future__ import annotations

import matplotlib
import numpy as np

from optimizer.data import DATA_DIR, read_regions
from optimizer.i18n import Language, translator
from optimizer.policies import BenchmarkResult
from optimizer.policies.maps import FLOW_COLOUR, map_figure, placement_flows
from optimizer.policies.rail_routes import RailMap
from optimizer.policies.runs import PolicyRun
from optimizer.policies.words import ReportWords, region_names
from tests.reading import assert_reads_in

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
    words = ReportWords(
        translator("policies", "en"),
        region_names(merger_benchmark.regions, Language.EN),
        {"baseline": "Today's network"},
    )
    figure = map_figure(run, merger_benchmark.regions, rail, words)
    axes = figure.axes[0]
    mode = words.mode(run.mode.value)
    assert axes.get_title() == f"Today's network: placement flows ({mode}, seed 0)"
    labels = {text.get_text() for text in axes.texts}
    names = merger_benchmark.regions.set_index("region")["name"]
    assert {names["KZ-71"], names["KZ-35"], "500 km"} <= labels
    legend = [text.get_text() for text in axes.get_legend().get_texts()]
    assert "rail line" in legend and "convicts carried" in legend
    assert "closed facility" not in legend
    orange = [line for line in axes.get_lines() if line.get_color() == FLOW_COLOUR]
    assert orange, "flows are drawn along rail lines"


def test_map_in_kazakh_names_regions_levels_and_legend_in_kazakh(
    merger_benchmark: BenchmarkResult,
) -> None:
    """Every word on the map in Kazakh: title, region names, legend, scale."""
    run = _run(merger_benchmark)
    regions = read_regions()
    words = ReportWords(
        translator("policies", "kk"),
        region_names(regions, Language.KK),
        {"baseline": "Бүгінгі желі"},
    )
    axes = map_figure(run, merger_benchmark.regions, RailMap.read(DATA_DIR), words).axes[0]
    labels = {text.get_text() for text in axes.texts}
    kazakh = regions.set_index("region")["name_kk"]
    assert {kazakh["KZ-71"], kazakh["KZ-35"], "500 км"} <= labels
    legend = [text.get_text() for text in axes.get_legend().get_texts()]
    assert "теміржол" in legend
    text = "\n".join([axes.get_title(), *labels, *legend])
    assert_reads_in(text, "kk")


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
