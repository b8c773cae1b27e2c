"""The current national population: who serves where today, reproducible from a seed.

Transfer review and transfer campaigns start from the convicts already placed, one row per
convict in the convicts input contract plus the `facility_id` where the convict serves. The
generated population fills every facility with exactly its `occupied` convicts, each lawfully
placed (the eligibility rules of `rules.py` decide), and reproduces today's pattern that many
serve far from home: a share of each facility's convicts comes from its own region, the rest
from other regions weighted by population and proximity, with regions that have no facility
of the type at all weighing more, because their convicts have to serve elsewhere.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd

from optimizer.cohort import FINE_HOME_SHARE, REPEAT_SHARE, scatter_home_points
from optimizer.data import (
    CONVICT_COLUMNS,
    read_csv_text,
    records_table,
    validate_convicts,
)
from optimizer.data_messages import PLACEMENT_RULE, problem
from optimizer.domain import (
    JUVENILE_AGE_LIMIT,
    AgeCategory,
    CriminalHistory,
    FacilityHistory,
    InputError,
    Problem,
)
from optimizer.geo import haversine_km
from optimizer.rules import (
    LIFE_SENTENCE_MAX_AGE,
    convict_classes,
    eligibility,
    facility_profiles,
    first_failed_rule,
)

POPULATION_SEED = 2021
"""Seed of the committed data/population.csv (2021: the year of the national figures)."""

OWN_REGION_SHARE = (0.35, 0.65)
"""Range of the share of a facility's convicts whose home is in the facility's region."""

PROXIMITY_KM = 700.0
"""Other regions' weight falls by a factor e every this many km from the facility."""

LACKING_TYPE_WEIGHT = 3.0
"""Extra weight of a region that has no facility lawful for the class at all."""

CASE_SHARE = 0.03
"""Share of the population with co-defendants serving in other facilities."""

FACILITY_COLUMN = "facility_id"
POPULATION_COLUMNS = (*(c.name for c in CONVICT_COLUMNS), FACILITY_COLUMN)


def generate_population(regions: pd.DataFrame, facilities: pd.DataFrame, seed: int) -> pd.DataFrame:
    """Exactly `occupied` lawfully placed convicts per facility, in the input contract.

    Each facility's convicts are of its class (security level, sex, age category, medical
    profile, former officers, lifers, criminal history: a facility with sections for both, or
    of minimum security, holds REPEAT_SHARE repeat convicts); lifers are under 63; their homes
    are drawn from its own region with a probability in OWN_REGION_SHARE, otherwise from the
    other regions by population x proximity, favouring regions that lack the type. Half have
    a home point of their own, as in new cohorts.
    """
    rng = np.random.default_rng(seed)
    counts = facilities["occupied"].to_numpy(np.int64)
    facility_row = np.repeat(np.arange(len(facilities)), counts)
    size = len(facility_row)
    home_region_row = _home_regions(rng, regions, facilities, counts)

    juvenile = (facilities["age_category"].to_numpy() == AgeCategory.JUVENILE.value)[facility_row]
    lifer = facilities["for_life_sentences"].to_numpy(bool)[facility_row]
    adult_age = np.minimum(JUVENILE_AGE_LIMIT + rng.gamma(2.2, 7.0, size).astype(np.int64), 85)
    adult_age = np.where(lifer, np.minimum(adult_age, LIFE_SENTENCE_MAX_AGE), adult_age)
    age = np.where(juvenile, rng.integers(14, JUVENILE_AGE_LIMIT, size), adult_age)
    fine_home = rng.random(size) < FINE_HOME_SHARE
    lat, lon = scatter_home_points(rng, regions, home_region_row)
    table = pd.DataFrame(
        {
            "convict_id": [f"P{i:06d}" for i in range(1, size + 1)],
            "sex": facilities["sex"].to_numpy()[facility_row],
            "age": age,
            "security_level": facilities["security_level"].to_numpy()[facility_row],
            "home_region": regions["region"].to_numpy()[home_region_row],
            "home_lat": np.where(fine_home, np.round(lat, 5), np.nan),
            "home_lon": np.where(fine_home, np.round(lon, 5), np.nan),
            "medical_need": _first_profiles(facilities)[facility_row],
            "former_officer": np.where(
                facilities["for_former_officers"].to_numpy(bool)[facility_row], "true", "false"
            ),
            "case_id": "",
            FACILITY_COLUMN: facilities["facility_id"].to_numpy()[facility_row],
        }
    )
    table = _add_cases(rng, table)
    table["criminal_history"] = _criminal_histories(rng, facilities, facility_row)
    table["life_sentence"] = np.where(lifer, "true", "false")
    return table.loc[:, list(POPULATION_COLUMNS)]


def _first_profiles(facilities: pd.DataFrame) -> npt.NDArray[np.str_]:
    """Per facility, the need its convicts have: its first listed profile, or none."""
    profiles = [next(iter(sorted(facility_profiles(p))), "") for p in facilities["medical_profile"]]
    return np.asarray(profiles, dtype=str)


def _criminal_histories(
    rng: np.random.Generator, facilities: pd.DataFrame, facility_row: npt.NDArray[np.intp]
) -> npt.NDArray[np.str_]:
    """A facility's own history where it holds one; otherwise REPEAT_SHARE repeat convicts."""
    held = facilities["criminal_history"].to_numpy()[facility_row]
    minimum = (facilities["security_level"].to_numpy() == "minimum")[facility_row]
    drawn = np.where(
        rng.random(len(facility_row)) < REPEAT_SHARE,
        CriminalHistory.REPEAT.value,
        CriminalHistory.FIRST_TIME.value,
    )
    mixed = minimum | (held == FacilityHistory.BOTH.value)
    return np.asarray(np.where(mixed, drawn, held), dtype=str)


def _home_regions(
    rng: np.random.Generator,
    regions: pd.DataFrame,
    facilities: pd.DataFrame,
    counts: npt.NDArray[np.int64],
) -> npt.NDArray[np.intp]:
    """Per convict (facility by facility), the row of the home region in `regions`."""
    region_index = {code: i for i, code in enumerate(regions["region"])}
    population = regions["population"].to_numpy(float)
    km = haversine_km(
        regions["lat"].to_numpy(float)[None, :],
        regions["lon"].to_numpy(float)[None, :],
        facilities["lat"].to_numpy(float)[:, None],
        facilities["lon"].to_numpy(float)[:, None],
    )
    classes = _facility_classes(facilities)
    allowed = eligibility(classes, facilities)
    facility_region = facilities["region"].map(region_index).to_numpy(np.intp)
    has_type = np.zeros((len(facilities), len(regions)), dtype=bool)
    for j in range(len(facilities)):
        has_type[j, facility_region[allowed[j]]] = True

    pieces = []
    for j, count in enumerate(counts):
        own = facility_region[j]
        weights = population * np.exp(-km[j] / PROXIMITY_KM)
        weights = weights * np.where(has_type[j], 1.0, LACKING_TYPE_WEIGHT)
        weights[own] = 0.0
        own_share = rng.uniform(*OWN_REGION_SHARE)
        if weights.sum() == 0:
            weights[own], own_share = 1.0, 1.0
        chosen = rng.choice(len(regions), size=int(count), p=weights / weights.sum())
        pieces.append(np.where(rng.random(int(count)) < own_share, own, chosen))
    return np.concatenate([*pieces, np.empty(0, dtype=np.intp)]).astype(np.intp)


def _facility_classes(facilities: pd.DataFrame) -> pd.DataFrame:
    """The convict class that each facility is built for, one row per facility."""
    return pd.DataFrame(
        {
            "security_level": facilities["security_level"].to_numpy(),
            "sex": facilities["sex"].to_numpy(),
            "age_category": facilities["age_category"].to_numpy(),
            "medical_need": _first_profiles(facilities),
            "former_officer": facilities["for_former_officers"].to_numpy(bool),
            "criminal_history": np.where(
                facilities["criminal_history"].to_numpy() == CriminalHistory.REPEAT.value,
                CriminalHistory.REPEAT.value,
                CriminalHistory.FIRST_TIME.value,
            ),
            "life_sentence": facilities["for_life_sentences"].to_numpy(bool),
        }
    )


def _add_cases(rng: np.random.Generator, table: pd.DataFrame) -> pd.DataFrame:
    """Cases of 2 or 3 co-defendants from one home region, each in a different facility.

    Co-defendants usually come from one place, so they share the first member's home.
    """
    case = np.full(len(table), "", dtype=object)
    chosen = np.flatnonzero(rng.random(len(table)) < CASE_SHARE)
    chosen = chosen[rng.permutation(len(chosen))]
    facility = table[FACILITY_COLUMN].to_numpy()
    number = 0
    for _, members in pd.Series(chosen).groupby(table["home_region"].to_numpy()[chosen], sort=True):
        rows = members.to_numpy()
        start = 0
        while start + 1 < len(rows):
            size = int(rng.integers(2, 4))
            part = rows[start : start + size]
            start += size
            if len(part) >= 2 and len(set(facility[part])) == len(part):
                number += 1
                case[part] = f"K{number:05d}"
    table["case_id"] = case
    in_case = table["case_id"] != ""
    home = ["home_lat", "home_lon"]
    table.loc[in_case, home] = table.loc[in_case].groupby("case_id")[home].transform("first")
    return table


def population_text(table: pd.DataFrame) -> pd.DataFrame:
    """A generated population as the text table that validation reads (blanks for no value)."""
    records = table.astype(object).fillna("").to_dict("records")
    return records_table({str(k): v for k, v in row.items()} for row in records)


def validate_population(
    raw: pd.DataFrame, regions: pd.DataFrame, facilities: pd.DataFrame, file: str = "population.csv"
) -> pd.DataFrame:
    """The validated convict columns plus `facility_id`, every placement checked lawful.

    Problems: unknown facilities, placements that an eligibility rule forbids (named by rule
    id), co-defendants in one facility, and per facility a count of convicts above its capacity
    or different from its `occupied` (the population and the facilities table must agree).
    """
    if FACILITY_COLUMN not in raw.columns:
        raise InputError([problem(file, None, FACILITY_COLUMN, "missing-column")])
    facility_text = raw[FACILITY_COLUMN].fillna("").astype(str).str.strip()
    convicts = validate_convicts(raw.drop(columns=[FACILITY_COLUMN]), regions, file, placed=True)
    problems: list[Problem] = []
    known = facilities["facility_id"].to_numpy()
    row_of = pd.Series(np.arange(len(known)), index=known)
    facility_row = facility_text.map(row_of)
    text = facility_text.to_numpy()
    for position in np.flatnonzero(facility_row.isna().to_numpy()):
        value, row = text[position], int(position) + 1
        if value == "":
            problems.append(problem(file, row, FACILITY_COLUMN, "empty"))
        else:
            problems.append(problem(file, row, FACILITY_COLUMN, "unknown.facility", value=value))
    if problems:
        raise InputError(problems)
    placed = facility_row.to_numpy(np.intp)
    problems += _unlawful_placements(convicts, facilities, placed, file)
    problems += _shared_case_facilities(convicts, facility_text, file)
    problems += _occupancy_mismatches(facilities, placed, file)
    if problems:
        raise InputError(problems)
    return convicts.assign(**{FACILITY_COLUMN: facility_text.to_numpy()})


def _unlawful_placements(
    convicts: pd.DataFrame, facilities: pd.DataFrame, placed: npt.NDArray[np.intp], file: str
) -> list[Problem]:
    classes, class_of = convict_classes(convicts)
    failed = first_failed_rule(classes, facilities)[class_of, placed]
    ids = convicts["convict_id"].to_numpy()
    names = facilities["facility_id"].to_numpy()
    return [
        problem(
            file,
            int(i) + 1,
            FACILITY_COLUMN,
            PLACEMENT_RULE,
            convict=ids[i],
            facility=names[placed[i]],
            rule=str(failed[i]),
        )
        for i in np.flatnonzero(failed != "")
    ]


def _shared_case_facilities(
    convicts: pd.DataFrame, facility: pd.Series, file: str
) -> list[Problem]:
    case, where = convicts["case_id"].to_numpy(), facility.to_numpy()
    keyed = pd.DataFrame({"case": case, "facility": where})
    shared = keyed["case"].ne("") & keyed.duplicated(keep="first")
    return [
        problem(
            file,
            int(i) + 1,
            FACILITY_COLUMN,
            "placement.co-defendant",
            case=case[i],
            facility=where[i],
        )
        for i in np.flatnonzero(shared.to_numpy())
    ]


def _occupancy_mismatches(
    facilities: pd.DataFrame, placed: npt.NDArray[np.intp], file: str
) -> list[Problem]:
    counts = np.bincount(placed, minlength=len(facilities))
    names = facilities["facility_id"].to_numpy()
    capacity = facilities["capacity"].to_numpy(np.int64)
    occupied = facilities["occupied"].to_numpy(np.int64)
    problems = []
    for j in np.flatnonzero(counts > capacity):
        problems.append(
            problem(
                file,
                None,
                FACILITY_COLUMN,
                "placement.over-capacity",
                count=int(counts[j]),
                facility=names[j],
                capacity=int(capacity[j]),
            )
        )
    for j in np.flatnonzero((counts <= capacity) & (counts != occupied)):
        problems.append(
            problem(
                file,
                None,
                FACILITY_COLUMN,
                "placement.occupancy-mismatch",
                count=int(counts[j]),
                facility=names[j],
                occupied=int(occupied[j]),
            )
        )
    return problems


def read_population(
    path: Path | str | None, regions: pd.DataFrame, facilities: pd.DataFrame
) -> pd.DataFrame:
    """Read and validate a population CSV; the default is the bundled data/population.csv."""
    from optimizer.data import DATA_DIR

    path = Path(path) if path is not None else DATA_DIR / "population.csv"
    return validate_population(read_csv_text(path), regions, facilities, path.name)
