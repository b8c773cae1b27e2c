"""Distances from home points to facilities: great circle, or over the rail network.

The one place that computes distances; the model, the explanations and the benchmarks ask it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np
import numpy.typing as npt
import pandas as pd

from optimizer.domain import EARTH_RADIUS_KM, DistanceKind, InputError, Problem

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


def haversine_km(
    lat1: npt.ArrayLike, lon1: npt.ArrayLike, lat2: npt.ArrayLike, lon2: npt.ArrayLike
) -> FloatArray:
    """Great-circle distance in km on the mean Earth sphere; broadcasts like numpy."""
    phi1, lam1, phi2, lam2 = (
        np.radians(np.asarray(a, dtype=np.float64)) for a in (lat1, lon1, lat2, lon2)
    )
    a = (
        np.sin((phi2 - phi1) / 2) ** 2
        + np.cos(phi1) * np.cos(phi2) * np.sin((lam2 - lam1) / 2) ** 2
    )
    return np.asarray(2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0))))


class DistanceSource(Protocol):
    """Distances in km from points (rows) to facilities (columns)."""

    def matrix(
        self, lat: FloatArray, lon: FloatArray, facility_lat: FloatArray, facility_lon: FloatArray
    ) -> FloatArray: ...


def metre_matrix(
    distances: DistanceSource,
    lat: npt.ArrayLike,
    lon: npt.ArrayLike,
    facility_lat: npt.ArrayLike,
    facility_lon: npt.ArrayLike,
) -> IntArray:
    """Home points (rows) x facilities (columns): whole metres, the unit of every cost."""
    home_lat = np.atleast_1d(np.asarray(lat, float))
    home_lon = np.atleast_1d(np.asarray(lon, float))
    km = distances.matrix(
        home_lat,
        home_lon,
        np.atleast_1d(np.asarray(facility_lat, float)),
        np.atleast_1d(np.asarray(facility_lon, float)),
    )
    shape = (len(home_lat), np.size(facility_lat))
    return np.rint(np.asarray(km) * 1000.0).astype(np.int64).reshape(shape)


class GreatCircle:
    """Straight-line distance over the Earth's surface."""

    def matrix(
        self, lat: FloatArray, lon: FloatArray, facility_lat: FloatArray, facility_lon: FloatArray
    ) -> FloatArray:
        return haversine_km(
            lat[:, None], lon[:, None], facility_lat[None, :], facility_lon[None, :]
        )


@dataclass(frozen=True)
class RailNetwork:
    """Junction stations and the lines between them; shortest paths by Dijkstra.

    A journey is an access leg by great circle to the station nearest the home point, the
    shortest rail path, and an egress leg by great circle from the station nearest the facility.
    """

    station_ids: tuple[str, ...]
    lat: FloatArray
    lon: FloatArray
    station_km: FloatArray
    """All-pairs shortest rail distance between stations, km."""

    @classmethod
    def from_tables(cls, stations: pd.DataFrame, lines: pd.DataFrame) -> RailNetwork:
        from scipy.sparse import coo_matrix
        from scipy.sparse.csgraph import connected_components, dijkstra

        index = {sid: i for i, sid in enumerate(stations["station_id"])}
        problems = [
            Problem("rail_lines.csv", row + 1, column, f"unknown station {value!r}")
            for column in ("from_station", "to_station")
            for row, value in enumerate(lines[column])
            if value not in index
        ]
        length = pd.to_numeric(lines["length_km"], errors="coerce")
        problems += [
            Problem("rail_lines.csv", int(row) + 1, "length_km", "must be a positive number")
            for row in np.flatnonzero(~(length > 0).to_numpy())
        ]
        if problems:
            raise InputError(problems)
        n = len(index)
        tails = lines["from_station"].map(index).to_numpy()
        heads = lines["to_station"].map(index).to_numpy()
        graph = coo_matrix((length.to_numpy(float), (tails, heads)), shape=(n, n)).tocsr()
        parts, _ = connected_components(graph, directed=False)
        if parts != 1:
            raise InputError(
                [Problem("rail_lines.csv", None, None, f"the network falls into {parts} parts")]
            )
        return cls(
            station_ids=tuple(stations["station_id"]),
            lat=stations["lat"].to_numpy(float),
            lon=stations["lon"].to_numpy(float),
            station_km=np.asarray(dijkstra(graph, directed=False)),
        )

    @classmethod
    def read(cls, folder: Path) -> RailNetwork:
        stations = pd.read_csv(folder / "rail_stations.csv", dtype={"station_id": str})
        lines = pd.read_csv(
            folder / "rail_lines.csv", dtype={"from_station": str, "to_station": str}
        )
        return cls.from_tables(stations, lines)

    def nearest_station(
        self, lat: FloatArray, lon: FloatArray
    ) -> tuple[npt.NDArray[np.intp], FloatArray]:
        """Index of the nearest station to each point and the great-circle km to it."""
        from scipy.spatial import cKDTree

        tree = cKDTree(_unit_vectors(self.lat, self.lon))
        _, nearest = tree.query(_unit_vectors(lat, lon))
        nearest = np.asarray(nearest, dtype=np.intp)
        return nearest, haversine_km(lat, lon, self.lat[nearest], self.lon[nearest])

    def matrix(
        self, lat: FloatArray, lon: FloatArray, facility_lat: FloatArray, facility_lon: FloatArray
    ) -> FloatArray:
        home_station, access_km = self.nearest_station(lat, lon)
        facility_station, egress_km = self.nearest_station(facility_lat, facility_lon)
        rail = self.station_km[np.ix_(home_station, facility_station)]
        return np.asarray(access_km[:, None] + rail + egress_km[None, :])

    def route_km(
        self, lat: FloatArray, lon: FloatArray, facility_lat: FloatArray, facility_lon: FloatArray
    ) -> FloatArray:
        """Rail km only (no access legs) for paired points and facilities: escorted transport."""
        home_station, _ = self.nearest_station(lat, lon)
        facility_station, _ = self.nearest_station(facility_lat, facility_lon)
        return np.asarray(self.station_km[home_station, facility_station])


def _unit_vectors(lat: FloatArray, lon: FloatArray) -> FloatArray:
    phi, lam = np.radians(lat), np.radians(lon)
    return np.column_stack((np.cos(phi) * np.cos(lam), np.cos(phi) * np.sin(lam), np.sin(phi)))


_rail_cache: dict[Path, RailNetwork] = {}


def distance_source(kind: DistanceKind, data_dir: Path | None = None) -> DistanceSource:
    """The distance source for a run; the rail network is read once per folder."""
    if kind is DistanceKind.GREAT_CIRCLE:
        return GreatCircle()
    from optimizer.data import DATA_DIR

    folder = (data_dir or DATA_DIR).resolve()
    if folder not in _rail_cache:
        _rail_cache[folder] = RailNetwork.read(folder)
    return _rail_cache[folder]
