"""The placed population: where each convict serves today, their classes, and the room left.

The shared ground of a review, a swap search and a campaign: one validated view of the current
population against the facilities, built once per call.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from optimizer.domain import DistanceKind, InputError, Problem
from optimizer.geo import DistanceSource, distance_source, metre_matrix
from optimizer.rules import convict_classes, eligibility
from optimizer.transfers.domain import UnknownIdError

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
RowArray = npt.NDArray[np.intp]


def as_distance_source(distance: DistanceKind | DistanceSource) -> DistanceSource:
    """A distance source from its kind, or the source itself."""
    return distance_source(distance) if isinstance(distance, DistanceKind) else distance


def km(metres: int | np.integer[Any]) -> float:
    """Metres as km, to the metre."""
    return round(int(metres) / 1000.0, 3)


@dataclass(frozen=True)
class Placed:
    """The current population against the facilities: where each serves, classes, room."""

    population: pd.DataFrame
    facilities: pd.DataFrame
    current: RowArray
    classes: pd.DataFrame
    class_of: RowArray
    allowed: BoolArray
    """classes x facilities, from rules.eligibility."""
    count: IntArray
    capacity: IntArray

    @classmethod
    def build(cls, population: pd.DataFrame, facilities: pd.DataFrame) -> Placed:
        """The view of a population whose every facility id the facilities hold (InputError)."""
        row_of = pd.Series(np.arange(len(facilities)), index=facilities["facility_id"].to_numpy())
        current = population["facility_id"].map(row_of)
        unknown = np.flatnonzero(current.isna().to_numpy())
        if len(unknown):
            raise InputError(
                [
                    Problem(
                        "population",
                        int(i) + 1,
                        "facility_id",
                        f"unknown facility {population['facility_id'].to_numpy()[i]!r}",
                    )
                    for i in unknown
                ]
            )
        classes, class_of = convict_classes(population)
        current_rows = current.to_numpy(np.intp)
        return cls(
            population=population,
            facilities=facilities,
            current=current_rows,
            classes=classes,
            class_of=class_of,
            allowed=eligibility(classes, facilities),
            count=np.bincount(current_rows, minlength=len(facilities)).astype(np.int64),
            capacity=facilities["capacity"].to_numpy(np.int64),
        )

    @property
    def free(self) -> IntArray:
        return np.asarray(np.maximum(self.capacity - self.count, 0), dtype=np.int64)

    def index_of(self, convict_id: str) -> int:
        """The row of a convict (UnknownIdError when absent)."""
        hits = np.flatnonzero(self.population["convict_id"].to_numpy() == convict_id)
        if len(hits) == 0:
            raise UnknownIdError("convict", convict_id)
        return int(hits[0])

    def shared_cases(self) -> pd.Series:
        """Per convict, the case id when a co-defendant is also in the population, else ''."""
        case = self.population["case_id"]
        return case.where(case.ne("") & case.duplicated(keep=False), "")

    def co_defendant_facilities(self) -> pd.DataFrame:
        """Pairs (convict row, facility row) where a co-defendant of the convict serves now."""
        case = self.shared_cases().to_numpy()
        rows = np.flatnonzero(case != "")
        keyed = pd.DataFrame({"convict": rows, "case": case[rows], "facility": self.current[rows]})
        pairs = keyed.merge(keyed, on="case", suffixes=("", "_other"))
        pairs = pairs[pairs["convict"] != pairs["convict_other"]]
        return pd.DataFrame(
            {
                "convict": pairs["convict"].to_numpy(np.intp),
                "facility": pairs["facility_other"].to_numpy(np.intp),
            }
        )

    def metres(self, source: DistanceSource, rows: RowArray | slice) -> IntArray:
        """Metres from the homes of the given convicts to every facility."""
        return metre_matrix(
            source,
            self.population["home_lat"].to_numpy(float)[rows],
            self.population["home_lon"].to_numpy(float)[rows],
            self.facilities["lat"],
            self.facilities["lon"],
        )
