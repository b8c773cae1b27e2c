"""Generated batches: reproducible, in the input contract, and every sentence one the law allows."""

from __future__ import annotations

import pandas as pd

from optimizer.cohort import REPEAT_SHARE, generate_cohort
from optimizer.data import records_table, validate_convicts


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
