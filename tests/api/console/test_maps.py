"""The map: the projection keeps Kazakhstan's shape; outlines come from the region geometry,
flows and facilities from the run."""

from __future__ import annotations

import sys
from types import SimpleNamespace
from typing import Any

import pytest

from api.console import maps
from api.console.i18n import ConsoleLanguage
from api.store import Flow

REGIONS = [
    SimpleNamespace(region="KZ-75", name="Almaty", lat=43.25, lon=76.95),
    SimpleNamespace(region="KZ-11", name="Akmola", lat=51.5, lon=71.5),
]
FACILITIES = [
    SimpleNamespace(facility_id="F1", name="One", lat=43.3, lon=77.0),
    SimpleNamespace(facility_id="F2", name="Two", lat=51.2, lon=71.4),
]


def test_the_projection_puts_north_up_and_west_left() -> None:
    project = maps.Projection()
    west, south, east, north = maps.BOUNDS
    assert project(west, north) == (0.0, 0.0)
    x, y = project(east, south)
    assert x == pytest.approx(maps.WIDTH) and y == pytest.approx(project.height, abs=0.1)
    assert 0.5 < project.height / maps.WIDTH < 0.75  # Kazakhstan is wider than tall


def test_a_run_map_draws_outlines_flows_and_facilities(region_geometry: dict[str, Any]) -> None:
    flows = [Flow("KZ-75", "F1", 30), Flow("KZ-75", "F2", 3), Flow("KZ-11", "F2", 10)]
    drawing = maps.run_map(REGIONS, FACILITIES, flows, ConsoleLanguage.EN)
    assert [o.region for o in drawing.outlines] == sorted(region_geometry)
    assert all(o.path.startswith("M") and o.path.endswith("Z") for o in drawing.outlines)
    assert [line.convicts for line in drawing.lines] == [30, 3, 10]
    assert drawing.lines[0].width > drawing.lines[2].width > drawing.lines[1].width
    assert {d.facility_id: d.placed for d in drawing.dots} == {"F1": 30, "F2": 13}


def test_without_region_geometry_the_map_has_flows_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "optimizer.geometry", None)
    drawing = maps.run_map(REGIONS, FACILITIES, [Flow("KZ-75", "F1", 1)], ConsoleLanguage.EN)
    assert drawing.outlines == [] and len(drawing.lines) == 1
