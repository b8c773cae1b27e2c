"""What a policy benchmark is: the settings it runs with and the result it gives."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypedDict, Unpack

import pandas as pd

from optimizer.domain import DistanceKind, Objective, SolveOptions
from optimizer.policies.metrics import KM_PER_CARRIAGE_DAY, paired_effects, summarize_over_seeds
from optimizer.policies.policy import Policy
from optimizer.policies.runs import Mode, PolicyRun
from optimizer.policies.uncertainty import Uncertainty


class BenchmarkKeywords(TypedDict, total=False):
    """`BenchmarkSettings` given as keywords; `seeds` may be a count (seeds 0..n-1)."""

    seeds: int | Sequence[int]
    weeks: int
    batch: int
    distance: DistanceKind
    objective: Objective
    modes: Sequence[Mode]
    km_per_day: float
    release_share: float | None
    separate_co_defendants: bool
    time_limit_s: float


@dataclass(frozen=True, slots=True)
class BenchmarkSettings:
    """How a benchmark runs; every figure of a report can be reproduced from these."""

    seeds: tuple[int, ...] = (0, 1, 2, 3, 4)
    weeks: int = 52
    batch: int = 600
    distance: DistanceKind = DistanceKind.GREAT_CIRCLE
    objective: Objective = Objective.HOME_FIRST
    modes: tuple[Mode, ...] = (Mode.STEADY, Mode.FLOW)
    km_per_day: float = KM_PER_CARRIAGE_DAY
    release_share: float | None = None
    """Share of occupants released each week in flow mode; None: batch / today's occupancy,
    so that releases balance admissions and the population stays roughly stable."""
    separate_co_defendants: bool = False
    """Keep case ids, so co-defendants are kept apart by the exact model (slow at scale)."""
    time_limit_s: float = 60.0

    def __post_init__(self) -> None:
        if not self.seeds:
            raise ValueError("at least one seed is needed")
        if self.weeks < 0 or self.batch < 1:
            raise ValueError(
                f"weeks must be >= 0 and batch >= 1, got {self.weeks} and {self.batch}"
            )
        if self.km_per_day <= 0:
            raise ValueError(f"km_per_day must be positive, got {self.km_per_day}")
        if self.release_share is not None and not 0 <= self.release_share <= 1:
            raise ValueError(f"release_share must be within 0..1, got {self.release_share}")

    @classmethod
    def from_keywords(cls, **keywords: Unpack[BenchmarkKeywords]) -> BenchmarkSettings:
        """Settings from keywords, the defaults for those not given."""
        unknown = sorted(set(keywords) - set(BenchmarkKeywords.__annotations__))
        if unknown:
            raise TypeError(f"unknown benchmark settings: {', '.join(unknown)}")
        default = cls()
        seeds = keywords.get("seeds", len(default.seeds))
        return cls(
            seeds=tuple(range(seeds)) if isinstance(seeds, int) else tuple(seeds),
            weeks=keywords.get("weeks", default.weeks),
            batch=keywords.get("batch", default.batch),
            distance=keywords.get("distance", default.distance),
            objective=keywords.get("objective", default.objective),
            modes=tuple(keywords.get("modes", default.modes)),
            km_per_day=keywords.get("km_per_day", default.km_per_day),
            release_share=keywords.get("release_share", default.release_share),
            separate_co_defendants=keywords.get(
                "separate_co_defendants", default.separate_co_defendants
            ),
            time_limit_s=keywords.get("time_limit_s", default.time_limit_s),
        )

    def solve_options(self) -> SolveOptions:
        """The engine's options for every allocation of the benchmark."""
        return SolveOptions(
            objective=self.objective, distance=self.distance, time_limit_s=self.time_limit_s
        )

    def weekly_release_share(self, facilities: pd.DataFrame) -> float:
        """The release share given, or the one that balances the weekly batch (at most 1)."""
        if self.release_share is not None:
            return self.release_share
        return min(1.0, self.batch / max(int(facilities["occupied"].sum()), 1))


@dataclass(frozen=True)
class BenchmarkResult:
    """Every run of a benchmark and the tables a report is made of."""

    settings: BenchmarkSettings
    policies: tuple[Policy, ...]
    regions: pd.DataFrame
    population_source: str
    release_share: float
    runs: tuple[PolicyRun, ...]
    metrics: pd.DataFrame
    """One row per (mode, policy, seed), one column per metric."""
    by_region: pd.DataFrame
    """One row per (mode, policy, seed, region)."""
    current_home_share: float | None = None
    """Share of today's population serving in its home region, when the population file says
    where everyone serves."""
    uncertainty: Uncertainty | None = None
    """The bootstrap over today's population and the sensitivity to estimated capacities,
    when measured (`optimizer.policies.uncertainty`)."""

    @property
    def reference(self) -> str:
        """The policy others are compared with: `baseline` if present, else the first."""
        names = [p.name for p in self.policies]
        return "baseline" if "baseline" in names else names[0]

    def summary(self) -> pd.DataFrame:
        """mode, policy, metric, mean, ci_low, ci_high, seeds: t-intervals over seeds."""
        return summarize_over_seeds(self.metrics, ["mode", "policy"])

    def region_summary(self) -> pd.DataFrame:
        """As `summary`, with one row per home region as well."""
        return summarize_over_seeds(self.by_region, ["mode", "policy", "region"])

    def effects(self) -> pd.DataFrame:
        """Each policy against the reference, paired by seed: home share and total distance."""
        return paired_effects(self.metrics, self.reference)
