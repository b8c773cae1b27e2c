"""Reading and validating the input tables once, at the edge.

Every defect is reported with its file, row and column, all of them in one `InputError`, so a
user can mend a file in one pass. Validated tables have fixed columns and dtypes; the rest of the
engine trusts them.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from optimizer.checks import Checker, Column, as_text_table, raise_if
from optimizer.data_messages import notice, sentence_problem
from optimizer.domain import (
    JUVENILE_AGE_LIMIT,
    AgeCategory,
    CriminalHistory,
    FacilityHistory,
    Problem,
    SecurityLevel,
    Sex,
)
from optimizer.files import read_csv_text, write_csv_atomically, write_text_atomically
from optimizer.rules import RULES, unlawful_sentences

logger = logging.getLogger(__name__)

__all__ = [
    "CONVICT_COLUMNS",
    "DATA_DIR",
    "FACILITY_COLUMNS",
    "REGION_COLUMNS",
    "VALIDATED_CONVICT_COLUMNS",
    "read_convicts",
    "read_csv_text",
    "read_facilities",
    "read_regions",
    "records_table",
    "sentence_problems",
    "validate_convicts",
    "validate_facilities",
    "validate_regions",
    "write_csv_atomically",
    "write_text_atomically",
]

DATA_DIR = Path(
    os.environ.get("PLACEMENT_DATA_DIR", Path(__file__).resolve().parent.parent / "data")
)
"""The bundled national data set (regions, facilities, rail network)."""

LAT_RANGE = (40.5, 55.5)
LON_RANGE = (46.4, 87.4)
"""Kazakhstan's bounding box, with a margin of a few kilometres."""

AGE_RANGE = (14, 100)
"""Criminal responsibility starts at 14 (Criminal Code art. 15); 100 is a sanity bound."""


FACILITY_COLUMNS = (
    Column("facility_id"),
    Column("name"),
    Column("name_ru", required=False),
    Column("name_kk", required=False),
    Column("region"),
    Column("lat"),
    Column("lon"),
    Column("security_level"),
    Column("sex"),
    Column("age_category"),
    Column("capacity"),
    Column("occupied", required=False, default="0"),
    Column("medical_profile", required=False),
    Column("for_former_officers", required=False, default="false"),
    Column("criminal_history", required=False, default=FacilityHistory.BOTH.value),
    Column("for_life_sentences", required=False, default="false"),
)

CONVICT_COLUMNS = (
    Column("convict_id"),
    Column("sex"),
    Column("age"),
    Column("security_level"),
    Column("home_region"),
    Column("home_lat", required=False),
    Column("home_lon", required=False),
    Column("medical_need", required=False),
    Column("former_officer", required=False, default="false"),
    Column("case_id", required=False),
    Column("criminal_history", required=False, default=CriminalHistory.FIRST_TIME.value),
    Column("life_sentence", required=False, default="false"),
)

VALIDATED_CONVICT_COLUMNS = (
    "convict_id",
    "sex",
    "age",
    "age_category",
    "security_level",
    "home_region",
    "home_lat",
    "home_lon",
    "medical_need",
    "former_officer",
    "case_id",
    "criminal_history",
    "life_sentence",
)
"""The columns of a validated convicts table, in order (`age_category` derived from `age`)."""

HOUSEHOLD_WORK = frozenset({"court-sentence-only"})
"""Convicts already serving may be kept in a SIZO for household work (level `mixed`)."""

HISTORY_NOTICE = (
    "{file}: no criminal_history column; every convict is taken as first-time (imprisoned for "
    "the first time), which decides the facilities they may serve in (Penal Executive Code "
    "art. 94)"
)
"""The one-line notice for a convicts file from before the criminal_history column."""

REGION_COLUMNS = (
    Column("region"),
    Column("name"),
    Column("name_ru", required=False),
    Column("name_kk", required=False),
    Column("centre"),
    Column("lat"),
    Column("lon"),
    Column("population"),
)


def validate_regions(raw: pd.DataFrame, file: str = "regions.csv") -> pd.DataFrame:
    """Regions by ISO 3166-2:KZ code with the administrative centre's coordinates."""
    table, problems = as_text_table(raw, REGION_COLUMNS, file)
    raise_if(problems)
    check = Checker(file, table)
    check.required_text("region")
    check.unique("region")
    lat = check.number("lat")
    lon = check.number("lon")
    check.within(lat, "lat", *LAT_RANGE, "latitudes")
    check.within(lon, "lon", *LON_RANGE, "longitudes")
    population = check.integer("population")
    names = check.local_names(raw.columns)
    raise_if(check.problems)
    return pd.DataFrame(
        {
            "region": table["region"],
            "name": table["name"],
            **names,
            "centre": table["centre"],
            "lat": lat,
            "lon": lon,
            "population": population.astype(np.int64),
        }
    )


def validate_facilities(
    raw: pd.DataFrame, regions: pd.DataFrame, file: str = "facilities.csv"
) -> pd.DataFrame:
    """Facilities of the input contract; occupied defaults to 0."""
    table, problems = as_text_table(raw, FACILITY_COLUMNS, file)
    raise_if(problems)
    check = Checker(file, table)
    check.required_text("facility_id")
    check.unique("facility_id")
    check.required_text("name")
    check.choice("region", regions["region"], "region-code")
    check.choice("security_level", [s.value for s in SecurityLevel], "security-level")
    check.choice("sex", [s.value for s in Sex], "sex")
    check.choice("age_category", [a.value for a in AgeCategory], "age-category")
    lat = check.number("lat")
    lon = check.number("lon")
    check.within(lat, "lat", *LAT_RANGE, "latitudes")
    check.within(lon, "lon", *LON_RANGE, "longitudes")
    capacity = check.integer("capacity")
    occupied = check.integer("occupied")
    check.flag(capacity < 0, "capacity", "negative")
    check.flag(occupied < 0, "occupied", "negative")
    over = (occupied > capacity) & (capacity >= 0)  # a negative capacity is its own problem
    check.flag(over, "occupied", "over-capacity")
    officers = check.boolean("for_former_officers")
    check.choice("criminal_history", [h.value for h in FacilityHistory], "criminal-history")
    lifers = check.boolean("for_life_sentences")
    names = check.local_names(raw.columns)
    raise_if(check.problems)
    return pd.DataFrame(
        {
            "facility_id": table["facility_id"],
            "name": table["name"],
            **names,
            "region": table["region"],
            "lat": lat,
            "lon": lon,
            "security_level": table["security_level"],
            "sex": table["sex"],
            "age_category": table["age_category"],
            "capacity": capacity.astype(np.int64),
            "occupied": occupied.astype(np.int64),
            "medical_profile": table["medical_profile"],
            "for_former_officers": officers.astype(bool),
            "criminal_history": table["criminal_history"],
            "for_life_sentences": lifers.astype(bool),
        }
    )


def validate_convicts(
    raw: pd.DataFrame, regions: pd.DataFrame, file: str = "convicts.csv", *, placed: bool = False
) -> pd.DataFrame:
    """Convicts of the input contract, with `age_category` derived from the age.

    Sentences the law does not allow for the person are bad input (`RuleKind.SENTENCE` rules
    of `rules.py`). `placed` is for convicts already serving (the population): those kept in
    a SIZO for household work keep the level `mixed`, which a new sentence never has.
    """
    table, problems = as_text_table(raw, CONVICT_COLUMNS, file)
    raise_if(problems)
    if "criminal_history" not in raw.columns:
        logger.warning(HISTORY_NOTICE.format(file=file), extra=notice("history-notice", file=file))
    check = Checker(file, table)
    check.required_text("convict_id")
    check.unique("convict_id")
    check.choice("sex", [s.value for s in Sex], "sex")
    check.choice("security_level", [s.value for s in SecurityLevel], "security-level")
    check.choice("home_region", regions["region"], "region-code")
    check.choice("criminal_history", [h.value for h in CriminalHistory], "criminal-history")
    age = check.integer("age")
    check.within(age, "age", *AGE_RANGE, "ages")
    home_lat = check.number("home_lat", optional=True)
    home_lon = check.number("home_lon", optional=True)
    check.within(home_lat, "home_lat", *LAT_RANGE, "latitudes")
    check.within(home_lon, "home_lon", *LON_RANGE, "longitudes")
    half = (table["home_lat"] == "") != (table["home_lon"] == "")
    check.flag(half, "home_lon", "half-home", lambda _: {})
    officer = check.boolean("former_officer")
    life = check.boolean("life_sentence")
    raise_if(check.problems)

    centres = regions.set_index("region")
    given = home_lat.notna()
    lat = home_lat.where(given, table["home_region"].map(centres["lat"]))
    lon = home_lon.where(given, table["home_region"].map(centres["lon"]))
    ages = age.astype(np.int64)
    convicts = pd.DataFrame(
        {
            "convict_id": table["convict_id"],
            "sex": table["sex"],
            "age": ages,
            "age_category": np.where(
                ages < JUVENILE_AGE_LIMIT, AgeCategory.JUVENILE.value, AgeCategory.ADULT.value
            ),
            "security_level": table["security_level"],
            "home_region": table["home_region"],
            "home_lat": lat.astype(float),
            "home_lon": lon.astype(float),
            "medical_need": table["medical_need"],
            "former_officer": officer.astype(bool),
            "case_id": table["case_id"],
            "criminal_history": table["criminal_history"],
            "life_sentence": life.astype(bool),
        }
    )
    raise_if(sentence_problems(convicts, file, placed=placed))
    return convicts


def sentence_problems(convicts: pd.DataFrame, file: str, *, placed: bool = False) -> list[Problem]:
    """A problem per convict whose sentence the law does not allow, citing the article."""
    failed = unlawful_sentences(convicts, HOUSEHOLD_WORK if placed else frozenset())
    problems = []
    for position in np.flatnonzero(failed != ""):
        rule = RULES[str(failed[position])]
        problems.append(sentence_problem(file, int(position) + 1, rule.column, rule.id))
    return problems


def records_table(records: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """Turn JSON records (the API's input) into a text table for the same validation."""
    rows = list(records)
    table = pd.DataFrame.from_records(rows) if rows else pd.DataFrame()
    return table.map(_cell_text)


def _cell_text(value: Any) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, bool | np.bool_):
        return str(bool(value)).lower()
    return str(value)


def read_regions(path: Path | str | None = None) -> pd.DataFrame:
    path = Path(path) if path is not None else DATA_DIR / "regions.csv"
    return validate_regions(read_csv_text(path), path.name)


def read_facilities(path: Path | str | None, regions: pd.DataFrame) -> pd.DataFrame:
    path = Path(path) if path is not None else DATA_DIR / "facilities.csv"
    return validate_facilities(read_csv_text(path), regions, path.name)


def read_convicts(path: Path | str, regions: pd.DataFrame) -> pd.DataFrame:
    path = Path(path)
    return validate_convicts(read_csv_text(path), regions, path.name)
