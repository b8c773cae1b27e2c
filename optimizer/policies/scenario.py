"""Forecast scenarios: who is sentenced each year, for how long, and how the network changes.

A scenario is a TOML file (see `data/scenarios/`, read by `optimizer.policies.scenario_parse`).
It sets

- yearly admissions (`[admissions] per_year`), with optional shares by sex, age category,
  security level and criminal history; the week's intake is drawn from a synthetic pool
  (`optimizer.cohort`, whose legal combinations it keeps) reweighted to those shares;
- sentence lengths (`[sentences]`): the mean in years per security level (lognormal, with
  `spread` its log standard deviation); lifers are never released within a forecast;
- a trend of admissions (`[trend]`): `change` over `over_years` (-0.30 over 5 years), or a
  `yearly` rate (+0.05); the population follows admissions with the lag of the sentences;
- dated changes of the network: closures (`[[close]]`), new builds (`[[add]]`, a full facility
  record with a `date`) and single-cell reconstruction phased facility by facility
  (`[[single_cell]]`: facilities, factor, date, and a `source` or `assumption` note).

A scenario may name a policy file (`policy = "../policies/x.toml"`), applied to the network
before any dated change.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import pandas as pd

from optimizer.policies.words import in_language

WEEKS_PER_YEAR = 365.25 / 7
"""Weeks in a year: sentences and yearly rates convert to weeks through it."""

MAX_YEARS = 10
"""The longest forecast the command offers: ten years of weekly allocations."""

MIN_SENTENCE_YEARS = 0.5
MAX_SENTENCE_YEARS = 30.0
"""Sentences of deprivation of liberty run from 6 months to 30 years, and life."""

ADMISSION_DIMENSIONS = ("sex", "age_category", "security_level", "criminal_history")
"""The columns whose shares a scenario may set."""


@dataclass(frozen=True, slots=True)
class Closure:
    """A facility that closes on a date: from then on it has no places."""

    facility_id: str
    date: datetime.date


@dataclass(frozen=True, slots=True)
class Addition:
    """A facility that opens on a date (its record is in `Scenario.additions`)."""

    facility_id: str
    date: datetime.date


@dataclass(frozen=True, slots=True)
class Reconstruction:
    """Single-cell reconstruction of some facilities on a date: capacity *= factor, down.

    `note` says where the factor comes from; an unsourced factor says it is an assumption.
    """

    facility_ids: tuple[str, ...]
    levels: tuple[str, ...]
    factor: float
    date: datetime.date
    note: str


@dataclass(frozen=True, slots=True)
class Trend:
    """A multiplier of admissions over time: `change` spread over `over_years`, or `yearly`."""

    change: float = 0.0
    over_years: float = 1.0
    yearly: float = 0.0

    def factor(self, years: npt.ArrayLike) -> npt.NDArray[np.float64]:
        """The admissions multiplier `years` after the start (geometric, then flat)."""
        t = np.asarray(years, dtype=float)
        spread = (1.0 + self.change) ** (np.minimum(t, self.over_years) / self.over_years)
        return np.asarray(spread * (1.0 + self.yearly) ** t, dtype=float)


@dataclass(frozen=True, slots=True)
class Sentences:
    """Sentence lengths: mean years per security level, lognormal with log-sd `spread`."""

    mean_years: tuple[tuple[str, float], ...]
    spread: float = 0.5

    def mean_of(self, level: str) -> float:
        """The mean for a level; `mixed` (household work in a SIZO) takes minimum's unless set."""
        means = dict(self.mean_years)
        return means.get(level, means["minimum"]) if level == "mixed" else means[level]

    def draw_weeks(self, levels: npt.ArrayLike, rng: np.random.Generator) -> npt.NDArray[np.int64]:
        """Sentence length in whole weeks (at least one) for convicts of the given levels."""
        chosen = pd.Series(np.asarray(levels, dtype=object), dtype=object)
        known = {level: self.mean_of(level) for level in map(str, chosen.unique())}
        means = chosen.map(known).to_numpy(dtype=float)
        mu = np.log(means) - self.spread**2 / 2
        years = np.exp(mu + self.spread * rng.standard_normal(len(chosen)))
        years = np.clip(years, MIN_SENTENCE_YEARS, MAX_SENTENCE_YEARS)
        return np.maximum(np.round(years * WEEKS_PER_YEAR), 1).astype(np.int64)


@dataclass(frozen=True, slots=True)
class Admissions:
    """Yearly admissions and, per dimension, the shares the intake is reweighted to."""

    per_year: float
    shares: tuple[tuple[str, tuple[tuple[str, float], ...]], ...] = ()

    def share_table(self) -> dict[str, dict[str, float]]:
        return {dimension: dict(values) for dimension, values in self.shares}


@dataclass(frozen=True)
class Scenario:
    """A forecast's assumptions, read from a scenario file."""

    name: str
    start: datetime.date
    admissions: Admissions
    sentences: Sentences
    title: str = ""
    description: str = ""
    trend: Trend = field(default_factory=Trend)
    closures: tuple[Closure, ...] = ()
    additions: tuple[Addition, ...] = ()
    reconstructions: tuple[Reconstruction, ...] = ()
    added_facilities: pd.DataFrame | None = field(default=None, compare=False)
    """Validated records of the facilities `additions` open, or None."""
    policy_path: str | None = None
    """The policy file the scenario reforms the network with, relative to the scenario."""
    translations: Mapping[str, str] = field(default_factory=dict, compare=False)
    """The title and description in other languages (`title_ru`, `description_kk`)."""

    def title_in(self, lang: str) -> str:
        """The title in `lang` (the English title where the file gives none)."""
        return in_language(self.translations, "title", self.title or self.name, lang)

    def week_of(self, date: datetime.date) -> int:
        """The forecast week a dated change takes effect in (0 for dates before the start)."""
        return max(0, math.ceil((date - self.start).days / 7))

    def date_of(self, week: int) -> datetime.date:
        return self.start + datetime.timedelta(weeks=week)

    def year_of(self, week: int) -> int:
        """The calendar year a forecast week falls in."""
        return self.date_of(week).year
