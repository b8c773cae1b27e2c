"""What an escort service can carry out: the limits of a transfer campaign and who may move.

The weekly escort seats per region come from `data/escort_seats.csv`: estimates, marked so in
the file, since no source publishes the capacity of the prison railway carriages per region.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

import pandas as pd

from optimizer.domain import InputError, Problem

ESCORT_SEATS_FILE = "escort_seats.csv"
DEFAULT_MIN_SAVED_KM = 100.0


class CampaignScope(StrEnum):
    """Who a campaign may move."""

    REQUESTS = "requests"
    """Only convicts with an open request or a recorded consent (operational need needs it)."""
    EVERYONE = "everyone"
    """Everyone: an analyst's what-if, which the report names as such."""


@dataclass(frozen=True, slots=True)
class CampaignLimits:
    """The limits an escort service works with; `escort_seats` is per region and week."""

    min_saved_km: float = DEFAULT_MIN_SAVED_KM
    escort_seats: Mapping[str, int] = field(default_factory=dict)
    """Weekly places on escort trains leaving each region; a region not listed has none, and
    nobody leaves a region without seats. Empty: seats are not limited (one week carries all)."""
    max_moves: int | None = None
    max_weeks: int | None = None
    """When set, the campaign fits in this many weeks of escort seats."""
    scope: CampaignScope = CampaignScope.REQUESTS

    def __post_init__(self) -> None:
        problems = []
        if not self.min_saved_km >= 0:
            problems.append(f"min_saved_km must be 0 or more, got {self.min_saved_km}")
        if self.max_moves is not None and self.max_moves < 0:
            problems.append(f"max_moves must be 0 or more, got {self.max_moves}")
        if self.max_weeks is not None and self.max_weeks < 1:
            problems.append(f"max_weeks must be 1 or more, got {self.max_weeks}")
        problems += [
            f"escort seats of {region} must be 0 or more, got {seats}"
            for region, seats in self.escort_seats.items()
            if seats < 0
        ]
        if problems:
            raise ValueError("; ".join(problems))

    @property
    def min_saved_m(self) -> int:
        """The minimum saving in metres; a move always saves at least one metre."""
        return max(1, round(self.min_saved_km * 1000))

    def seats(self, region: str) -> int:
        return int(self.escort_seats.get(region, 0))

    def escorts_from(self, region: str) -> bool:
        """Whether convicts can leave `region` at all: seats not limited (no table), or some."""
        return not self.escort_seats or self.seats(region) > 0


def read_escort_seats(path: Path | None, regions: pd.DataFrame) -> dict[str, int]:
    """Weekly escort seats per region from a CSV (`region,seats_per_week[,status,basis]`).

    Every region of `regions` must appear once with a whole number of seats (InputError).
    The bundled table covers the national regions; read against fewer regions, it keeps theirs.
    """
    from optimizer.data import DATA_DIR

    source = path or DATA_DIR / ESCORT_SEATS_FILE
    name = source.name
    try:
        table = pd.read_csv(source, dtype={"region": str})
    except (OSError, pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        raise InputError([Problem(name, None, None, f"cannot read: {error}")]) from None
    missing = {"region", "seats_per_week"} - set(table.columns)
    if missing:
        raise InputError([Problem(name, None, c, "missing column") for c in sorted(missing)])
    if path is None:
        table = table[table["region"].isin(set(regions["region"]))].reset_index(drop=True)
    seats = pd.to_numeric(table["seats_per_week"], errors="coerce")
    problems = [
        Problem(name, int(i) + 1, "seats_per_week", "must be a whole number, 0 or more")
        for i in range(len(table))
        if not (seats.iloc[i] >= 0 and float(seats.iloc[i]).is_integer())
    ]
    known = set(regions["region"])
    problems += [
        Problem(name, int(i) + 1, "region", f"unknown region {r!r}")
        for i, r in enumerate(table["region"])
        if r not in known
    ]
    problems += [
        Problem(name, int(i) + 1, "region", f"region {r!r} listed twice")
        for i, r in enumerate(table["region"])
        if table["region"].iloc[:i].eq(r).any()
    ]
    problems += [
        Problem(name, None, "region", f"region {r!r} has no row")
        for r in regions["region"]
        if r not in set(table["region"])
    ]
    if problems:
        raise InputError(problems)
    return {str(r): int(s) for r, s in zip(table["region"], seats, strict=True)}
