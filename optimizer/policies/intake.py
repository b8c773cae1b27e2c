"""Each week's newly sentenced convicts: drawn from a synthetic pool, reweighted to a scenario.

The pool (`optimizer.cohort`) holds only sentences the law allows; reweighting its rows by
iterative proportional fitting to the scenario's shares (sex, age category, security level,
criminal history) keeps every drawn convict lawful while the intake meets the shares.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

from optimizer.policies.populations import cohort_table
from optimizer.policies.scenario import WEEKS_PER_YEAR, Scenario

POOL_SIZE = 20_000
"""Synthetic convicts the weekly intakes are drawn from (with replacement)."""

_POOL_STREAM = 21
_COUNT_STREAM = 22
_FITTING_ROUNDS = 50


class IntakeDraws:
    """The intake of every week of one forecast: counts by the trend, convicts by the shares."""

    def __init__(self, scenario: Scenario, regions: pd.DataFrame, seed: int) -> None:
        self.scenario = scenario
        self.seed = seed
        pool_seed = int(np.random.SeedSequence((seed, _POOL_STREAM)).generate_state(1)[0])
        self.pool = cohort_table(POOL_SIZE, pool_seed, regions).assign(case_id="")
        self.weights = fitted_weights(self.pool, scenario.admissions.share_table())

    def expected(self, week: int) -> float:
        """The expected intake of a week: yearly admissions / weeks, times the trend."""
        trend = float(self.scenario.trend.factor(week / WEEKS_PER_YEAR))
        return self.scenario.admissions.per_year / WEEKS_PER_YEAR * trend

    def week(self, week: int) -> pd.DataFrame:
        """The convicts sentenced in a week (a Poisson count), ids `W0001-...`."""
        rng = np.random.default_rng((self.seed, week, _COUNT_STREAM))
        count = int(rng.poisson(self.expected(week)))
        rows = rng.choice(len(self.pool), size=count, p=self.weights)
        drawn = self.pool.iloc[rows].reset_index(drop=True)
        ids = [f"W{week + 1:04d}-{i + 1:04d}" for i in range(count)]
        return drawn.assign(convict_id=ids)


def fitted_weights(
    pool: pd.DataFrame, shares: dict[str, dict[str, float]]
) -> npt.NDArray[np.float64]:
    """Row weights (summing to 1) whose marginals meet `shares` (raking).

    A share for a value the pool lacks is unreachable (say women at extreme security, which
    the law does not allow): `ValueError` names it.
    """
    weights = np.full(len(pool), 1.0 / len(pool))
    for dimension, targets in shares.items():
        values = pool[dimension].astype(str).to_numpy()
        for value, share in targets.items():
            if share > 0 and not (values == value).any():
                raise ValueError(f"admissions.{dimension}: no lawful convict has {value!r}")
    for _ in range(_FITTING_ROUNDS):
        for dimension, targets in shares.items():
            values = pool[dimension].astype(str).to_numpy()
            for value in np.unique(values):
                mask = values == value
                total = weights[mask].sum()
                if total > 0:
                    weights[mask] *= targets.get(str(value), 0.0) / total
        weights = weights / weights.sum()
    return weights
