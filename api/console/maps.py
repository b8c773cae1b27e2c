"""The map of Kazakhstan drawn as SVG: region outlines, facilities, and the flows of a run
from home regions to facilities.

Outlines come from the engine's region geometry (`optimizer.geometry.read_region_shapes`:
region code -> rings of (lon, lat)); where it is not installed, the map draws the flows over
the region centres alone. Coordinates are projected equirectangularly with the longitude
scaled by the cosine of the country's middle latitude, which keeps Kazakhstan's proportions.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from api.console.i18n import ConsoleLanguage
from api.store import Flow

WIDTH = 960.0
MIDDLE_LATITUDE = 48.0
BOUNDS = (46.0, 40.0, 88.0, 56.0)
"""Kazakhstan with a margin: west, south, east, north (degrees)."""
MAX_FLOWS = 400
Shapes = dict[str, list[list[tuple[float, float]]]]


@dataclass(frozen=True, slots=True)
class Outline:
    region: str
    name: str
    path: str


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
class MapDrawing:
    """Everything the template draws, already projected into the view box."""

    width: float
    height: float
    outlines: list[Outline]
    lines: list[Line]
    dots: list[Dot]
    flows_shown: int
    flows_total: int


def load_region_shapes() -> Shapes | None:
    """The regions' outlines, or None while the engine has no region geometry."""
    try:
        from optimizer.geometry import read_region_shapes  # type: ignore[import-not-found,unused-ignore]
    except ModuleNotFoundError:
        return None
    return _cached(read_region_shapes)


_CACHE: dict[int, Shapes] = {}


def _cached(read: Callable[[], Shapes]) -> Shapes:
    key = id(read)
    if key not in _CACHE:
        _CACHE[key] = read()
    return _CACHE[key]


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


def run_map(
    regions: Sequence[Any], facilities: Sequence[Any], flows: Sequence[Flow], lang: ConsoleLanguage
) -> MapDrawing:
    """The map of a run: outlines, every facility the run uses, its largest flows."""
    del lang  # the words around the map are the template's
    project = Projection()
    names = {r.region: r.name for r in regions}
    outlines = [
        Outline(code, names.get(code, code), _path(rings, project))
        for code, rings in sorted((load_region_shapes() or {}).items())
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
        WIDTH, round(project.height, 1), outlines, lines, dots, len(lines), len(flows)
    )


def _path(rings: Iterable[Sequence[tuple[float, float]]], project: Projection) -> str:
    parts = []
    for ring in rings:
        points = [project(lon, lat) for lon, lat in ring]
        if len(points) < 3:
            continue
        parts.append("M" + "L".join(f"{x},{y}" for x, y in points) + "Z")
    return "".join(parts)


def _line(flow: Flow, start: tuple[float, float], end: tuple[float, float], largest: int) -> Line:
    width = 0.6 + 5.4 * math.sqrt(flow.convicts / largest)
    return Line(*start, *end, round(width, 2), flow.convicts, flow.home_region, flow.facility_id)


def _dot(facility: Any, project: Projection, placed: int) -> Dot:
    x, y = project(facility.lon, facility.lat)
    radius = round(2.5 + 1.2 * math.log1p(placed), 1)
    return Dot(x, y, radius, facility.facility_id, facility.name, placed)
