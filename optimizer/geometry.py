"""The map geometry of Kazakhstan: region outlines, the country outline, label points, rail lines.

Maps (the console's, the policy report's) draw from here, so every picture shows the same
borders. The shapes are read from `data/geometry/regions.geojson` (sources and simplification in
`data/geometry/README.md`) and validated once, at the edge: every region code present once,
rings closed, coordinates inside Kazakhstan.

A region is a list of rings of (lon, lat) in degrees, first point repeated last. Holes (the cities
of Astana, Almaty and Shymkent inside their regions) are rings too: a point lies in a region when
it lies inside an odd number of its rings (the even-odd rule of SVG and Matplotlib paths). In the
shipped file outer rings run counter-clockwise and holes clockwise, as RFC 7946 asks, so a
renderer's non-zero rule draws the same; neighbours share their borders vertex for vertex.
"""

from __future__ import annotations

import json
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy as np

from optimizer.data import DATA_DIR, LAT_RANGE, LON_RANGE, read_regions
from optimizer.domain import InputError, Problem

__all__ = [
    "EARTH_RADIUS_KM",
    "REGIONS_FILE",
    "RailLine",
    "Ring",
    "country_outline",
    "rail_lines",
    "read_region_shapes",
    "region_areas_km2",
    "region_contains",
    "region_label_points",
    "ring_area_km2",
]

Point = tuple[float, float]
Ring = list[Point]
"""A closed ring of (lon, lat) points in degrees; the first point is repeated last."""

EARTH_RADIUS_KM = 6371.0088
"""The mean Earth radius, as in `geo.py`'s great circles."""

REGIONS_FILE = Path("geometry") / "regions.geojson"


def read_region_shapes(
    path: Path | str | None = None, codes: Iterable[str] | None = None
) -> dict[str, list[Ring]]:
    """Region code -> its rings, from a GeoJSON FeatureCollection with a `region` property.

    `codes` are the region codes the file must hold, each exactly once; by default those of the
    bundled `regions.csv`. Every defect found is reported in one `InputError`.
    """
    path = Path(path) if path is not None else DATA_DIR / REGIONS_FILE
    expected = set(codes) if codes is not None else set(read_regions()["region"])
    features = _features(path)
    shapes: dict[str, list[Ring]] = {}
    seen: set[str] = set()
    problems: list[Problem] = []
    for row, feature in enumerate(features, start=1):
        code, rings, found = _feature(feature, path.name, row)
        problems += found
        if code is None:
            continue
        if code not in expected:
            problems.append(Problem(path.name, row, "region", f"unknown region code {code!r}"))
        elif code in seen:
            problems.append(Problem(path.name, row, "region", f"region {code} appears twice"))
        elif not found:
            shapes[code] = rings
        seen.add(code)
    problems += [
        Problem(path.name, None, "region", f"region {code} has no shape")
        for code in sorted(expected - seen)
    ]
    if problems:
        raise InputError(problems)
    return {code: shapes[code] for code in sorted(shapes)}


def _features(path: Path) -> list[Any]:
    if not path.is_file():
        raise InputError([Problem(path.name, None, None, f"file not found: {path}")])
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise InputError([Problem(path.name, None, None, f"not readable JSON: {error}")]) from None
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        raise InputError([Problem(path.name, None, None, "must be a GeoJSON FeatureCollection")])
    features = document.get("features")
    if not isinstance(features, list):
        raise InputError([Problem(path.name, None, None, "'features' must be a list")])
    return features


def _feature(feature: Any, name: str, row: int) -> tuple[str | None, list[Ring], list[Problem]]:
    """The code and rings of one feature (its row counts features from 1), or its defects."""
    props = feature.get("properties") if isinstance(feature, dict) else None
    code = props.get("region") if isinstance(props, dict) else None
    if not isinstance(code, str) or not code:
        return None, [], [Problem(name, row, "region", "missing region code")]
    geometry = feature.get("geometry")
    kind = geometry.get("type") if isinstance(geometry, dict) else None
    coordinates = geometry.get("coordinates") if isinstance(geometry, dict) else None
    if kind not in ("Polygon", "MultiPolygon") or not isinstance(coordinates, list):
        message = f"region {code}: geometry must be a Polygon or MultiPolygon"
        return code, [], [Problem(name, row, "geometry", message)]
    polygons = [coordinates] if kind == "Polygon" else coordinates
    raw = [ring for polygon in polygons if isinstance(polygon, list) for ring in polygon]
    if not raw or len(raw) < len(polygons):
        return code, [], [Problem(name, row, "geometry", f"region {code}: a polygon has no ring")]
    rings: list[Ring] = []
    problems: list[Problem] = []
    for number, ring in enumerate(raw, start=1):
        points, defect = _ring(ring)
        if defect:
            problems.append(
                Problem(name, row, "geometry", f"region {code}, ring {number}: {defect}")
            )
        rings.append(points)
    return code, rings, problems


def _ring(ring: Any) -> tuple[Ring, str | None]:
    """The points of one ring, or what is wrong with it."""
    if not isinstance(ring, list) or len(ring) < 4:
        return [], "a ring needs at least 4 positions"
    points: Ring = []
    for position in ring:
        if (
            not isinstance(position, list | tuple)
            or len(position) < 2
            or not all(isinstance(c, int | float) and math.isfinite(c) for c in position[:2])
        ):
            return [], f"position {position!r} is not a (lon, lat) pair of numbers"
        points.append((float(position[0]), float(position[1])))
    if points[0] != points[-1]:
        return [], "not closed: the last position must repeat the first"
    outside = [
        p
        for p in points
        if not (LON_RANGE[0] <= p[0] <= LON_RANGE[1] and LAT_RANGE[0] <= p[1] <= LAT_RANGE[1])
    ]
    if outside:
        lon, lat = outside[0]
        return [], f"position ({lon}, {lat}) lies outside Kazakhstan's bounds (lon, lat)"
    return points, None


def ring_area_km2(ring: Sequence[Point]) -> float:
    """Area enclosed by a ring on the sphere of `EARTH_RADIUS_KM`, always positive.

    The sum of Chamberlain and Duquette ("Some algorithms for polygons on a sphere", JPL, 2007),
    which takes each edge as a great-circle arc; edges of a few kilometres make it exact enough.
    """
    points = np.radians(np.asarray(ring, dtype=float))
    lon, lat = points[:-1, 0], points[:-1, 1]
    total = np.sum((np.roll(lon, -1) - np.roll(lon, 1)) * np.sin(lat))
    return float(abs(total) * EARTH_RADIUS_KM**2 / 2.0)


def region_areas_km2(shapes: Mapping[str, list[Ring]] | None = None) -> dict[str, float]:
    """Region code -> area in km², holes taken out by the even-odd rule."""
    shapes = shapes if shapes is not None else read_region_shapes()
    return {
        code: sum(
            (-1 if _depth(i, rings) % 2 else 1) * ring_area_km2(ring)
            for i, ring in enumerate(rings)
        )
        for code, rings in shapes.items()
    }


def _depth(index: int, rings: list[Ring]) -> int:
    """How many of the other rings contain ring `index` (tested at its first point)."""
    lon, lat = rings[index][0]
    return sum(_crossings(ring, lon, lat) % 2 for j, ring in enumerate(rings) if j != index)


def _crossings(ring: Sequence[Point], lon: float, lat: float) -> int:
    """Edges of the ring crossed by the ray from (lon, lat) towards growing longitude."""
    points = np.asarray(ring, dtype=float)
    x1, y1, x2, y2 = points[:-1, 0], points[:-1, 1], points[1:, 0], points[1:, 1]
    straddles = (y1 > lat) != (y2 > lat)
    with np.errstate(divide="ignore", invalid="ignore"):
        x_at = x1 + (lat - y1) * (x2 - x1) / (y2 - y1)
    return int(np.count_nonzero(straddles & (x_at > lon)))


def region_contains(rings: Sequence[Sequence[Point]], lon: float, lat: float) -> bool:
    """Whether (lon, lat) lies inside the region made of these rings (even-odd rule)."""
    return sum(_crossings(ring, lon, lat) for ring in rings) % 2 == 1


def country_outline(shapes: Mapping[str, list[Ring]] | None = None) -> list[Ring]:
    """The outer rings of the union of all regions, counter-clockwise.

    The regions share their borders vertex for vertex (the shipped file is a coverage), so an
    edge on the union's boundary is one that exactly one region ring uses; shared edges cancel.
    """
    shapes = shapes if shapes is not None else read_region_shapes()
    uses: Counter[tuple[Point, Point]] = Counter()
    for rings in shapes.values():
        for ring in rings:
            for a, b in pairwise(ring):
                uses[(a, b) if a <= b else (b, a)] += 1
    boundary = [edge for edge, count in uses.items() if count % 2 == 1]
    rings = _chain(boundary)
    outer = [ring for i, ring in enumerate(rings) if _depth(i, rings) % 2 == 0]
    return [_counter_clockwise(ring) for ring in outer]


def _chain(edges: list[tuple[Point, Point]]) -> list[Ring]:
    """Join undirected edges, each used once, into closed rings."""
    neighbours: dict[Point, list[Point]] = defaultdict(list)
    for a, b in edges:
        neighbours[a].append(b)
        neighbours[b].append(a)
    rings: list[Ring] = []
    for start in sorted(neighbours):
        while neighbours[start]:
            ring = [start]
            here = start
            while True:
                following = neighbours[here].pop()
                neighbours[following].remove(here)
                ring.append(following)
                here = following
                if here == start:
                    break
            rings.append(ring)
    return rings


def _counter_clockwise(ring: Ring) -> Ring:
    points = np.asarray(ring, dtype=float)
    twice_area = np.sum(points[:-1, 0] * points[1:, 1] - points[1:, 0] * points[:-1, 1])
    return ring if twice_area > 0 else ring[::-1]


def region_label_points(shapes: Mapping[str, list[Ring]] | None = None) -> dict[str, Point]:
    """Region code -> a (lon, lat) point inside the region, where its name can be written.

    The region's centroid when it lies inside; otherwise the middle of the widest stretch of the
    region along the centroid's parallel (a crescent's centroid can fall outside it, a region's
    into the city it surrounds).
    """
    shapes = shapes if shapes is not None else read_region_shapes()
    return {code: _label_point(rings) for code, rings in shapes.items()}


def _label_point(rings: list[Ring]) -> Point:
    lon, lat = _centroid(rings)
    if region_contains(rings, lon, lat):
        return (lon, lat)
    crossings: list[float] = []
    for ring in rings:
        points = np.asarray(ring, dtype=float)
        x1, y1, x2, y2 = points[:-1, 0], points[:-1, 1], points[1:, 0], points[1:, 1]
        straddles = (y1 > lat) != (y2 > lat)
        crossings += list(
            x1[straddles] + (lat - y1[straddles]) * (x2 - x1)[straddles] / (y2 - y1)[straddles]
        )
    crossings.sort()
    spans = list(zip(crossings[0::2], crossings[1::2], strict=True))
    if not spans:
        return rings[0][0]
    west, east = max(spans, key=lambda span: span[1] - span[0])
    return ((west + east) / 2.0, lat)


def _centroid(rings: list[Ring]) -> Point:
    """Area-weighted centroid in plain (lon, lat) degrees; holes weigh negatively."""
    total_area = total_x = total_y = 0.0
    for i, ring in enumerate(rings):
        points = np.asarray(ring, dtype=float)
        x0, y0, x1, y1 = points[:-1, 0], points[:-1, 1], points[1:, 0], points[1:, 1]
        cross = x0 * y1 - x1 * y0
        signed = float(np.sum(cross)) / 2.0
        if signed == 0.0:
            continue
        weight = (-1.0 if _depth(i, rings) % 2 else 1.0) * abs(signed)
        total_area += weight
        total_x += weight * float(np.sum((x0 + x1) * cross)) / (6.0 * signed)
        total_y += weight * float(np.sum((y0 + y1) * cross)) / (6.0 * signed)
    return (total_x / total_area, total_y / total_area)


@dataclass(frozen=True, slots=True)
class RailLine:
    """One line of the bundled rail network: a straight segment between two junction stations."""

    from_station: str
    to_station: str
    coordinates: tuple[Point, Point]
    """(lon, lat) of both ends."""


def rail_lines(folder: Path | str | None = None) -> list[RailLine]:
    """The rail lines of `rail_lines.csv` as polylines between the stations of `rail_stations.csv`.

    The network is junction to junction, so each line is drawn straight; its real course bends.
    """
    from optimizer.files import read_csv_text

    folder = Path(folder) if folder is not None else DATA_DIR
    stations = read_csv_text(folder / "rail_stations.csv")
    lines = read_csv_text(folder / "rail_lines.csv")
    where: dict[str, Point] = {}
    problems: list[Problem] = []
    for row, (sid, lat, lon) in enumerate(
        zip(stations["station_id"], stations["lat"], stations["lon"], strict=True), start=1
    ):
        point = _station_point(lat, lon)
        if point is None:
            message = f"station {sid}: lat and lon must be numbers inside Kazakhstan's bounds"
            problems.append(Problem("rail_stations.csv", row, "lat", message))
        else:
            where[sid] = point
    for column in ("from_station", "to_station"):
        problems += [
            Problem("rail_lines.csv", row, column, f"unknown station {sid!r}")
            for row, sid in enumerate(lines[column], start=1)
            if sid not in where
        ]
    if problems:
        raise InputError(problems)
    return [
        RailLine(a, b, (where[a], where[b]))
        for a, b in zip(lines["from_station"], lines["to_station"], strict=True)
    ]


def _station_point(lat: str, lon: str) -> Point | None:
    try:
        y, x = float(lat), float(lon)
    except ValueError:
        return None
    if LAT_RANGE[0] <= y <= LAT_RANGE[1] and LON_RANGE[0] <= x <= LON_RANGE[1]:
        return (x, y)
    return None
