"""Rebuild `regions.geojson` from an OSM-Boundaries export of Kazakhstan's admin level 4.

Not part of the product and not run by the tests: the shipped file is its output. It needs
Shapely >= 2.1 (for coverage simplification), which the product itself does not use:

    python data/geometry/build_regions.py OSMB-KZ_obl.geojson data/geometry/regions.geojson

Each source feature is matched to its ISO code by the administrative centre of `regions.csv`
that lies inside it (names differ in spelling between sources; centres do not). The 20 shapes are
simplified together as one coverage, so neighbours keep exactly the same shared border and no
gap or overlap opens between them, then snapped to a 0.001 degree grid.
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import shapely
from shapely.geometry import Point, mapping, shape

TOLERANCE_DEG = 0.01
GRID_DEG = 0.001
REGIONS_CSV = Path(__file__).resolve().parent.parent / "regions.csv"


def region_of(geometry: shapely.Geometry, regions: list[dict[str, str]]) -> dict[str, str]:
    inside = [r for r in regions if geometry.contains(Point(float(r["lon"]), float(r["lat"])))]
    if len(inside) != 1:
        names = [r["region"] for r in inside]
        raise SystemExit(f"a source shape holds {len(inside)} administrative centres: {names}")
    return inside[0]


def rounded(coordinates: object) -> object:
    if isinstance(coordinates, (list, tuple)):
        if coordinates and isinstance(coordinates[0], float):
            return [round(c, 3) for c in coordinates]
        return [rounded(c) for c in coordinates]
    return coordinates


def build(source: Path, target: Path) -> None:
    features = json.loads(source.read_text(encoding="utf-8"))["features"]
    with REGIONS_CSV.open(encoding="utf-8") as file:
        regions = list(csv.DictReader(file))
    shapes = [shape(f["geometry"]) for f in features]
    if not shapely.coverage_is_valid(shapes):
        raise SystemExit("the source shapes overlap or leave slivers: not a coverage")
    simple = shapely.coverage_simplify(shapes, TOLERANCE_DEG)
    simple = [shapely.orient_polygons(shapely.set_precision(s, GRID_DEG)) for s in simple]
    if not (all(s.is_valid for s in simple) and shapely.coverage_is_valid(simple)):
        raise SystemExit("simplification broke the coverage; try a smaller tolerance")
    out = []
    for feature, original, geometry in zip(features, shapes, simple, strict=True):
        region = region_of(original, regions)
        props = feature["properties"]
        out.append(
            {
                "type": "Feature",
                "properties": {
                    "region": region["region"],
                    "name": region["name"],
                    "local_name": props["local_name"],
                    "osm_relation": abs(int(props["osm_id"])),
                },
                "geometry": {
                    "type": mapping(geometry)["type"],
                    "coordinates": rounded(
                        json.loads(json.dumps(mapping(geometry)))["coordinates"]
                    ),
                },
            }
        )
    out.sort(key=lambda f: f["properties"]["region"])
    codes = [f["properties"]["region"] for f in out]
    if sorted(codes) != sorted(r["region"] for r in regions):
        raise SystemExit(f"the source does not give each region once: {codes}")
    lines = [json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in out]
    text = '{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n"
    target.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    build(Path(sys.argv[1]), Path(sys.argv[2]))
