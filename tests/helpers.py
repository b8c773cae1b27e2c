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
    }
    record.update(fields)
    return record


def facilities_table(*records: dict[str, object]) -> pd.DataFrame:
    return validate_facilities(records_table(records), regions_table())


def convicts_table(*records: dict[str, object]) -> pd.DataFrame:
    return validate_convicts(records_table(records), regions_table())


def random_instance(
    rng: np.random.Generator, n_convicts: int, n_facilities: int, *, cases: bool = False
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A small random instance that exercises every rule: levels, sexes, ages, needs, cases."""
    levels = ["medium", "maximum", "minimum"]
    region_codes = [r[0] for r in REGIONS]
    facilities = []
    for j in range(n_facilities):
        region = region_codes[rng.integers(len(region_codes))]
        centre = next(r for r in REGIONS if r[0] == region)
        facilities.append(
            facility(
                f"F{j:02d}",
                region,
                lat=round(centre[3] + rng.uniform(-1, 1), 4),
                lon=round(centre[4] + rng.uniform(-1, 1), 4),
                security_level=levels[rng.integers(2)] if rng.random() < 0.9 else "minimum",
                sex="F" if rng.random() < 0.2 else "M",
                age_category="juvenile" if rng.random() < 0.1 else "adult",
                capacity=int(rng.integers(0, 6)),
                occupied=0,
                medical_profile="tuberculosis" if rng.random() < 0.15 else "",
                for_former_officers=bool(rng.random() < 0.1),
            )
        )
    convicts = []
    for i in range(n_convicts):
        region = region_codes[rng.integers(len(region_codes))]
        centre = next(r for r in REGIONS if r[0] == region)
        fine = rng.random() < 0.3
        convicts.append(
            convict(
                f"C{i:03d}",
                region,
                sex="F" if rng.random() < 0.2 else "M",
                age=int(rng.integers(15, 60)) if rng.random() < 0.15 else 30,
                security_level=levels[rng.integers(len(levels))],
                home_lat=round(centre[3] + rng.uniform(-0.5, 0.5), 4) if fine else "",
                home_lon=round(centre[4] + rng.uniform(-0.5, 0.5), 4) if fine else "",
                medical_need="tuberculosis" if rng.random() < 0.1 else "",
                former_officer=bool(rng.random() < 0.08),
                case_id=f"K{rng.integers(3)}" if cases and rng.random() < 0.4 else "",
            )
        )
    return convicts_table(*convicts), facilities_table(*facilities)
