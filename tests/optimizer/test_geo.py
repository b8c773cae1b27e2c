"""Distances: great circle against known values, rail never shorter than the straight line."""

from __future__ import annotations

import numpy as np
import pytest

from optimizer.domain import DistanceKind
from optimizer.geo import distance_source, haversine_km


def test_astana_almaty_great_circle() -> None:
    assert haversine_km(51.18, 71.45, 43.26, 76.93) == pytest.approx(973, abs=2)


def test_zero_distance_and_symmetry() -> None:
    assert haversine_km(50.0, 70.0, 50.0, 70.0) == 0.0
    assert haversine_km(50.0, 70.0, 43.0, 77.0) == pytest.approx(
        haversine_km(43.0, 77.0, 50.0, 70.0)
    )


def test_rail_distance_is_at_least_the_great_circle(national_regions, national_facilities) -> None:  # type: ignore[no-untyped-def]
    rail = distance_source(DistanceKind.RAIL)
    lat, lon = national_regions["lat"].to_numpy(float), national_regions["lon"].to_numpy(float)
    flat, flon = (
        national_facilities["lat"].to_numpy(float),
        national_facilities["lon"].to_numpy(float),
    )
    by_rail = rail.matrix(lat, lon, flat, flon)
    straight = distance_source(DistanceKind.GREAT_CIRCLE).matrix(lat, lon, flat, flon)
    assert (by_rail >= straight - 1e-6).all()
    astana, almaty = (
        int(np.flatnonzero(national_regions["region"] == r)[0]) for r in ("KZ-71", "KZ-75")
    )
    between = rail.matrix(lat[[astana]], lon[[astana]], lat[[almaty]], lon[[almaty]])[0, 0]
    assert 1150 <= between <= 1600
