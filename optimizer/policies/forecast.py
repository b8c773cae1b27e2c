"""Forecasts over years: the network week by week under a scenario (and a policy).

Every week, in this order: the dated changes of that week take effect (closures, new builds,
single-cell reconstruction); those whose sentence ends are released; occupants beyond a
facility's new capacity are moved by the engine to facilities with free places (those who fit
nowhere stay and are counted as held beyond capacity); then the week's intake is allocated by
one `solve` against that week's occupancy, so no placement ever exceeds a free place. Each
admitted convict's release week follows the sentence drawn for them; lifers stay.

Today's population (`population.csv`, which says where everyone serves) is the start. Its
remaining terms are not recorded anywhere: each occupant gets a sentence drawn like an
admission's and a uniformly drawn share of it still to serve (an assumption, stated in the
report). Every random step is drawn from the run's seed, so one seed reproduces a forecast.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import pandas as pd

from optimizer.allocation import solve
from optimizer.domain import SolveOptions
from optimizer.policies.intake import IntakeDraws
from optimizer.policies.policy import Policy
from optimizer.policies.scenario import MAX_YEARS, WEEKS_PER_YEAR, Scenario
from optimizer.policies.schedule import capacity_schedule, forecast_network

IntArray = npt.NDArray[np.int64]
NEVER = np.iinfo(np.int64).max // 2
"""The release week of a lifer: after any forecast."""

_STANDING_STREAM = 11
_MOVE_STREAM = 12

WeekProgress = Callable[[int, int], None]
"""Takes the weeks done and the weeks in all."""


@dataclass(frozen=True)
class ForecastInputs:
    """Today's network and population, the start of every forecast."""

    regions: pd.DataFrame
    facilities: pd.DataFrame
    population: pd.DataFrame
    """Validated convicts with the `facility_id` each serves in."""


@dataclass(frozen=True)
class Forecast:
    """One scenario under one policy and one seed, week by week.

    Matrices are weeks x facilities of `network` (the policy's network plus the scenario's
    new builds, in that order).
    """

    scenario: Scenario
    policy: str
    seed: int
    network: pd.DataFrame
    capacity: IntArray
    """Places in force each week."""
    occupancy: IntArray
    """Occupants at the end of each week (after releases, moves and the intake)."""
    releases: IntArray
    """Occupants released each week."""
    admissions: pd.DataFrame
    """One row per admitted convict: week, the convict's own attributes (levels before any
    merger), facility (row of `network`, -1 unplaced), distance_km (NaN unplaced),
    sentence_weeks (-1 for life)."""
    moved: IntArray
    """Per week, occupants moved because their facility closed or lost places."""
    held_beyond: IntArray
    """Per week, occupants beyond capacity who fit in no other facility."""
    reform: Policy | None = field(default=None, compare=False, repr=False)
    """The policy forecast under (its titles in each language), None for today's network."""
    regions: pd.DataFrame | None = field(default=None, compare=False, repr=False)
    """The regions table (names in each language), for the report."""

    @property
    def weeks(self) -> int:
        return int(self.capacity.shape[0])

    def years(self) -> IntArray:
        """The calendar year of each week."""
        return np.array([self.scenario.year_of(w) for w in range(self.weeks)], dtype=np.int64)


def run_forecast(
    scenario: Scenario,
    policy: Policy | None,
    inputs: ForecastInputs,
    *,
    years: int,
    seed: int,
    options: SolveOptions | None = None,
    progress: WeekProgress | None = None,
) -> Forecast:
    """Simulate `years` years of weekly allocations; see the module's text for the order."""
    if not 1 <= years <= MAX_YEARS:
        raise ValueError(f"years must be within 1..{MAX_YEARS}, got {years}")
    weeks = round(years * WEEKS_PER_YEAR)
    reform = policy if policy is not None else Policy(name="today")
    network, original_levels = forecast_network(scenario, reform, inputs.facilities)
    capacity = capacity_schedule(scenario, network, original_levels, weeks)
    state = _State.start(scenario, reform, inputs, network, weeks, seed)
    draws = IntakeDraws(scenario, inputs.regions, seed)
    engine = options or SolveOptions()
    admitted: list[pd.DataFrame] = []
    occupancy = np.zeros((weeks, len(network)), dtype=np.int64)
    moved = np.zeros(weeks, dtype=np.int64)
    held = np.zeros(weeks, dtype=np.int64)
    for week in range(weeks):
        state.occupancy -= state.releases[week]
        if (state.occupancy > capacity[week]).any():
            moved[week], held[week] = state.move_excess(week, capacity[week], engine)
        intake = draws.week(week)
        admitted.append(state.admit(week, intake, capacity[week], engine))
        occupancy[week] = state.occupancy
        if progress is not None:
            progress(week + 1, weeks)
    return Forecast(
        scenario=scenario,
        policy=reform.name,
        reform=policy,
        regions=inputs.regions,
        seed=seed,
        network=network,
        capacity=capacity,
        occupancy=occupancy,
        releases=state.releases[:weeks].copy(),
        admissions=pd.concat(admitted, ignore_index=True),
        moved=moved,
        held_beyond=held,
    )


class _State:
    """Who serves where and when each occupant leaves: the ledger of a running forecast."""

    def __init__(
        self,
        scenario: Scenario,
        policy: Policy,
        network: pd.DataFrame,
        people: pd.DataFrame,
        facility: npt.NDArray[np.intp],
        release: IntArray,
        weeks: int,
        seed: int,
    ) -> None:
        self.scenario, self.policy, self.network, self.seed = scenario, policy, network, seed
        self.people, self.facility, self.release = people, facility, release
        self.releases = np.zeros((weeks + 1, len(network)), dtype=np.int64)
        due = release < weeks
        np.add.at(self.releases, (release[due], facility[due]), 1)
        self.occupancy = np.bincount(facility, minlength=len(network)).astype(np.int64)
        self.weeks = weeks
        self._pending: list[tuple[pd.DataFrame, npt.NDArray[np.intp], IntArray]] = []

    @classmethod
    def start(
        cls,
        scenario: Scenario,
        policy: Policy,
        inputs: ForecastInputs,
        network: pd.DataFrame,
        weeks: int,
        seed: int,
    ) -> _State:
        """Today's population where it serves, each with a drawn remaining term."""
        population = inputs.population
        rows = pd.Index(network["facility_id"]).get_indexer(population["facility_id"])
        if (rows < 0).any():
            missing = population["facility_id"][rows < 0].iloc[0]
            raise ValueError(f"the population names a facility not in the network: {missing}")
        rng = np.random.default_rng((seed, _STANDING_STREAM))
        sentence = scenario.sentences.draw_weeks(population["security_level"].to_numpy(), rng)
        remaining = np.ceil(rng.random(len(population)) * sentence).astype(np.int64)
        life = population["life_sentence"].to_numpy(bool)
        release = np.where(life, NEVER, remaining)
        people = population.reset_index(drop=True).assign(case_id="")
        return cls(scenario, policy, network, people, rows.astype(np.intp), release, weeks, seed)

    def _ledger(self) -> None:
        """Fold the admissions since the last fold into the ledger."""
        if not self._pending:
            return
        frames, facilities, releases = zip(*self._pending, strict=True)
        self.people = pd.concat([self.people, *frames], ignore_index=True)
        self.facility = np.concatenate([self.facility, *facilities])
        self.release = np.concatenate([self.release, *releases])
        self._pending.clear()

    def _network_now(self, capacity: IntArray) -> pd.DataFrame:
        return self.network.assign(capacity=capacity, occupied=np.minimum(self.occupancy, capacity))

    def admit(
        self, week: int, intake: pd.DataFrame, capacity: IntArray, options: SolveOptions
    ) -> pd.DataFrame:
        """Place the week's intake against the free places; returns its admission records."""
        rng = np.random.default_rng((self.seed, week, _STANDING_STREAM + 100))
        sentence = self.scenario.sentences.draw_weeks(intake["security_level"].to_numpy(), rng)
        life = intake["life_sentence"].to_numpy(bool)
        if len(intake):
            solution = solve(self.policy.relabel(intake), self._network_now(capacity), options)
            facility = solution.facility_of
            distance_m = np.asarray(solution.distance_m, dtype=np.float64)
        else:
            facility, distance_m = np.zeros(0, dtype=np.intp), np.zeros(0, dtype=np.float64)
        placed = facility >= 0
        release = np.where(life, NEVER, week + sentence)
        self.occupancy += np.bincount(facility[placed], minlength=len(self.network))
        due = placed & (release < self.weeks)
        np.add.at(self.releases, (release[due], facility[due]), 1)
        self._pending.append(
            (intake[placed].reset_index(drop=True), facility[placed], release[placed])
        )
        return _admission_records(week, intake, facility, distance_m, sentence, life)

    def move_excess(self, week: int, capacity: IntArray, options: SolveOptions) -> tuple[int, int]:
        """Move occupants beyond capacity to free places; returns (moved, held beyond)."""
        self._ledger()
        rng = np.random.default_rng((self.seed, week, _MOVE_STREAM))
        excess = np.maximum(self.occupancy - capacity, 0)
        present = self.release > week
        chosen = []
        for row in np.flatnonzero(excess):
            residents = np.flatnonzero(present & (self.facility == row))
            take = min(int(excess[row]), len(residents))
            chosen.append(rng.choice(residents, size=take, replace=False))
        movers = np.sort(np.concatenate(chosen)).astype(np.intp)
        self.occupancy -= np.bincount(self.facility[movers], minlength=len(self.network))
        convicts = self.policy.relabel(self.people.iloc[movers].reset_index(drop=True))
        solution = solve(convicts, self._network_now(capacity), options)
        target = np.where(solution.facility_of >= 0, solution.facility_of, self.facility[movers])
        due = self.release[movers] < self.weeks
        np.add.at(self.releases, (self.release[movers][due], self.facility[movers][due]), -1)
        np.add.at(self.releases, (self.release[movers][due], target[due]), 1)
        self.facility[movers] = target
        self.occupancy += np.bincount(target, minlength=len(self.network))
        moved = int((solution.facility_of >= 0).sum())
        return moved, len(movers) - moved


_ADMISSION_COLUMNS = (
    "convict_id",
    "sex",
    "age_category",
    "security_level",
    "criminal_history",
    "home_region",
)


def _admission_records(
    week: int,
    intake: pd.DataFrame,
    facility: npt.NDArray[np.intp],
    distance_m: npt.NDArray[np.float64],
    sentence: IntArray,
    life: npt.NDArray[np.bool_],
) -> pd.DataFrame:
    placed = facility >= 0
    records = intake.loc[:, list(_ADMISSION_COLUMNS)].reset_index(drop=True)
    return records.assign(
        week=np.full(len(intake), week, dtype=np.int64),
        facility=facility.astype(np.int64),
        distance_km=np.where(placed, np.asarray(distance_m, dtype=float) / 1000.0, np.nan),
        sentence_weeks=np.where(life, -1, sentence),
    )
