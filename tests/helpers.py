"""Small factories for test instances: regions, facilities and convicts as validated tables."""

from __future__ import annotations

import numpy as np
import pandas as pd

from optimizer.data import records_table, validate_convicts, validate_facilities, validate_regions

REGIONS = [
    ("KZ-71", "Astana (city)", "Astana", 51.18, 71.45, 1_638_233),
    ("KZ-35", "Karaganda region", "Karaganda", 49.80, 73.10, 1_131_287),
    ("KZ-75", "Almaty (city)", "Almaty", 43.26, 76.93, 2_347_924),
    ("KZ-79", "Shymkent (city)", "Shymkent", 42.30, 69.60, 1_293_648),
]


def regions_table() -> pd.DataFrame:
    columns = ["region", "name", "centre", "lat", "lon", "population"]
    return validate_regions(records_table([dict(zip(columns, r, strict=True)) for r in REGIONS]))


def facility(facility_id: str, region: str = "KZ-71", **fields: object) -> dict[str, object]:
    """A men's adult medium-security facility at the region's centre unless told otherwise."""
    centre = next(r for r in REGIONS if r[0] == region)
    record: dict[str, object] = {
        "facility_id": facility_id,
        "name": f"Facility {facility_id}",
        "region": region,
        "lat": centre[3],
        "lon": centre[4],
        "security_level": "medium",
        "sex": "M",
        "age_category": "adult",
        "capacity": 10,
        "occupied": 0,
        "medical_profile": "",
        "for_former_officers": False,
        "criminal_history": "both",
        "for_life_sentences": False,
    }
    record.update(fields)
    return record


def convict(convict_id: str, home_region: str = "KZ-71", **fields: object) -> dict[str, object]:
    """A 30-year-old man sentenced to medium security unless told otherwise."""
    record: dict[str, object] = {
        "convict_id": convict_id,
        "sex": "M",
        "age": 30,
        "security_level": "medium",
        "home_region": home_region,
        "home_lat": "",
        "home_lon": "",
        "medical_need": "",
        "former_officer": False,
        "case_id": "",
        "criminal_history": "first-time",
        "life_sentence": False,
    }
    record.update(fields)
    return record


def facilities_table(*records: dict[str, object]) -> pd.DataFrame:
    return validate_facilities(records_table(records), regions_table())


def convicts_table(*records: dict[str, object]) -> pd.DataFrame:
    return validate_convicts(records_table(records), regions_table())


PROFILES = ["", "", "", "tuberculosis", "psychiatric", "tuberculosis;psychiatric"]
HISTORIES = ["both", "both", "first-time", "repeat"]


def random_instance(
    rng: np.random.Generator, n_convicts: int, n_facilities: int, *, cases: bool = False
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A small random instance that exercises every rule: levels, sexes, ages, needs (one or
    several profiles), former officers, criminal histories, life sentences and cases. Every
    convict's sentence is one the law allows."""
    region_codes = [r[0] for r in REGIONS]
    facilities = [
        _random_facility(rng, f"F{j:02d}", region_codes[rng.integers(len(region_codes))])
        for j in range(n_facilities)
    ]
    convicts = [
        _random_convict(rng, f"C{i:03d}", region_codes[rng.integers(len(region_codes))], cases)
        for i in range(n_convicts)
    ]
    return convicts_table(*convicts), facilities_table(*facilities)


def _random_facility(rng: np.random.Generator, facility_id: str, region: str) -> dict[str, object]:
    centre = next(r for r in REGIONS if r[0] == region)
    lifers = rng.random() < 0.1
    level = (
        "extreme"
        if lifers
        else ["medium", "maximum", "minimum"][rng.choice(3, p=[0.45, 0.45, 0.1])]
    )
    return facility(
        facility_id,
        region,
        lat=round(centre[3] + rng.uniform(-1, 1), 4),
        lon=round(centre[4] + rng.uniform(-1, 1), 4),
        security_level=level,
        sex="M" if lifers or rng.random() >= 0.2 else "F",
        age_category="juvenile" if not lifers and rng.random() < 0.1 else "adult",
        capacity=int(rng.integers(0, 6)),
        occupied=0,
        medical_profile=PROFILES[rng.integers(len(PROFILES))] if rng.random() < 0.3 else "",
        for_former_officers=bool(rng.random() < 0.1),
        criminal_history=HISTORIES[rng.integers(len(HISTORIES))],
        for_life_sentences=lifers,
    )


def _random_convict(
    rng: np.random.Generator, convict_id: str, region: str, cases: bool
) -> dict[str, object]:
    centre = next(r for r in REGIONS if r[0] == region)
    fine = rng.random() < 0.3
    age = int(rng.integers(15, 60)) if rng.random() < 0.15 else 30
    woman = rng.random() < 0.2
    lifer = not woman and age >= 18 and rng.random() < 0.08
    level = ["medium", "maximum", "minimum"][rng.integers(3)]
    return convict(
        convict_id,
        region,
        sex="F" if woman else "M",
        age=age,
        security_level="extreme" if lifer else ("medium" if age < 18 else level),
        home_lat=round(centre[3] + rng.uniform(-0.5, 0.5), 4) if fine else "",
        home_lon=round(centre[4] + rng.uniform(-0.5, 0.5), 4) if fine else "",
        medical_need=["tuberculosis", "psychiatric"][rng.integers(2)] if rng.random() < 0.1 else "",
        former_officer=bool(rng.random() < 0.08),
        case_id=f"K{rng.integers(3)}" if cases and rng.random() < 0.4 else "",
        criminal_history="repeat" if rng.random() < 0.45 else "first-time",
        life_sentence=lifer,
    )
