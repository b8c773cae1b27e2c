"""The map geometry: the bundled region shapes, their checks at the edge, outline, labels, rail."""

from __future__ import annotations

import json
import math
from itertools import pairwise
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from optimizer.data import DATA_DIR
from optimizer.domain import InputError
from optimizer.geometry import (
    EARTH_RADIUS_KM,
    REGIONS_FILE,
    country_outline,
    rail_lines,
    read_region_shapes,
    region_areas_km2,
    region_contains,
    region_label_points,
    ring_area_km2,
)

KAZAKHSTAN_KM2 = 2_724_902
REGIONS = pd.read_csv(DATA_DIR / "regions.csv", dtype=str)


@pytest.fixture(scope="module")
def shapes() -> dict[str, list[list[tuple[float, float]]]]:
    """The bundled shapes of the 20 regions."""
    return read_region_shapes()


def square(west: float, south: float, side: float) -> list[tuple[float, float]]:
    """A counter-clockwise closed square ring."""
    east, north = west + side, south + side
    return [(west, south), (east, south), (east, north), (west, north), (west, south)]


def test_the_bundled_file_is_small() -> None:
    assert (DATA_DIR / REGIONS_FILE).stat().st_size < 1_000_000


def test_every_region_has_a_shape(shapes: dict[str, Any]) -> None:
    assert sorted(shapes) == sorted(REGIONS["region"])


@pytest.mark.parametrize("row", list(REGIONS.itertuples()), ids=lambda r: f"{r.region}-{r.centre}")
def test_each_centre_lies_in_its_own_region_and_no_other(shapes: dict[str, Any], row: Any) -> None:
    lon, lat = float(row.lon), float(row.lat)
    assert [code for code, rings in shapes.items() if region_contains(rings, lon, lat)] == [
        row.region
    ]


def test_every_ring_is_closed(shapes: dict[str, Any]) -> None:
    rings = [ring for region in shapes.values() for ring in region]
    rings += country_outline(shapes)
    assert all(len(ring) >= 4 and ring[0] == ring[-1] for ring in rings)


def test_the_total_area_is_kazakhstans(shapes: dict[str, Any]) -> None:
    total = sum(region_areas_km2(shapes).values())
    assert abs(total - KAZAKHSTAN_KM2) / KAZAKHSTAN_KM2 < 0.05


def test_the_outline_encloses_the_regions_and_nothing_else(shapes: dict[str, Any]) -> None:
    outline = country_outline(shapes)
    outline_km2 = sum(ring_area_km2(ring) for ring in outline)
    assert len(outline) == 1
    assert outline_km2 == pytest.approx(sum(region_areas_km2(shapes).values()), rel=1e-9)


def test_the_cities_are_holes_in_the_regions_around_them(shapes: dict[str, Any]) -> None:
    areas = region_areas_km2(shapes)
    assert 500 < areas["KZ-71"] < 1_000  # Astana, 797 km² by its own statistics
    assert 600 < areas["KZ-75"] < 800  # Almaty, 683 km²
    assert not region_contains(shapes["KZ-11"], 71.45, 51.18)  # Astana is not in Akmola


def test_each_label_point_lies_in_its_region(shapes: dict[str, Any]) -> None:
    labels = region_label_points(shapes)
    assert sorted(labels) == sorted(shapes)
    assert all(region_contains(shapes[code], *point) for code, point in labels.items())


def test_a_crescent_is_labelled_inside_though_its_centroid_is_not() -> None:
    crescent = [(60, 45), (63, 45), (63, 48), (60, 48), (60, 47), (62, 47), (62, 46), (60, 46)]
    rings = [[(float(x), float(y)) for x, y in [*crescent, crescent[0]]]]
    assert not region_contains(rings, 61.6, 46.5)  # near the centroid, in the bite
    label = region_label_points({"C": rings})["C"]
    assert region_contains(rings, *label)


def test_the_area_of_a_degree_box_is_exact() -> None:
    expected = EARTH_RADIUS_KM**2 * math.radians(1)
    expected *= math.sin(math.radians(46)) - math.sin(math.radians(45))
    assert ring_area_km2(square(60, 45, 1)) == pytest.approx(expected, rel=1e-12)
    assert ring_area_km2(square(60, 45, 1)[::-1]) == pytest.approx(expected, rel=1e-12)


def test_a_hole_is_outside_and_its_area_is_taken_out() -> None:
    rings = [square(60, 45, 3), square(61, 46, 1)[::-1]]
    assert region_contains(rings, 60.5, 45.5)
    assert not region_contains(rings, 61.5, 46.5)
    assert not region_contains(rings, 64.0, 46.5)
    area = region_areas_km2({"R": rings})["R"]
    assert area == pytest.approx(ring_area_km2(rings[0]) - ring_area_km2(rings[1]))


def test_the_outline_of_a_region_and_its_enclosed_city_is_the_regions_outer_ring() -> None:
    shapes = {"R": [square(60, 45, 3), square(61, 46, 1)[::-1]], "C": [square(61, 46, 1)]}
    outline = country_outline(shapes)
    assert len(outline) == 1
    assert sorted(set(outline[0])) == sorted(set(square(60, 45, 3)))


def test_neighbours_outline_is_one_counter_clockwise_ring() -> None:
    west = [(60.0, 45.0), (61.0, 45.0), (61.0, 46.0), (60.0, 46.0), (60.0, 45.0)]
    east = [(61.0, 45.0), (62.0, 45.0), (62.0, 46.0), (61.0, 46.0), (61.0, 45.0)]
    (ring,) = country_outline({"W": [west], "E": [east]})
    assert len(ring) == 7 and ring[0] == ring[-1]
    signed = sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in pairwise(ring))
    assert signed > 0
    assert ring_area_km2(ring) == pytest.approx(ring_area_km2(west) + ring_area_km2(east))


def feature(code: Any, geometry: Any) -> dict[str, Any]:
    return {"type": "Feature", "properties": {"region": code}, "geometry": geometry}


def polygon(*rings: Any) -> dict[str, Any]:
    return {"type": "Polygon", "coordinates": [[list(p) for p in ring] for ring in rings]}


def write(tmp_path: Path, document: Any) -> Path:
    path = tmp_path / "regions.geojson"
    path.write_text(document if isinstance(document, str) else json.dumps(document))
    return path


def collection(*features: Any) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": list(features)}


GOOD = feature("A", polygon(square(60, 45, 1)))


@pytest.mark.parametrize(
    ("document", "problems"),
    [
        ("{not json", ["regions.geojson: not readable JSON"]),
        ({"type": "Feature"}, ["regions.geojson: must be a GeoJSON FeatureCollection"]),
        (collection(GOOD), ["regions.geojson, column region: region B has no shape"]),
        (
            collection(GOOD, GOOD, feature("B", polygon(square(61, 45, 1)))),
            ["regions.geojson, row 2, column region: region A appears twice"],
        ),
        (
            collection(
                GOOD, feature("B", polygon(square(61, 45, 1))), feature("Z", GOOD["geometry"])
            ),
            ["regions.geojson, row 3, column region: unknown region code 'Z'"],
        ),
        (
            collection(GOOD, feature(None, polygon(square(61, 45, 1)))),
            [
                "regions.geojson, row 2, column region: missing region code",
                "regions.geojson, column region: region B has no shape",
            ],
        ),
        (
            collection(GOOD, feature("B", polygon(square(61, 45, 1)[:-1]))),
            [
                "regions.geojson, row 2, column geometry: region B, ring 1: not closed: "
                "the last position must repeat the first"
            ],
        ),
        (
            collection(GOOD, feature("B", polygon(square(30, 45, 1)))),
            [
                "regions.geojson, row 2, column geometry: region B, ring 1: position (30.0, 45.0) "
                "lies outside Kazakhstan's bounds (lon, lat)"
            ],
        ),
        (
            collection(GOOD, feature("B", {"type": "Point", "coordinates": [61, 45]})),
            [
                "regions.geojson, row 2, column geometry: "
                "region B: geometry must be a Polygon or MultiPolygon"
            ],
        ),
        (
            collection(GOOD, feature("B", polygon([(61, 45), (62, 45), (61, 45)]))),
            [
                "regions.geojson, row 2, column geometry: region B, ring 1: "
                "a ring needs at least 4 positions"
            ],
        ),
    ],
    ids=[
        "not-json",
        "not-collection",
        "missing",
        "twice",
        "unknown",
        "no-code",
        "open-ring",
        "outside",
        "point",
        "short-ring",
    ],
)
def test_a_defective_file_is_refused_with_every_problem_named(
    tmp_path: Path, document: Any, problems: list[str]
) -> None:
    with pytest.raises(InputError) as error:
        read_region_shapes(write(tmp_path, document), codes=["A", "B"])
    found = [str(p) for p in error.value.problems]
    assert len(found) == len(problems)
    assert all(f.startswith(p) for f, p in zip(found, problems, strict=True))


def test_a_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="file not found"):
        read_region_shapes(tmp_path / "nowhere.geojson")


def test_a_multipolygon_gives_all_its_rings(tmp_path: Path) -> None:
    parts = {"type": "MultiPolygon", "coordinates": [[square(60, 45, 1)], [square(62, 45, 1)]]}
    shapes = read_region_shapes(write(tmp_path, collection(feature("A", parts))), codes=["A"])
    assert shapes == {"A": [square(60, 45, 1), square(62, 45, 1)]}


def test_rail_lines_join_the_bundled_stations() -> None:
    stations = pd.read_csv(DATA_DIR / "rail_stations.csv", dtype={"station_id": str})
    where = {s.station_id: (s.lon, s.lat) for s in stations.itertuples()}
    table = pd.read_csv(DATA_DIR / "rail_lines.csv", dtype=str)
    lines = rail_lines()
    assert [(line.from_station, line.to_station) for line in lines] == list(
        zip(table["from_station"], table["to_station"], strict=True)
    )
    assert all(
        line.coordinates == (where[line.from_station], where[line.to_station]) for line in lines
    )


def test_a_rail_line_to_an_unknown_station_is_refused(tmp_path: Path) -> None:
    (tmp_path / "rail_stations.csv").write_text("station_id,name,lat,lon\nAST,Astana,51.18,71.45\n")
    (tmp_path / "rail_lines.csv").write_text("from_station,to_station,length_km\nAST,XXX,10\n")
    with pytest.raises(InputError) as error:
        rail_lines(tmp_path)
    assert [str(p) for p in error.value.problems] == [
        "rail_lines.csv, row 1, column to_station: unknown station 'XXX'"
    ]
