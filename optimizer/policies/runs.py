"""One benchmark run: a policy, a seed and a mode, with the placements it produced."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
import numpy.typing as npt
import pandas as pd

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


class Mode(StrEnum):
    """How a benchmark fills the network: all at once, or week by week."""

    STEADY = "steady-state"
    FLOW = "flow"


@dataclass(frozen=True)
class PolicyRun:
    """One policy, one seed, one mode: the placements and what is needed to measure them.

    `convicts` keep their own attributes (levels before relabelling); `facilities` is the
    network under the policy. Unplaced convicts have facility -1 and NaN distances.
    """

    mode: Mode
    policy: str
    seed: int
    convicts: pd.DataFrame
    facilities: pd.DataFrame
    facility_of: npt.NDArray[np.intp]
    distance_km: FloatArray
    rail_km: FloatArray
    week: IntArray
    """Per convict, the week of placement (0 in steady state)."""
    occupancy: IntArray
    """Per facility at the end of the run."""
    before_batch: IntArray = field(default_factory=lambda: np.zeros((0, 0), dtype=np.int64))
    """Flow mode: weeks x facilities, occupancy after the week's releases, before its batch."""
    facts: dict[str, float] = field(default_factory=dict)
    """Mode-specific figures (transfers, over-capacity facilities at the start of a flow run)."""

    def placements(self) -> pd.DataFrame:
        """convict_id, home_region, facility_id, facility_region, distance_km, rail_km, week."""
        placed = self.facility_of >= 0
        row = np.maximum(self.facility_of, 0)
        return pd.DataFrame(
            {
                "convict_id": self.convicts["convict_id"].to_numpy(),
                "home_region": self.convicts["home_region"].to_numpy(),
                "security_level": self.convicts["security_level"].to_numpy(),
                "facility_id": np.where(placed, self.facilities["facility_id"].to_numpy()[row], ""),
                "facility_region": np.where(placed, self.facilities["region"].to_numpy()[row], ""),
                "distance_km": self.distance_km,
                "rail_km": self.rail_km,
                "week": self.week,
            }
        )
