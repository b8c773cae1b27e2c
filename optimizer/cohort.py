"""Realistic synthetic batches of newly sentenced convicts, reproducible from a seed.

Shares are calibrated to the national figures in the data set's README: home regions follow
population, about 7% are women, a few in a thousand are juveniles, security levels follow the
places the network has for each sex, about 45% have served a prison sentence before, a few men
sentenced to extreme security are lifers, and some convicts share a case with co-defendants.
Every sentence is one the law allows: no `mixed` (not a court sentence), no extreme security or
life for women, juveniles at medium security only, lifers adult men under 63.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from optimizer.domain import CriminalHistory, SecurityLevel
from optimizer.rules import LIFE_SENTENCE_MAX_AGE

MEN_LEVELS = {
    SecurityLevel.MINIMUM: 0.14,
    SecurityLevel.MEDIUM: 0.40,
    SecurityLevel.MAXIMUM: 0.40,
    SecurityLevel.EXTREME: 0.04,
    SecurityLevel.COMPLETE: 0.005,
}
WOMEN_LEVELS = {SecurityLevel.MEDIUM: 0.75, SecurityLevel.MAXIMUM: 0.25}
WOMEN_SHARE = 0.07
JUVENILE_SHARE = 0.003
TUBERCULOSIS_SHARE = 0.02
FORMER_OFFICER_SHARE = 0.005
REPEAT_SHARE = 0.45
"""Previously convicted share (S: Minister Turgumbayev, Nov 2021, "45% previously convicted")."""
LIFE_SHARE_OF_EXTREME = 0.04
"""Share of men sentenced to extreme security who are lifers (E: 45 life sentences in 2021-23,
Tengrinews May 2024, against some 400 extreme-security sentences a year)."""
FINE_HOME_SHARE = 0.5
"""Share of convicts with a home point of their own rather than the region's centre."""
CO_DEFENDANT_SHARE = 0.04
HOME_SPREAD_KM = 60.0


def generate_cohort(
    size: int, seed: int, regions: pd.DataFrame, *, unique_homes: bool = False
) -> pd.DataFrame:
    """A batch in the convicts input contract; `unique_homes` gives everyone a home point."""
    if size < 1:
        raise ValueError(f"size must be at least 1, got {size}")
    rng = np.random.default_rng(seed)
    weights = regions["population"].to_numpy(float)
    region_row = rng.choice(len(regions), size=size, p=weights / weights.sum())
    woman = rng.random(size) < WOMEN_SHARE
    juvenile = ~woman & (rng.random(size) < JUVENILE_SHARE)
    age = np.where(juvenile, rng.integers(14, 18, size), 18 + rng.gamma(2.2, 7.0, size).astype(int))
    age = np.minimum(age, 85)
    level = np.where(
        woman,
        rng.choice(list(WOMEN_LEVELS), size=size, p=list(WOMEN_LEVELS.values())),
        rng.choice(list(MEN_LEVELS), size=size, p=_normalised(MEN_LEVELS)),
    )
    level = np.where(juvenile, SecurityLevel.MEDIUM.value, level)
    adult_man = ~woman & ~juvenile
    tuberculosis = (
        adult_man
        & (rng.random(size) < TUBERCULOSIS_SHARE)
        & np.isin(level, [SecurityLevel.MEDIUM.value, SecurityLevel.MAXIMUM.value])
    )
    officer = adult_man & ~tuberculosis & (rng.random(size) < FORMER_OFFICER_SHARE)
    officer &= np.isin(level, [SecurityLevel.MEDIUM.value, SecurityLevel.MAXIMUM.value])

    fine_home = np.ones(size, bool) if unique_homes else rng.random(size) < FINE_HOME_SHARE
    lat, lon = scatter_home_points(rng, regions, region_row)
    lat = np.where(fine_home, lat, regions["lat"].to_numpy(float)[region_row])
    lon = np.where(fine_home, lon, regions["lon"].to_numpy(float)[region_row])
    width = len(str(size))
    cases = _cases(rng, size)
    repeat = rng.random(size) < REPEAT_SHARE
    life = (
        adult_man
        & (level == SecurityLevel.EXTREME.value)
        & (rng.random(size) < LIFE_SHARE_OF_EXTREME)
    )
    age = np.where(life, np.minimum(age, LIFE_SENTENCE_MAX_AGE), age)
    table = pd.DataFrame(
        {
            "convict_id": [f"C{i:0{max(width, 6)}d}" for i in range(1, size + 1)],
            "sex": np.where(woman, "F", "M"),
            "age": age,
            "security_level": level,
            "home_region": regions["region"].to_numpy()[region_row],
            "home_lat": np.where(fine_home, np.round(lat, 5), np.nan),
            "home_lon": np.where(fine_home, np.round(lon, 5), np.nan),
            "medical_need": np.where(tuberculosis, "tuberculosis", ""),
            "former_officer": np.where(officer, "true", "false"),
            "case_id": cases,
            "criminal_history": np.where(
                repeat, CriminalHistory.REPEAT.value, CriminalHistory.FIRST_TIME.value
            ),
            "life_sentence": np.where(life, "true", "false"),
        }
    )
    return _co_defendants_share_home(table)


def _co_defendants_share_home(table: pd.DataFrame) -> pd.DataFrame:
    """Co-defendants usually come from one place: give them their first member's home, region
    and point together (a member without a point of his own takes none)."""
    in_case = table["case_id"] != ""
    home = ["home_region", "home_lat", "home_lon"]
    members = table.loc[in_case]
    first = members.drop_duplicates("case_id").set_index("case_id")[home]
    table.loc[in_case, home] = first.loc[members["case_id"]].to_numpy()
    return table


def _normalised(shares: dict[SecurityLevel, float]) -> list[float]:
    total = sum(shares.values())
    return [v / total for v in shares.values()]


def scatter_home_points(
    rng: np.random.Generator, regions: pd.DataFrame, region_row: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Points scattered around each home region's centre, kept inside the country's box."""
    from optimizer.data import LAT_RANGE, LON_RANGE

    centre_lat = regions["lat"].to_numpy(float)[region_row]
    centre_lon = regions["lon"].to_numpy(float)[region_row]
    distance = np.abs(rng.normal(0.0, HOME_SPREAD_KM, len(region_row)))
    bearing = rng.uniform(0.0, 2 * np.pi, len(region_row))
    lat = centre_lat + distance * np.cos(bearing) / 111.2
    lon = centre_lon + distance * np.sin(bearing) / (111.2 * np.cos(np.radians(centre_lat)))
    lat = np.clip(lat, LAT_RANGE[0] + 0.5, LAT_RANGE[1] - 0.5)
    lon = np.clip(lon, LON_RANGE[0] + 0.5, LON_RANGE[1] - 0.5)
    return lat, lon


def _cases(rng: np.random.Generator, size: int) -> np.ndarray:
    """Cases of 2 or 3 co-defendants among neighbouring ids; others have no case id."""
    case = np.full(size, "", dtype=object)
    in_case = np.flatnonzero(rng.random(size) < CO_DEFENDANT_SHARE / 2.5)
    for number, start in enumerate(in_case, start=1):
        members = slice(start, min(start + int(rng.integers(2, 4)), size))
        if (case[members] == "").all():
            case[members] = f"K{number:06d}"
    return case
