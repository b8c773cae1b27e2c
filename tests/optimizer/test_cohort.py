"""Generated batches: reproducible, in the input contract, and every sentence one the law allows."""

from __future__ import annotations

import pandas as pd

from optimizer.cohort import HOME_SPREAD_KM, REPEAT_SHARE, generate_cohort
from optimizer.data import records_table, validate_convicts
from optimizer.geo import haversine_km


def test_a_seed_reproduces_a_batch(national_regions: pd.DataFrame) -> None:
    first = generate_cohort(300, 7, national_regions)
    assert first.equals(generate_cohort(300, 7, national_regions))


def test_batches_validate_and_carry_the_new_columns(national_regions: pd.DataFrame) -> None:
    cohort = generate_cohort(5000, 11, national_regions)
    convicts = validate_convicts(records_table(cohort.to_dict("records")), national_regions)
    assert "mixed" not in set(convicts["security_level"])
    repeat = (convicts["criminal_history"] == "repeat").mean()
    assert abs(repeat - REPEAT_SHARE) < 0.03
    lifers = convicts[convicts["life_sentence"]]
    assert len(lifers) > 0
    assert set(lifers["security_level"]) == {"extreme"} and set(lifers["sex"]) == {"M"}
    assert lifers["age"].between(18, 62).all()


def test_a_home_point_lies_around_its_own_regions_centre_also_for_co_defendants(
    national_regions: pd.DataFrame,
) -> None:
    cohort = generate_cohort(5000, 1, national_regions)
    centres = national_regions.set_index("region").loc[cohort["home_region"]]
    pointed = cohort["home_lat"].notna().to_numpy()
    km = haversine_km(
        cohort["home_lat"].to_numpy(float)[pointed],
        cohort["home_lon"].to_numpy(float)[pointed],
        centres["lat"].to_numpy(float)[pointed],
        centres["lon"].to_numpy(float)[pointed],
    )
    assert km.max() < 8 * HOME_SPREAD_KM
    in_case = cohort[cohort["case_id"] != ""]
    homes = in_case.groupby("case_id")[["home_region", "home_lat", "home_lon"]].nunique(
        dropna=False
    )
    assert (homes == 1).all().all()
