"""The map of Kazakhstan drawn as SVG: region outlines with their names, the rail network,
the flows of a run from home regions to facilities, the facilities, a legend and a scale.

The geometry is the engine's (`optimizer.geometry`: region shapes, country outline, label
points, rail lines), so the console and the policy report draw the same borders. Coordinates are
projected equirectangularly with the longitude scaled by the cosine of the country's middle
latitude, which keeps Kazakhstan's proportions; the geometry is projected once per process.
Map data © OpenStreetMap contributors (ODbL), credited on the map itself.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from api.console.i18n import ConsoleLanguage
from api.store import Flow
from optimizer.geometry import (
    EARTH_RADIUS_KM,
    country_outline,
    rail_lines,
    read_region_shapes,
    region_label_points,
)

WIDTH = 960.0
MIDDLE_LATITUDE = 48.0
BOUNDS = (46.0, 40.0, 88.0, 56.0)
"""Kazakhstan with a margin: west, south, east, north (degrees)."""
MAX_FLOWS = 400
SCALE_KM = 500
"""The length the scale bar shows."""
CITIES = frozenset({"KZ-71", "KZ-75", "KZ-79"})
"""Astana, Almaty and Shymkent: too small on this map for a written name inside them."""
KM_PER_DEGREE = math.pi * EARTH_RADIUS_KM / 180.0


@dataclass(frozen=True, slots=True)
class Outline:
    region: str
    name: str
    label: str
    path: str
    label_x: float
    label_y: float
    labelled: bool


@dataclass(frozen=True, slots=True)
class Line:
    x1: float
    y1: float
    x2: float
    y2: float
    width: float
    convicts: int
    home_region: str
    facility_id: str


@dataclass(frozen=True, slots=True)
class Dot:
    x: float
    y: float
    radius: float
    facility_id: str
    name: str
    placed: int


@dataclass(frozen=True, slots=True)
class LegendFlow:
    """A sample line of the legend: this many convicts draw a line this wide."""

    convicts: int
    width: float


@dataclass(frozen=True, slots=True)
class ScaleBar:
    km: int
    length: float


@dataclass(frozen=True, slots=True)
class Geography:
    """The projected geometry every map of this process shares."""

    height: float
    country: str
    rails: str
    regions: tuple[tuple[str, str, float, float], ...]
    """Region code, SVG path, label x, label y."""


@dataclass(frozen=True, slots=True)
class MapDrawing:
    """Everything the template draws, already projected into the view box."""

    width: float
    height: float
    country: str
    rails: str
    outlines: list[Outline]
    lines: list[Line]
    dots: list[Dot]
    legend: list[LegendFlow]
    scale: ScaleBar
    flows_shown: int
    flows_total: int


class Projection:
    """(lon, lat) -> SVG (x, y) within a WIDTH-wide view box."""

    def __init__(self, bounds: tuple[float, float, float, float] = BOUNDS) -> None:
        self.west, self.south, east, self.north = bounds
        self.kx = math.cos(math.radians(MIDDLE_LATITUDE))
        self.scale = WIDTH / ((east - self.west) * self.kx)
        self.height = (self.north - self.south) * self.scale

    def __call__(self, lon: float, lat: float) -> tuple[float, float]:
        return (
            round((lon - self.west) * self.kx * self.scale, 1),
            round((self.north - lat) * self.scale, 1),
        )

    def length(self, km: float) -> float:
        """The drawn length of `km` along a meridian (true along the middle parallel too)."""
        return round(km / KM_PER_DEGREE * self.scale, 1)


@cache
def geography() -> Geography:
    """The country, its regions with label points and the rail lines, projected once."""
    project = Projection()
    shapes = read_region_shapes()
    labels = region_label_points(shapes)
    regions = tuple(
        (code, _path(rings, project), *project(*labels[code])) for code, rings in shapes.items()
    )
    rails = "".join(
        "M{},{}L{},{}".format(*project(*line.coordinates[0]), *project(*line.coordinates[1]))
        for line in rail_lines()
    )
    return Geography(
        round(project.height, 1), _path(country_outline(shapes), project), rails, regions
    )


def run_map(
    regions: Sequence[Any], facilities: Sequence[Any], flows: Sequence[Flow], lang: ConsoleLanguage
) -> MapDrawing:
    """The map of a run: regions, rail, every facility the run uses, its largest flows."""
    del lang  # the words around the map are the template's
    project = Projection()
    land = geography()
    names = {r.region: r.name for r in regions}
    outlines = [
        Outline(code, name, _short(name), path, x, y, code not in CITIES)
        for code, path, x, y in land.regions
        for name in [names.get(code, code)]
    ]
    centres = {r.region: project(r.lon, r.lat) for r in regions}
    sites = {f.facility_id: f for f in facilities}
    placed: dict[str, int] = {}
    for flow in flows:
        placed[flow.facility_id] = placed.get(flow.facility_id, 0) + flow.convicts
    shown = [f for f in flows if f.home_region in centres and f.facility_id in sites]
    largest = max((f.convicts for f in shown), default=1)
    lines = [
        _line(
            flow,
            centres[flow.home_region],
            project(sites[flow.facility_id].lon, sites[flow.facility_id].lat),
            largest,
        )
        for flow in shown[:MAX_FLOWS]
    ]
    dots = [_dot(sites[f], project, count) for f, count in sorted(placed.items()) if f in sites]
    return MapDrawing(
        width=WIDTH,
        height=land.height,
        country=land.country,
        rails=land.rails,
        outlines=outlines,
        lines=lines,
        dots=dots,
        legend=legend_flows(largest) if lines else [],
        scale=ScaleBar(SCALE_KM, project.length(SCALE_KM)),
        flows_shown=len(lines),
        flows_total=len(flows),
    )


def legend_flows(largest: int) -> list[LegendFlow]:
    """Sample widths for the legend: the largest flow, about a tenth of it, and one convict."""
    samples = sorted({largest, max(1, round(largest / 10)), 1}, reverse=True)
    return [LegendFlow(n, _width(n, largest)) for n in samples]


def _path(rings: Iterable[Sequence[tuple[float, float]]], project: Projection) -> str:
    parts = []
    for ring in rings:
        points = [project(lon, lat) for lon, lat in ring]
        if len(points) < 3:
            continue
        parts.append("M" + "L".join(f"{x},{y}" for x, y in points) + "Z")
    return "".join(parts)


def _short(name: str) -> str:
    """A region's name as written on the map: "Akmola", not "Akmola region"."""
    return name.removesuffix(" region")


def _width(convicts: int, largest: int) -> float:
    return round(0.6 + 5.4 * math.sqrt(convicts / largest), 2)


def _line(flow: Flow, start: tuple[float, float], end: tuple[float, float], largest: int) -> Line:
    width = _width(flow.convicts, largest)
    return Line(*start, *end, width, flow.convicts, flow.home_region, flow.facility_id)


def _dot(facility: Any, project: Projection, placed: int) -> Dot:
    x, y = project(facility.lon, facility.lat)
    radius = round(2.5 + 1.2 * math.log1p(placed), 1)
    return Dot(x, y, radius, facility.facility_id, facility.name, placed)
