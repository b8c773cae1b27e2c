"""The map: the projection keeps Kazakhstan's shape; regions, country, rail and their labels
come from the engine's geometry, flows and facilities from the run; a legend and a scale."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest

from api.console import maps
from api.console.i18n import ConsoleLanguage
from api.store import Flow
from optimizer.data import read_regions
from optimizer.geometry import rail_lines, read_region_shapes

REGIONS = [
    SimpleNamespace(region="KZ-75", name="Almaty (city)", lat=43.25, lon=76.95),
    SimpleNamespace(region="KZ-11", name="Akmola region", lat=51.5, lon=71.5),
]
FACILITIES = [
    SimpleNamespace(facility_id="F1", name="One", lat=43.3, lon=77.0),
    SimpleNamespace(facility_id="F2", name="Two", lat=51.2, lon=71.4),
]


def _points(path: str) -> list[tuple[float, float]]:
    return [(float(x), float(y)) for x, y in re.findall(r"(-?[\d.]+),(-?[\d.]+)", path)]


def test_the_projection_puts_north_up_and_west_left() -> None:
    project = maps.Projection()
    west, south, east, north = maps.BOUNDS
    assert project(west, north) == (0.0, 0.0)
    x, y = project(east, south)
    assert x == pytest.approx(maps.WIDTH) and y == pytest.approx(project.height, abs=0.1)
    assert 0.5 < project.height / maps.WIDTH < 0.75  # Kazakhstan is wider than tall


def test_the_scale_bar_measures_a_degree_of_latitude_as_111_km() -> None:
    project = maps.Projection()
    assert project.length(maps.KM_PER_DEGREE) == pytest.approx(project.scale, abs=0.1)
    assert round(maps.KM_PER_DEGREE, 1) == 111.2


def test_every_region_is_drawn_with_its_name_inside_the_view() -> None:
    drawing = maps.run_map(read_regions().itertuples(), [], [], ConsoleLanguage.EN)
    assert [o.region for o in drawing.outlines] == sorted(read_region_shapes())
    assert all(o.path.startswith("M") and o.path.endswith("Z") for o in drawing.outlines)
    by_code = {o.region: o for o in drawing.outlines}
    assert (by_code["KZ-11"].name, by_code["KZ-11"].label) == ("Akmola region", "Akmola")
    assert not by_code["KZ-75"].labelled and by_code["KZ-11"].labelled
    for outline in drawing.outlines:
        assert 0 < outline.label_x < drawing.width and 0 < outline.label_y < drawing.height
    for x, y in _points(drawing.country):
        assert 0 <= x <= drawing.width and 0 <= y <= drawing.height


def test_the_rail_network_is_drawn_one_segment_per_line() -> None:
    drawing = maps.run_map(REGIONS, FACILITIES, [], ConsoleLanguage.EN)
    assert drawing.rails.count("M") == len(rail_lines())
    assert drawing.lines == [] and drawing.legend == []


def test_a_run_map_draws_flows_facilities_and_their_legend() -> None:
    flows = [Flow("KZ-75", "F1", 30), Flow("KZ-75", "F2", 3), Flow("KZ-11", "F2", 10)]
    drawing = maps.run_map(REGIONS, FACILITIES, flows, ConsoleLanguage.EN)
    assert [line.convicts for line in drawing.lines] == [30, 3, 10]
    assert drawing.lines[0].width > drawing.lines[2].width > drawing.lines[1].width
    assert {d.facility_id: d.placed for d in drawing.dots} == {"F1": 30, "F2": 13}
    assert [(f.convicts, f.width) for f in drawing.legend] == [
        (30, drawing.lines[0].width),
        (3, drawing.lines[1].width),
        (1, pytest.approx(0.6 + 5.4 * (1 / 30) ** 0.5, abs=0.01)),
    ]
    assert drawing.scale.km == 500
    expected = 500 / maps.KM_PER_DEGREE * maps.Projection().scale
    assert drawing.scale.length == pytest.approx(expected, abs=0.1)


def test_flows_of_unknown_places_are_counted_but_not_drawn() -> None:
    flows = [Flow("KZ-75", "F1", 5), Flow("KZ-99", "F1", 2), Flow("KZ-11", "F9", 1)]
    drawing = maps.run_map(REGIONS, FACILITIES, flows, ConsoleLanguage.EN)
    assert (drawing.flows_shown, drawing.flows_total) == (1, 3)
