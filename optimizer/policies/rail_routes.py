"""Placement flows routed along the rail lines, for maps: how many convicts ride each line.

The rail network's all-pairs distances (`optimizer.geo.RailNetwork`) give each shortest path
hop by hop: from a station, the next is the neighbour whose line length plus its remaining
distance equals the whole.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd

from optimizer.geo import RailNetwork

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class RailMap:
    """The rail network with its lines, as a map draws it."""

    network: RailNetwork
    tails: npt.NDArray[np.intp]
    heads: npt.NDArray[np.intp]
    length_km: FloatArray

    @classmethod
    def read(cls, folder: Path) -> RailMap:
        network = RailNetwork.read(folder)
        lines = pd.read_csv(
            folder / "rail_lines.csv", dtype={"from_station": str, "to_station": str}
        )
        index = {sid: i for i, sid in enumerate(network.station_ids)}
        return cls(
            network,
            np.asarray(lines["from_station"].map(index), dtype=np.intp),
            np.asarray(lines["to_station"].map(index), dtype=np.intp),
            lines["length_km"].to_numpy(float),
        )

    def path(self, source: int, target: int) -> list[int]:
        """Line indices of a shortest rail path between two stations."""
        km = self.network.station_km
        used: list[int] = []
        here = source
        while here != target:
            step = None
            for line in np.flatnonzero((self.tails == here) | (self.heads == here)):
                other = int(self.heads[line] if self.tails[line] == here else self.tails[line])
                if abs(self.length_km[line] + km[other, target] - km[here, target]) < 1e-6:
                    step = (int(line), other)
                    break
            if step is None:
                raise ValueError(f"no rail path from station {source} to {target}")
            used.append(step[0])
            here = step[1]
        return used

    def line_loads(
        self,
        from_lat: FloatArray,
        from_lon: FloatArray,
        to_lat: FloatArray,
        to_lon: FloatArray,
        counts: npt.NDArray[np.int64],
    ) -> npt.NDArray[np.int64]:
        """Per rail line, convicts carried over it by flows between the nearest stations."""
        sources, _ = self.network.nearest_station(from_lat, from_lon)
        targets, _ = self.network.nearest_station(to_lat, to_lon)
        load = np.zeros(len(self.tails), dtype=np.int64)
        paths: dict[tuple[int, int], list[int]] = {}
        for source, target, count in zip(sources, targets, counts, strict=True):
            key = (int(source), int(target))
            if key not in paths:
                paths[key] = self.path(*key)
            load[paths[key]] += int(count)
        return load
