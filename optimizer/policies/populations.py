"""The convicts a benchmark places: today's population, bootstrap draws of it, synthetic cohorts.

Every draw takes an explicit seed, and the same seed gives the same convicts to every policy,
so that differences between policies are paired.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from optimizer.cohort import generate_cohort
from optimizer.data import CONVICT_COLUMNS, DATA_DIR, validate_convicts
from optimizer.population import read_population


def read_standing_population(
    regions: pd.DataFrame, facilities: pd.DataFrame, path: Path | str | None = None
) -> pd.DataFrame | None:
    """Today's population (one row per placed convict, with `facility_id`), when available.

    Read through `optimizer.population.read_population` from `population.csv` in the data
    folder (or `path`); None when the file is absent, so callers fall back to synthetic cohorts.
    """
    target = Path(path) if path is not None else DATA_DIR / "population.csv"
    if not target.is_file():
        return None
    return read_population(target, regions, facilities)


def cohort_table(size: int, seed: int, regions: pd.DataFrame) -> pd.DataFrame:
    """A validated synthetic batch (`optimizer.cohort.generate_cohort`) of `size` convicts."""
    raw = generate_cohort(size, seed, regions)
    text = raw.astype(object).where(raw.notna(), "").astype(str)
    return validate_convicts(text, regions, file="cohort")


def bootstrap(population: pd.DataFrame, seed: int) -> pd.DataFrame:
    """Rows drawn with replacement (seed > 0) or the population itself (seed 0).

    Drawn rows get unique convict ids: the original id and the draw number.
    """
    if seed == 0:
        return population.reset_index(drop=True)
    rng = np.random.default_rng(seed)
    rows = rng.integers(0, len(population), len(population))
    drawn = population.iloc[rows].reset_index(drop=True)
    return drawn.assign(
        convict_id=drawn["convict_id"] + "/" + pd.Series(np.arange(1, len(drawn) + 1)).astype(str)
    )


def week_seed(seed: int, week: int) -> int:
    """The cohort seed of one week of a flow run: independent streams per (seed, week)."""
    return int(np.random.SeedSequence((seed, week)).generate_state(1)[0])


class ConvictDraws:
    """The convicts of a benchmark's runs, drawn once per seed (and week) for every policy."""

    def __init__(
        self,
        regions: pd.DataFrame,
        *,
        today_total: int,
        population: pd.DataFrame | None,
        batch: int,
        keep_case_ids: bool,
    ) -> None:
        self.regions = regions
        self.today_total = today_total
        self.population = population
        self.batch = batch
        self.keep_case_ids = keep_case_ids
        self._steady: dict[int, pd.DataFrame] = {}
        self._weeks: dict[tuple[int, int], pd.DataFrame] = {}

    def prepared(self, convicts: pd.DataFrame) -> pd.DataFrame:
        """Convicts in the contract's columns; case ids cleared unless co-defendants are kept."""
        columns = [c.name for c in CONVICT_COLUMNS] + ["age_category"]
        table = convicts.loc[:, [c for c in columns if c in convicts.columns]]
        return table if self.keep_case_ids else table.assign(case_id="")

    def steady_population(self, seed: int) -> pd.DataFrame:
        """Seed 0 is today's population; other seeds draw from it with replacement (bootstrap).

        Without a population, every seed is a synthetic cohort of today's total occupancy.
        """
        if seed not in self._steady:
            if self.population is not None:
                table = bootstrap(self.population, seed)
            else:
                table = cohort_table(self.today_total, seed, self.regions)
            self._steady[seed] = self.prepared(table)
        return self._steady[seed]

    def week_batch(self, seed: int, week: int) -> pd.DataFrame:
        """The new convicts of one week of a flow run; ids start with the week (W01-...)."""
        key = (seed, week)
        if key not in self._weeks:
            batch = cohort_table(self.batch, week_seed(seed, week), self.regions)
            ids = f"W{week + 1:02d}-" + batch["convict_id"]
            self._weeks[key] = self.prepared(batch.assign(convict_id=ids))
        return self._weeks[key]
