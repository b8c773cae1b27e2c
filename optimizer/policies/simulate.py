"""Benchmarks of what policies do to placements: the steady-state and weekly-flow runs.

Two benchmark modes compare policies:

- steady state: the whole standing population allocated from scratch (every facility empty).
  Seed 0 is today's population (data/population.csv through `optimizer.population`); other
  seeds draw as many convicts from it with replacement (bootstrap). Without a population file,
  each seed is a synthetic cohort (`optimizer.cohort`) of today's total occupancy.
- flow: weekly batches of new convicts (synthetic cohorts seeded by run seed and week, the
  same for every policy) placed against current occupancy, starting from today's. Before
  each batch, every facility releases a binomial share of its occupants; the default share is
  batch / today's total occupancy, so releases balance admissions and the population stays
  roughly stable (600 a week over 32,000 occupants: 1.9% a week, a mean stay of about 53
  weeks). Today's occupants beyond a facility's new capacity are moved in week 0 when the
  population file names them; otherwise they stay and the facility takes no one new until
  releases bring it under its capacity.

Co-defendant separation is a pairwise rule solved by an exact integer model that does not
scale to a population; benchmarks clear case ids unless asked to keep them (see
`BenchmarkSettings.separate_co_defendants`). What is measured: `optimizer.policies.metrics`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Unpack

import numpy as np
import numpy.typing as npt
import pandas as pd

from optimizer.allocation import solve
from optimizer.domain import DistanceKind, InputError, Problem
from optimizer.geo import RailNetwork, distance_source
from optimizer.policies.benchmark import BenchmarkKeywords, BenchmarkResult, BenchmarkSettings
from optimizer.policies.metrics import (
    KM_PER_CARRIAGE_DAY,
    current_home_share,
    metric_tables,
    paired_effects,
)
from optimizer.policies.parse import read_policy
from optimizer.policies.policy import Policy, todays_occupancy
from optimizer.policies.populations import ConvictDraws, read_standing_population
from optimizer.policies.runs import Mode, PolicyRun

# Besides its own names, this module still offers those its callers imported from it before
# the package was split (benchmarks/policies.py); new code imports from `optimizer.policies`.
__all__ = [
    "KM_PER_CARRIAGE_DAY",
    "BenchmarkResult",
    "BenchmarkSettings",
    "Mode",
    "PolicyRun",
    "Progress",
    "Simulation",
    "paired_effects",
    "read_policy",
    "read_standing_population",
    "run_benchmark",
]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
Progress = Callable[[float, str], None]
"""Takes the fraction done and a label of the step under way."""

_TRANSFER_STREAM = 1
_RELEASE_STREAM = 2


def run_benchmark(
    policies: Sequence[Policy],
    population: pd.DataFrame | None,
    regions: pd.DataFrame,
    facilities: pd.DataFrame,
    settings: BenchmarkSettings | None = None,
    *,
    data_dir: Path | None = None,
    progress: Progress | None = None,
    **keywords: Unpack[BenchmarkKeywords],
) -> BenchmarkResult:
    """Run every policy in every mode over every seed; `progress(fraction, message)` follows it.

    `population` is today's population (validated convicts, with `facility_id` for flow-mode
    transfers) or None, in which case steady state allocates synthetic cohorts of today's size.
    The same seed gives the same cohorts to every policy, so differences are paired.

    Give `settings`; the keywords of `BenchmarkSettings` (`seeds=5, weeks=52, ...`) are still
    taken instead, for callers written before the settings were one value.
    """
    _check_names(policies)
    if settings is None:
        settings = BenchmarkSettings.from_keywords(**keywords)
    elif keywords:
        raise TypeError(f"give settings or keywords, not both: {', '.join(keywords)}")
    rail = distance_source(DistanceKind.RAIL, data_dir)
    assert isinstance(rail, RailNetwork)
    simulation = Simulation(settings, regions, facilities, rail, population)
    runs = _run_all(simulation, policies, progress)
    metrics, by_region = metric_tables(runs, settings.km_per_day)
    source = "population file" if population is not None else "synthetic cohorts (optimizer.cohort)"
    return BenchmarkResult(
        settings=settings,
        policies=tuple(policies),
        regions=regions,
        population_source=source,
        release_share=simulation.release_share,
        runs=tuple(runs),
        metrics=metrics,
        by_region=by_region,
        current_home_share=current_home_share(population, facilities),
    )


def _check_names(policies: Sequence[Policy]) -> None:
    """At least one policy, and no two with the same name (runs are keyed by name)."""
    names = [p.name for p in policies]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if not policies:
        raise InputError([Problem("policies", None, "name", "no policy given")])
    if duplicates:
        message = f"policy names must differ: {', '.join(duplicates)}"
        raise InputError([Problem("policies", None, "name", message)])


def _run_all(
    simulation: Simulation, policies: Sequence[Policy], progress: Progress | None
) -> list[PolicyRun]:
    """Modes, then seeds, then policies; one progress step per run."""
    settings = simulation.settings
    plan = [
        (mode, seed, policy)
        for mode in settings.modes
        for seed in settings.seeds
        for policy in policies
    ]
    runs: list[PolicyRun] = []
    for done, (mode, seed, policy) in enumerate(plan):
        report = _step_progress(
            progress, done, len(plan), f"{mode.value}: {policy.name}, seed {seed}"
        )
        report(0.0)
        if mode is Mode.STEADY:
            runs.append(simulation.steady(policy, seed))
        else:
            runs.append(simulation.flow(policy, seed, report))
    if progress is not None:
        progress(1.0, "done")
    return runs


def _step_progress(
    progress: Progress | None, done: int, steps: int, label: str
) -> Callable[[float], None]:
    """Progress within one run (0..1) as progress of the whole benchmark."""

    def report(part: float) -> None:
        if progress is not None:
            progress((done + part) / steps, label)

    return report


@dataclass(frozen=True)
class _Weeks:
    """The weekly batches of a flow run, placed, and the occupancy they leave."""

    convicts: pd.DataFrame
    facility_of: npt.NDArray[np.intp]
    distance_km: FloatArray
    week: IntArray
    occupancy: IntArray
    before_batch: IntArray


class Simulation:
    """The runs of one benchmark: every policy meets the same convicts (`ConvictDraws`)."""

    def __init__(
        self,
        settings: BenchmarkSettings,
        regions: pd.DataFrame,
        facilities: pd.DataFrame,
        rail: RailNetwork,
        population: pd.DataFrame | None,
    ) -> None:
        self.settings = settings
        self.options = settings.solve_options()
        self.regions = regions
        self.facilities = facilities
        self.rail = rail
        self.population = population
        self.release_share = settings.weekly_release_share(facilities)
        self.draws = ConvictDraws(
            regions,
            today_total=int(facilities["occupied"].sum()),
            population=population,
            batch=settings.batch,
            keep_case_ids=settings.separate_co_defendants,
        )

    def solve(
        self, policy: Policy, convicts: pd.DataFrame, network: pd.DataFrame
    ) -> tuple[npt.NDArray[np.intp], FloatArray]:
        """Per convict, the facility row (-1 unplaced) and the distance in km (NaN unplaced)."""
        solution = solve(policy.relabel(convicts), network, self.options)
        placed = solution.facility_of >= 0
        return solution.facility_of, np.where(placed, solution.distance_m / 1000.0, np.nan)

    def escorted_rail_km(
        self, convicts: pd.DataFrame, network: pd.DataFrame, facility_of: npt.NDArray[np.intp]
    ) -> FloatArray:
        """Rail km from the home region's centre (its SIZO) to the facility; 0 when unplaced."""
        placed = facility_of >= 0
        km = np.zeros(len(convicts))
        if not placed.any():
            return km
        centres = self.regions.set_index("region")
        home = convicts["home_region"].to_numpy()[placed]
        rows = facility_of[placed]
        km[placed] = self.rail.route_km(
            centres.loc[home, "lat"].to_numpy(float),
            centres.loc[home, "lon"].to_numpy(float),
            network["lat"].to_numpy(float)[rows],
            network["lon"].to_numpy(float)[rows],
        )
        return km

    def steady(self, policy: Policy, seed: int) -> PolicyRun:
        """The whole population allocated from scratch: every facility empty."""
        convicts = self.draws.steady_population(seed)
        network = policy.apply_to_facilities(self.facilities).assign(occupied=0)
        facility_of, distance_km = self.solve(policy, convicts, network)
        occupancy = np.bincount(facility_of[facility_of >= 0], minlength=len(network)).astype(
            np.int64
        )
        return PolicyRun(
            mode=Mode.STEADY,
            policy=policy.name,
            seed=seed,
            convicts=convicts,
            facilities=network,
            facility_of=facility_of,
            distance_km=distance_km,
            rail_km=self.escorted_rail_km(convicts, network, facility_of),
            week=np.zeros(len(convicts), dtype=np.int64),
            occupancy=occupancy,
        )

    def flow(
        self, policy: Policy, seed: int, report: Callable[[float], None] | None = None
    ) -> PolicyRun:
        """A year of weekly batches against current occupancy, with releases.

        Today's occupants beyond a facility's new capacity (a closure, a capacity cut) are
        transferred in week 0 when the population file names them; those that fit nowhere, or
        all of them without a population file, stay where they are and the facility takes no
        one new until releases bring it under its capacity.
        """
        network = policy.apply_to_facilities(self.facilities)
        capacity = network["capacity"].to_numpy(np.int64)
        occupancy, facts = self.start_flow(policy, seed, network)
        weeks = self.weekly_batches(policy, seed, network, occupancy, report)
        facts["over_capacity_at_end"] = float((weeks.occupancy > capacity).sum())
        facts["excess_at_end"] = float(np.maximum(weeks.occupancy - capacity, 0).sum())
        return PolicyRun(
            mode=Mode.FLOW,
            policy=policy.name,
            seed=seed,
            convicts=weeks.convicts,
            facilities=network,
            facility_of=weeks.facility_of,
            distance_km=weeks.distance_km,
            rail_km=self.escorted_rail_km(weeks.convicts, network, weeks.facility_of),
            week=weeks.week,
            occupancy=weeks.occupancy,
            before_batch=weeks.before_batch,
            facts=facts,
        )

    def start_flow(
        self, policy: Policy, seed: int, network: pd.DataFrame
    ) -> tuple[IntArray, dict[str, float]]:
        """Occupancy in week 0, after any transfers, and the facts of the start."""
        occupancy = todays_occupancy(self.facilities, network)
        excess = np.maximum(occupancy - network["capacity"].to_numpy(np.int64), 0)
        facts = {
            "release_share": self.release_share,
            "over_capacity_at_start": float((excess > 0).sum()),
            "excess_at_start": float(excess.sum()),
            "transferred": 0.0,
            "transfer_rail_km": 0.0,
        }
        if excess.any() and self.population is not None:
            occupancy, transferred, rail_km = self.transfer_excess(
                policy, seed, self.population, network, occupancy, excess
            )
            facts["transferred"], facts["transfer_rail_km"] = transferred, rail_km
        return occupancy, facts

    def weekly_batches(
        self,
        policy: Policy,
        seed: int,
        network: pd.DataFrame,
        occupancy: IntArray,
        report: Callable[[float], None] | None,
    ) -> _Weeks:
        """Each week: releases, then the week's batch placed against the remaining places."""
        weeks = self.settings.weeks
        capacity = network["capacity"].to_numpy(np.int64)
        convicts_parts, facility_parts, km_parts, week_parts, before = [], [], [], [], []
        for week in range(weeks):
            if report is not None and week:
                report(week / weeks)
            rng = np.random.default_rng((seed, week, _RELEASE_STREAM))
            occupancy = occupancy - rng.binomial(occupancy, self.release_share)
            before.append(occupancy)
            batch = self.draws.week_batch(seed, week)
            current = network.assign(occupied=np.minimum(occupancy, capacity))
            facility_of, distance_km = self.solve(policy, batch, current)
            occupancy = occupancy + np.bincount(
                facility_of[facility_of >= 0], minlength=len(network)
            )
            convicts_parts.append(batch)
            facility_parts.append(facility_of)
            km_parts.append(distance_km)
            week_parts.append(np.full(len(batch), week + 1, dtype=np.int64))
        if not convicts_parts:
            convicts_parts.append(self.draws.week_batch(seed, 0).iloc[:0])
        return _Weeks(
            convicts=pd.concat(convicts_parts, ignore_index=True),
            facility_of=_joined(facility_parts, np.intp),
            distance_km=_joined(km_parts, np.float64),
            week=_joined(week_parts, np.int64),
            occupancy=occupancy,
            before_batch=np.asarray(before, dtype=np.int64).reshape(len(before), len(network)),
        )

    def transfer_excess(
        self,
        policy: Policy,
        seed: int,
        population: pd.DataFrame,
        network: pd.DataFrame,
        occupancy: IntArray,
        excess: IntArray,
    ) -> tuple[IntArray, float, float]:
        """Move today's occupants beyond new capacities to facilities with room (week 0).

        Returns the occupancy after the moves, the number moved and their escorted rail km.
        """
        if "facility_id" not in population.columns:
            return occupancy, 0.0, 0.0
        rng = np.random.default_rng((seed, _TRANSFER_STREAM))
        movers, origin = _movers(population, network, excess, rng)
        if len(movers) == 0:
            return occupancy, 0.0, 0.0
        convicts = self.draws.prepared(population.iloc[movers].reset_index(drop=True))
        capacity = network["capacity"].to_numpy(np.int64)
        current = network.assign(occupied=np.minimum(occupancy, capacity))
        facility_of, _ = self.solve(policy, convicts, current)
        moved = facility_of >= 0
        occupancy = occupancy - np.bincount(origin[moved], minlength=len(network))
        occupancy = occupancy + np.bincount(facility_of[moved], minlength=len(network))
        rail_km = float(self.escorted_rail_km(convicts, network, facility_of).sum())
        return occupancy, float(moved.sum()), rail_km


def _movers(
    population: pd.DataFrame, network: pd.DataFrame, excess: IntArray, rng: np.random.Generator
) -> tuple[npt.NDArray[np.intp], IntArray]:
    """Population rows drawn to leave each facility over capacity, and their facility rows."""
    where = population["facility_id"].to_numpy()
    ids = network["facility_id"].to_numpy()
    chosen: list[npt.NDArray[np.intp]] = []
    source: list[IntArray] = []
    for row in np.flatnonzero(excess):
        residents = np.flatnonzero(where == ids[row])
        take = min(int(excess[row]), len(residents))
        chosen.append(np.sort(rng.choice(residents, size=take, replace=False)).astype(np.intp))
        source.append(np.full(take, row, dtype=np.int64))
    if not chosen:
        return np.zeros(0, dtype=np.intp), np.zeros(0, dtype=np.int64)
    return np.concatenate(chosen), np.concatenate(source)


def _joined(parts: Sequence[npt.NDArray[Any]], dtype: type[np.generic]) -> npt.NDArray[Any]:
    """The parts end to end; an empty array of `dtype` when there are none."""
    return np.concatenate(parts).astype(dtype) if parts else np.zeros(0, dtype=dtype)
