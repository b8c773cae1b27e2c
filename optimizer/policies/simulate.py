"""Policies that reshape the penal network, and benchmarks of what they do to placements.

A policy is a small declarative TOML file (see `data/policies/`). It may

- merge security levels (`[[merge]]`): facilities and convicts of the merged levels are
  relabelled to one level, the merged level's *label*. The label must be one of the merged
  levels, so tables stay in the vocabulary; by default it is the lowest of them in the order
  minimum < medium < maximum < extreme < complete < mixed (medium + maximum -> "medium");
- close facilities (`close = [...]`): a closed facility stays in the table with capacity 0, so
  that runs and maps can still name it, and no one is ever placed there;
- change capacity (`[[capacity]]`): capacity *= factor, rounded down, for the facilities
  listed by id or by (original) security level;
- add facilities (`[[add]]`): full facility records of the input contract.

They apply in that order: add, resize, close, merge. Levels named in `[[capacity]]` are
therefore the levels facilities have today. A policy only relabels levels and changes
capacities; who may serve where is still decided by `optimizer.rules` inside
`optimizer.model.solve`, on the convicts' own sex, age, medical need and officer status.

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

Metrics per run: placed and unplaced convicts, share of placed convicts in their home region,
distance from home (mean, median, 90th percentile, maximum, share beyond 1,000 km, total),
escorted rail km from the home region's centre to the facility (`RailNetwork.route_km`),
carriage-days at `KM_PER_CARRIAGE_DAY`, facilities above capacity, utilisation by level.
Intervals are Student-t over seeds.

Co-defendant separation is a pairwise rule solved by an exact integer model that does not
scale to a population; benchmarks clear case ids unless asked to keep them (see
`BenchmarkSettings.separate_co_defendants`).
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
import math
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from optimizer.data import (
    DATA_DIR,
    FACILITY_COLUMNS,
    records_table,
    validate_convicts,
    validate_facilities,
)
from optimizer.domain import (
    DistanceKind,
    InputError,
    Objective,
    Problem,
    SecurityLevel,
    SolveOptions,
)
from optimizer.geo import RailNetwork, distance_source

logger = logging.getLogger(__name__)

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
Progress = Callable[[float, str], None]

KM_PER_CARRIAGE_DAY = 150.0
"""Assumed rail km an escorted convict covers per day, waits in transit included.

No official figure exists. The sources (SOURCES.md, section 6) give two journeys: Aktau to
North Kazakhstan region, about 1,800 km in a straight line and more by rail, in about three
weeks (roughly 100 km a day), and Petropavl to Zarechny, about 1,800 km, in a little over a
week (roughly 225 km a day), and estimate 1-3 weeks door to door for 1,000-2,000 km. 150 km a
day lies in that range; it is an assumption, and a parameter."""

BEYOND_KM = 1000.0
"""The distance beyond which a placement counts as far from home in the metrics."""

CI_LEVEL = 0.95

_LEVEL_ORDER = [level.value for level in SecurityLevel]
_TOP_KEYS = ("name", "title", "description", "close", "merge", "capacity", "add")
_MERGE_KEYS = ("levels", "label")
_CAPACITY_KEYS = ("factor", "levels", "facility_ids")
_FACILITY_KEYS = tuple(column.name for column in FACILITY_COLUMNS)

_TRANSFER_STREAM = 1
_RELEASE_STREAM = 2


# ---------------------------------------------------------------------------------------------
# Policies


@dataclass(frozen=True, slots=True)
class LevelMerge:
    """Security levels served as one; `label` is the merged level's name."""

    levels: tuple[SecurityLevel, ...]
    label: SecurityLevel


@dataclass(frozen=True, slots=True)
class CapacityChange:
    """capacity *= factor, rounded down, for the facilities listed by id or by level."""

    factor: float
    levels: tuple[SecurityLevel, ...] = ()
    facility_ids: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.factor > 0:
            raise ValueError(f"factor must be positive, got {self.factor}")


@dataclass(frozen=True)
class Policy:
    """A reform of the network, read from a policy file."""

    name: str
    title: str = ""
    description: str = ""
    merges: tuple[LevelMerge, ...] = ()
    closures: tuple[str, ...] = ()
    capacity_changes: tuple[CapacityChange, ...] = ()
    additions: pd.DataFrame | None = field(default=None, compare=False)
    """Validated facility records to add, or None."""

    def level_map(self) -> dict[str, str]:
        """Original level -> level under this policy, for the merged levels only."""
        return {level.value: merge.label.value for merge in self.merges for level in merge.levels}

    def apply(
        self, facilities: pd.DataFrame, convicts: pd.DataFrame
    ) -> tuple[pd.DataFrame, pd.DataFrame]:
        """The network and the convicts under this policy; the inputs are left untouched."""
        return self.apply_to_facilities(facilities), self.relabel(convicts)

    def apply_to_facilities(self, facilities: pd.DataFrame) -> pd.DataFrame:
        """Add, close, resize, merge; rows keep their order and additions come last.

        `occupied` is cut down to the new capacity, so the table stays valid for `solve`;
        `capacity_excess` tells how many occupants that leaves without a place.
        """
        table = facilities
        if self.additions is not None and len(self.additions):
            table = pd.concat([table, self.additions], ignore_index=True)
        table = table.copy()
        capacity = table["capacity"].to_numpy(np.int64).copy()
        ids = table["facility_id"].to_numpy()
        original_level = table["security_level"].to_numpy()
        for change in self.capacity_changes:
            chosen = np.isin(ids, change.facility_ids) | np.isin(
                original_level, [level.value for level in change.levels]
            )
            # rounding to 6 decimals first keeps 0.29 * 100 from flooring to 28
            capacity[chosen] = np.floor(np.round(capacity[chosen] * change.factor, 6)).astype(
                np.int64
            )
        capacity[np.isin(ids, self.closures)] = 0
        table["capacity"] = capacity
        table["occupied"] = np.minimum(table["occupied"].to_numpy(np.int64), capacity)
        table["security_level"] = _relabel(table["security_level"], self.level_map())
        return table

    def relabel(self, convicts: pd.DataFrame) -> pd.DataFrame:
        """Convicts with their security level under this policy (merged levels relabelled)."""
        mapping = self.level_map()
        if not mapping:
            return convicts
        return convicts.assign(security_level=_relabel(convicts["security_level"], mapping))

    def is_closed(self, facilities: pd.DataFrame) -> npt.NDArray[np.bool_]:
        """Per row of a network under this policy, whether the policy closes the facility."""
        return np.isin(facilities["facility_id"].to_numpy(), self.closures)


def _relabel(levels: pd.Series, mapping: Mapping[str, str]) -> pd.Series:
    if not mapping:
        return levels
    return levels.map(lambda level: mapping.get(level, level))


def capacity_excess(policy: Policy, facilities: pd.DataFrame) -> IntArray:
    """Per row of the policy's network: today's occupants beyond the new capacity."""
    network = policy.apply_to_facilities(facilities)
    occupied = np.concatenate(
        [
            facilities["occupied"].to_numpy(np.int64),
            network["occupied"].to_numpy(np.int64)[len(facilities) :],
        ]
    )
    return np.asarray(
        np.maximum(occupied - network["capacity"].to_numpy(np.int64), 0), dtype=np.int64
    )


# ---------------------------------------------------------------------------------------------
# Reading policy files


def read_policy(path: Path | str, facilities: pd.DataFrame, regions: pd.DataFrame) -> Policy:
    """Read and validate a policy file against the network it reforms."""
    path = Path(path)
    if not path.is_file():
        raise InputError([Problem(path.name, None, None, f"file not found: {path}")])
    try:
        with path.open("rb") as stream:
            document = tomllib.load(stream)
    except tomllib.TOMLDecodeError as error:
        raise InputError([Problem(path.name, None, None, f"not valid TOML: {error}")]) from None
    except UnicodeDecodeError as error:
        raise InputError([Problem(path.name, None, None, f"not UTF-8 text: {error}")]) from None
    return parse_policy(document, facilities, regions, file=path.name, default_name=path.stem)


def parse_policy(
    document: Mapping[str, Any],
    facilities: pd.DataFrame,
    regions: pd.DataFrame,
    *,
    file: str = "policy",
    default_name: str = "policy",
) -> Policy:
    """Validate a policy given as a mapping (a parsed TOML file or the API's JSON).

    Every problem names the file and the key path (`capacity[0].factor`) in `column`.
    """
    problems: list[Problem] = []

    def problem(key: str | None, message: str) -> None:
        problems.append(Problem(file, None, key, message))

    _unknown_keys(document, _TOP_KEYS, "", problem)
    name = _text(document, "name", default_name, problem)
    if not name:
        problem("name", "is empty; a policy needs a name")
    title = _text(document, "title", name, problem)
    description = _text(document, "description", "", problem)

    additions = _additions(document.get("add", []), facilities, regions, file, problem)
    known_ids = set(facilities["facility_id"])
    if additions is not None:
        known_ids |= set(additions["facility_id"])

    closures = tuple(_facility_ids(document.get("close", []), "close", known_ids, problem))
    merges = _merges(document.get("merge", []), problem)
    changes = _capacity_changes(document.get("capacity", []), known_ids, problem)
    if problems:
        raise InputError(problems)
    return Policy(
        name=name,
        title=title,
        description=description,
        merges=tuple(merges),
        closures=closures,
        capacity_changes=tuple(changes),
        additions=additions,
    )


ProblemSink = Callable[[str | None, str], None]


def _unknown_keys(
    table: Mapping[str, Any], allowed: Sequence[str], prefix: str, problem: ProblemSink
) -> None:
    for key in table:
        if key not in allowed:
            problem(f"{prefix}{key}", f"unknown key; expected one of {', '.join(allowed)}")


def _text(table: Mapping[str, Any], key: str, default: str, problem: ProblemSink) -> str:
    value = table.get(key, default)
    if not isinstance(value, str):
        problem(key, f"must be text, got {value!r}")
        return default
    return value.strip()


def _array_of_tables(value: object, key: str, problem: ProblemSink) -> list[Mapping[str, Any]]:
    if not isinstance(value, list) or not all(isinstance(item, Mapping) for item in value):
        problem(key, f"must be an array of tables ([[{key}]]), got {value!r}")
        return []
    return value


def _string_list(value: object, key: str, problem: ProblemSink) -> list[str] | None:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        problem(key, f"must be a list of text values, got {value!r}")
        return None
    return [item.strip() for item in value]


def _levels(value: object, key: str, problem: ProblemSink) -> list[SecurityLevel]:
    names = _string_list(value, key, problem)
    if names is None:
        return []
    levels = []
    for index, level in enumerate(names):
        if level in _LEVEL_ORDER:
            levels.append(SecurityLevel(level))
        else:
            problem(
                f"{key}[{index}]",
                f"unknown security level {level!r}; expected one of {', '.join(_LEVEL_ORDER)}",
            )
    return levels


def _facility_ids(value: object, key: str, known: set[str], problem: ProblemSink) -> list[str]:
    ids = _string_list(value, key, problem)
    if ids is None:
        return []
    for index, facility_id in enumerate(ids):
        if facility_id not in known:
            problem(f"{key}[{index}]", f"unknown facility id {facility_id!r}")
    return [i for i in ids if i in known]


def _merges(value: object, problem: ProblemSink) -> list[LevelMerge]:
    merges: list[LevelMerge] = []
    merged_in: dict[SecurityLevel, int] = {}
    for index, table in enumerate(_array_of_tables(value, "merge", problem)):
        prefix = f"merge[{index}]."
        _unknown_keys(table, _MERGE_KEYS, prefix, problem)
        if "levels" not in table:
            problem(f"{prefix}levels", "is missing; list the levels to merge")
            continue
        levels = _levels(table["levels"], f"{prefix}levels", problem)
        if len(set(levels)) < 2:
            problem(f"{prefix}levels", "must name at least two different levels")
            continue
        for level in levels:
            if level in merged_in:
                problem(
                    f"{prefix}levels",
                    f"level {level.value!r} is already merged in merge[{merged_in[level]}]",
                )
            merged_in[level] = index
        label = min(levels, key=_LEVEL_ORDER.index)
        if "label" in table:
            given = table["label"]
            if given not in [level.value for level in levels]:
                problem(
                    f"{prefix}label",
                    f"must be one of the merged levels ({', '.join(lv.value for lv in levels)}), "
                    f"got {given!r}",
                )
                continue
            label = SecurityLevel(given)
        merges.append(LevelMerge(tuple(dict.fromkeys(levels)), label))
    return merges


def _capacity_changes(
    value: object, known_ids: set[str], problem: ProblemSink
) -> list[CapacityChange]:
    changes: list[CapacityChange] = []
    for index, table in enumerate(_array_of_tables(value, "capacity", problem)):
        prefix = f"capacity[{index}]."
        _unknown_keys(table, _CAPACITY_KEYS, prefix, problem)
        factor = table.get("factor")
        valid_factor = (
            isinstance(factor, int | float)
            and not isinstance(factor, bool)
            and math.isfinite(factor)
        )
        if factor is None:
            problem(f"{prefix}factor", "is missing; give the capacity factor")
        elif not valid_factor or factor <= 0:
            problem(f"{prefix}factor", f"must be a positive number, got {factor!r}")
        has_levels, has_ids = "levels" in table, "facility_ids" in table
        if has_levels == has_ids:
            problem(prefix.rstrip("."), "give exactly one of levels or facility_ids")
            continue
        levels = _levels(table["levels"], f"{prefix}levels", problem) if has_levels else []
        ids = (
            _facility_ids(table["facility_ids"], f"{prefix}facility_ids", known_ids, problem)
            if has_ids
            else []
        )
        if valid_factor and factor is not None and factor > 0:
            changes.append(CapacityChange(float(factor), tuple(levels), tuple(ids)))
    return changes


def _additions(
    value: object, facilities: pd.DataFrame, regions: pd.DataFrame, file: str, problem: ProblemSink
) -> pd.DataFrame | None:
    records = _array_of_tables(value, "add", problem)
    if not records:
        return None
    for index, record in enumerate(records):
        _unknown_keys(record, _FACILITY_KEYS, f"add[{index}].", problem)
    if any(key not in _FACILITY_KEYS for record in records for key in record):
        return None
    try:
        added = validate_facilities(records_table(records), regions, file=file)
    except InputError as error:
        for p in error.problems:
            where = f"add[{p.row - 1}]" if p.row is not None else "add"
            problem(f"{where}.{p.column}" if p.column else where, p.message)
        return None
    existing = set(facilities["facility_id"])
    for index, facility_id in enumerate(added["facility_id"]):
        if facility_id in existing:
            problem(f"add[{index}].facility_id", f"facility id {facility_id!r} already exists")
    return added


# ---------------------------------------------------------------------------------------------
# Populations


def read_standing_population(
    regions: pd.DataFrame, facilities: pd.DataFrame, path: Path | str | None = None
) -> pd.DataFrame | None:
    """Today's population (one row per placed convict, with `facility_id`), when available.

    Read through `optimizer.population.read_population` from `population.csv` in the data
    folder; None when that module or file is absent, so callers fall back to synthetic cohorts.
    """
    if importlib.util.find_spec("optimizer.population") is None:
        return None
    target = Path(path) if path is not None else DATA_DIR / "population.csv"
    if not target.is_file():
        return None
    module = importlib.import_module("optimizer.population")
    table: pd.DataFrame = module.read_population(target, regions, facilities)
    return table


def cohort_table(size: int, seed: int, regions: pd.DataFrame) -> pd.DataFrame:
    """A validated synthetic batch (`optimizer.cohort.generate_cohort`) of `size` convicts."""
    from optimizer.cohort import generate_cohort

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


# ---------------------------------------------------------------------------------------------
# Runs and their metrics


class Mode(StrEnum):
    STEADY = "steady-state"
    FLOW = "flow"


@dataclass(frozen=True)
class PolicyRun:
    """One policy, one seed, one mode: the placements and what is needed to measure them.

    `convicts` keep their own attributes (levels before relabelling); `facilities` is the
    network under the policy. Unplaced convicts have facility -1 and NaN distances.
    """

    mode: Mode
    policy: str
    seed: int
    convicts: pd.DataFrame
    facilities: pd.DataFrame
    facility_of: npt.NDArray[np.intp]
    distance_km: FloatArray
    rail_km: FloatArray
    week: IntArray
    """Per convict, the week of placement (0 in steady state)."""
    occupancy: IntArray
    """Per facility at the end of the run."""
    before_batch: IntArray = field(default_factory=lambda: np.zeros((0, 0), dtype=np.int64))
    """Flow mode: weeks x facilities, occupancy after the week's releases, before its batch."""
    facts: dict[str, float] = field(default_factory=dict)
    """Mode-specific figures (transfers, over-capacity facilities at the start of a flow run)."""

    def placements(self) -> pd.DataFrame:
        """convict_id, home_region, facility_id, facility_region, distance_km, rail_km, week."""
        placed = self.facility_of >= 0
        row = np.maximum(self.facility_of, 0)
        return pd.DataFrame(
            {
                "convict_id": self.convicts["convict_id"].to_numpy(),
                "home_region": self.convicts["home_region"].to_numpy(),
                "security_level": self.convicts["security_level"].to_numpy(),
                "facility_id": np.where(placed, self.facilities["facility_id"].to_numpy()[row], ""),
                "facility_region": np.where(placed, self.facilities["region"].to_numpy()[row], ""),
                "distance_km": self.distance_km,
                "rail_km": self.rail_km,
                "week": self.week,
            }
        )


def run_metrics(run: PolicyRun, km_per_day: float = KM_PER_CARRIAGE_DAY) -> dict[str, float]:
    """The headline figures of one run; distances over placed convicts only.

    home_share and beyond_1000_share are shares of placed convicts; p90 interpolates linearly.
    """
    placed = run.facility_of >= 0
    km = run.distance_km[placed]
    home = _placed_home(run)
    capacity = run.facilities["capacity"].to_numpy(np.int64)
    metrics: dict[str, float] = {
        "convicts": float(len(run.convicts)),
        "placed": float(placed.sum()),
        "unplaced": float((~placed).sum()),
        "placed_home": float(home.sum()),
        "home_share": float(home.sum() / placed.sum()) if placed.any() else math.nan,
        "mean_km": float(km.mean()) if len(km) else math.nan,
        "median_km": float(np.median(km)) if len(km) else math.nan,
        "p90_km": float(np.percentile(km, 90)) if len(km) else math.nan,
        "max_km": float(km.max()) if len(km) else math.nan,
        "beyond_1000_share": float((km > BEYOND_KM).mean()) if len(km) else math.nan,
        "total_km": float(km.sum()),
        "rail_km": float(run.rail_km[placed].sum()),
        "carriage_days": float(run.rail_km[placed].sum() / km_per_day),
        "overfull_facilities": float((run.occupancy > capacity).sum()),
    }
    metrics.update(run.facts)
    for level, share in utilisation_by_level(run).items():
        metrics[f"utilisation_{level}"] = share
    return metrics


def utilisation_by_level(run: PolicyRun) -> dict[str, float]:
    """Occupancy over capacity per security level of the policy's network (open facilities)."""
    table = pd.DataFrame(
        {
            "level": run.facilities["security_level"].to_numpy(),
            "capacity": run.facilities["capacity"].to_numpy(np.int64),
            "occupancy": run.occupancy,
        }
    )
    totals = (
        table[table["capacity"] > 0].groupby("level", sort=False)[["capacity", "occupancy"]].sum()
    )
    shares = totals["occupancy"] / totals["capacity"]
    return {
        str(level): float(shares[level]) for level in sorted(shares.index, key=_LEVEL_ORDER.index)
    }


def region_metrics(run: PolicyRun, km_per_day: float = KM_PER_CARRIAGE_DAY) -> pd.DataFrame:
    """The headline figures per home region, one row per region with convicts."""
    placed = run.facility_of >= 0
    frame = pd.DataFrame(
        {
            "region": run.convicts["home_region"].to_numpy(),
            "placed": placed,
            "home": _placed_home(run),
            "km": np.where(placed, run.distance_km, np.nan),
            "rail_km": np.where(placed, run.rail_km, 0.0),
        }
    )
    frame["beyond"] = frame["km"] > BEYOND_KM
    grouped = frame.groupby("region", sort=True)
    placed_count = grouped["placed"].sum()
    table = pd.DataFrame(
        {
            "convicts": grouped.size().astype(float),
            "placed": placed_count.astype(float),
            "unplaced": (grouped.size() - placed_count).astype(float),
            "placed_home": grouped["home"].sum().astype(float),
            "home_share": grouped["home"].sum() / placed_count.where(placed_count > 0),
            "mean_km": grouped["km"].mean(),
            "median_km": grouped["km"].median(),
            "p90_km": grouped["km"].quantile(0.9),
            "max_km": grouped["km"].max(),
            "beyond_1000_share": grouped["beyond"].sum() / placed_count.where(placed_count > 0),
            "total_km": grouped["km"].sum(),
            "rail_km": grouped["rail_km"].sum(),
        }
    )
    table["carriage_days"] = table["rail_km"] / km_per_day
    return table.reset_index()


def _placed_home(run: PolicyRun) -> npt.NDArray[np.bool_]:
    placed = run.facility_of >= 0
    region = run.facilities["region"].to_numpy()[np.maximum(run.facility_of, 0)]
    return np.asarray(placed & (region == run.convicts["home_region"].to_numpy()))


# ---------------------------------------------------------------------------------------------
# Running a benchmark


@dataclass(frozen=True, slots=True)
class BenchmarkSettings:
    """How a benchmark runs; every figure of a report can be reproduced from these."""

    seeds: tuple[int, ...] = (0, 1, 2, 3, 4)
    weeks: int = 52
    batch: int = 600
    distance: DistanceKind = DistanceKind.GREAT_CIRCLE
    objective: Objective = Objective.MIN_DISTANCE
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

    @property
    def reference(self) -> str:
        """The policy others are compared with: `baseline` if present, else the first."""
        names = [p.name for p in self.policies]
        return "baseline" if "baseline" in names else names[0]

    def summary(self) -> pd.DataFrame:
        """mode, policy, metric, mean, ci_low, ci_high, seeds: t-intervals over seeds."""
        return summarize_over_seeds(self.metrics, ["mode", "policy"])

    def region_summary(self) -> pd.DataFrame:
        return summarize_over_seeds(self.by_region, ["mode", "policy", "region"])

    def effects(self) -> pd.DataFrame:
        """Each policy against the reference, paired by seed: home share and total distance."""
        return paired_effects(self.metrics, self.reference)


def run_benchmark(
    policies: Sequence[Policy],
    population: pd.DataFrame | None,
    regions: pd.DataFrame,
    facilities: pd.DataFrame,
    seeds: int | Sequence[int] = 5,
    weeks: int = 52,
    *,
    batch: int = 600,
    distance: DistanceKind = DistanceKind.GREAT_CIRCLE,
    objective: Objective = Objective.MIN_DISTANCE,
    modes: Sequence[Mode] = (Mode.STEADY, Mode.FLOW),
    km_per_day: float = KM_PER_CARRIAGE_DAY,
    release_share: float | None = None,
    separate_co_defendants: bool = False,
    time_limit_s: float = 60.0,
    data_dir: Path | None = None,
    progress: Progress | None = None,
) -> BenchmarkResult:
    """Run every policy in every mode over every seed; `progress(fraction, message)` follows it.

    `population` is today's population (validated convicts, with `facility_id` for flow-mode
    transfers) or None, in which case steady state allocates synthetic cohorts of today's size.
    The same seed gives the same cohorts to every policy, so differences are paired.
    """
    names = [p.name for p in policies]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if not policies or duplicates:
        message = (
            "no policy given"
            if not policies
            else f"policy names must differ: {', '.join(duplicates)}"
        )
        raise InputError([Problem("policies", None, "name", message)])
    settings = BenchmarkSettings(
        seeds=tuple(range(seeds)) if isinstance(seeds, int) else tuple(seeds),
        weeks=weeks,
        batch=batch,
        distance=distance,
        objective=objective,
        modes=tuple(modes),
        km_per_day=km_per_day,
        release_share=release_share,
        separate_co_defendants=separate_co_defendants,
        time_limit_s=time_limit_s,
    )
    options = SolveOptions(objective=objective, distance=distance, time_limit_s=time_limit_s)
    rail = distance_source(DistanceKind.RAIL, data_dir)
    assert isinstance(rail, RailNetwork)
    occupied_total = int(facilities["occupied"].sum())
    share = release_share if release_share is not None else min(1.0, batch / max(occupied_total, 1))
    bench = _Bench(settings, options, regions, facilities, rail, population, share)

    steps = len(settings.modes) * len(policies) * len(settings.seeds)
    done = 0
    runs: list[PolicyRun] = []
    for mode in settings.modes:
        for seed in settings.seeds:
            for policy in policies:
                label = f"{mode.value}: {policy.name}, seed {seed}"

                def report(part: float, label: str = label, done: int = done) -> None:
                    if progress is not None:
                        progress((done + part) / steps, label)

                report(0.0)
                runs.append(
                    bench.steady(policy, seed)
                    if mode is Mode.STEADY
                    else bench.flow(policy, seed, report)
                )
                done += 1
    if progress is not None:
        progress(1.0, "done")

    metrics, by_region = _metric_tables(runs, km_per_day)
    source = "population file" if population is not None else "synthetic cohorts (optimizer.cohort)"
    return BenchmarkResult(
        settings=settings,
        policies=tuple(policies),
        regions=regions,
        population_source=source,
        release_share=share,
        runs=tuple(runs),
        metrics=metrics,
        by_region=by_region,
        current_home_share=current_home_share(population, facilities),
    )


def current_home_share(population: pd.DataFrame | None, facilities: pd.DataFrame) -> float | None:
    """Share of today's population that serves in its home region (None without the facts)."""
    if population is None or "facility_id" not in population.columns or population.empty:
        return None
    region = population["facility_id"].map(facilities.set_index("facility_id")["region"])
    return float((region == population["home_region"]).mean())


@dataclass
class _Bench:
    settings: BenchmarkSettings
    options: SolveOptions
    regions: pd.DataFrame
    facilities: pd.DataFrame
    rail: RailNetwork
    population: pd.DataFrame | None
    release_share: float
    _steady_cache: dict[int, pd.DataFrame] = field(default_factory=dict)
    _week_cache: dict[tuple[int, int], pd.DataFrame] = field(default_factory=dict)

    def prepared(self, convicts: pd.DataFrame) -> pd.DataFrame:
        """Convicts in the contract's columns; case ids cleared unless co-defendants are kept."""
        from optimizer.data import CONVICT_COLUMNS

        columns = [c.name for c in CONVICT_COLUMNS] + ["age_category"]
        table = convicts.loc[:, [c for c in columns if c in convicts.columns]]
        return table if self.settings.separate_co_defendants else table.assign(case_id="")

    def steady_population(self, seed: int) -> pd.DataFrame:
        """Seed 0 is today's population; other seeds draw from it with replacement (bootstrap).

        Without a population, every seed is a synthetic cohort of today's total occupancy.
        """
        if seed not in self._steady_cache:
            if self.population is not None:
                table = bootstrap(self.population, seed)
            else:
                table = cohort_table(int(self.facilities["occupied"].sum()), seed, self.regions)
            self._steady_cache[seed] = self.prepared(table)
        return self._steady_cache[seed]

    def week_batch(self, seed: int, week: int) -> pd.DataFrame:
        key = (seed, week)
        if key not in self._week_cache:
            batch = cohort_table(self.settings.batch, week_seed(seed, week), self.regions)
            ids = f"W{week + 1:02d}-" + batch["convict_id"]
            self._week_cache[key] = self.prepared(batch.assign(convict_id=ids))
        return self._week_cache[key]

    def solve(
        self, policy: Policy, convicts: pd.DataFrame, network: pd.DataFrame
    ) -> tuple[npt.NDArray[np.intp], FloatArray]:
        from optimizer.allocation import solve

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
        convicts = self.steady_population(seed)
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
        occupancy = np.concatenate(
            [
                self.facilities["occupied"].to_numpy(np.int64),
                network["occupied"].to_numpy(np.int64)[len(self.facilities) :],
            ]
        )
        excess = np.maximum(occupancy - capacity, 0)
        facts = {
            "release_share": self.release_share,
            "over_capacity_at_start": float((excess > 0).sum()),
            "excess_at_start": float(excess.sum()),
            "transferred": 0.0,
            "transfer_rail_km": 0.0,
        }
        if excess.any() and self.population is not None:
            occupancy = self.transfer_excess(policy, seed, network, occupancy, excess, facts)

        convicts_parts, facility_parts, km_parts, week_parts, before = [], [], [], [], []
        for week in range(self.settings.weeks):
            if report is not None and week:
                report(week / self.settings.weeks)
            rng = np.random.default_rng((seed, week, _RELEASE_STREAM))
            occupancy = occupancy - rng.binomial(occupancy, self.release_share)
            before.append(occupancy)
            batch = self.week_batch(seed, week)
            current = network.assign(occupied=np.minimum(occupancy, capacity))
            facility_of, distance_km = self.solve(policy, batch, current)
            occupancy = occupancy + np.bincount(
                facility_of[facility_of >= 0], minlength=len(network)
            )
            convicts_parts.append(batch)
            facility_parts.append(facility_of)
            km_parts.append(distance_km)
            week_parts.append(np.full(len(batch), week + 1, dtype=np.int64))

        facts["over_capacity_at_end"] = float((occupancy > capacity).sum())
        facts["excess_at_end"] = float(np.maximum(occupancy - capacity, 0).sum())
        if not convicts_parts:
            convicts_parts.append(self.week_batch(seed, 0).iloc[:0])
        convicts = pd.concat(convicts_parts, ignore_index=True)
        facility_of = (
            np.concatenate(facility_parts) if facility_parts else np.zeros(0, dtype=np.intp)
        )
        return PolicyRun(
            mode=Mode.FLOW,
            policy=policy.name,
            seed=seed,
            convicts=convicts,
            facilities=network,
            facility_of=facility_of.astype(np.intp),
            distance_km=np.concatenate(km_parts) if km_parts else np.zeros(0),
            rail_km=self.escorted_rail_km(convicts, network, facility_of),
            week=np.concatenate(week_parts) if week_parts else np.zeros(0, dtype=np.int64),
            occupancy=occupancy,
            before_batch=np.asarray(before, dtype=np.int64).reshape(len(before), len(network)),
            facts=facts,
        )

    def transfer_excess(
        self,
        policy: Policy,
        seed: int,
        network: pd.DataFrame,
        occupancy: IntArray,
        excess: IntArray,
        facts: dict[str, float],
    ) -> IntArray:
        """Move today's occupants beyond new capacities to facilities with room (week 0)."""
        assert self.population is not None
        if "facility_id" not in self.population.columns:
            return occupancy
        rng = np.random.default_rng((seed, _TRANSFER_STREAM))
        where = self.population["facility_id"].to_numpy()
        ids = network["facility_id"].to_numpy()
        chosen: list[npt.NDArray[np.intp]] = []
        source: list[IntArray] = []
        for row in np.flatnonzero(excess):
            residents = np.flatnonzero(where == ids[row])
            take = min(int(excess[row]), len(residents))
            chosen.append(np.sort(rng.choice(residents, size=take, replace=False)).astype(np.intp))
            source.append(np.full(take, row, dtype=np.int64))
        movers = np.concatenate(chosen) if chosen else np.zeros(0, dtype=np.intp)
        if len(movers) == 0:
            return occupancy
        convicts = self.prepared(self.population.iloc[movers].reset_index(drop=True))
        origin = np.concatenate(source)
        capacity = network["capacity"].to_numpy(np.int64)
        current = network.assign(occupied=np.minimum(occupancy, capacity))
        facility_of, _ = self.solve(policy, convicts, current)
        moved = facility_of >= 0
        occupancy = occupancy - np.bincount(origin[moved], minlength=len(network))
        occupancy = occupancy + np.bincount(facility_of[moved], minlength=len(network))
        facts["transferred"] = float(moved.sum())
        facts["transfer_rail_km"] = float(
            self.escorted_rail_km(convicts, network, facility_of).sum()
        )
        return occupancy


def _metric_tables(
    runs: Sequence[PolicyRun], km_per_day: float
) -> tuple[pd.DataFrame, pd.DataFrame]:
    rows, regional = [], []
    for run in runs:
        key = {"mode": run.mode.value, "policy": run.policy, "seed": run.seed}
        rows.append(key | run_metrics(run, km_per_day))
        regional.append(region_metrics(run, km_per_day).assign(**key))
    metrics = pd.DataFrame(rows)
    by_region = pd.concat(regional, ignore_index=True)
    by_region = by_region.loc[
        :, ["mode", "policy", "seed"] + [c for c in by_region.columns if c not in key]
    ]
    return metrics, by_region


# ---------------------------------------------------------------------------------------------
# Intervals over seeds


def t_interval(values: npt.ArrayLike, level: float = CI_LEVEL) -> tuple[float, float, float]:
    """Mean and two-sided t-interval over seeds; NaN bounds for a single seed."""
    from scipy import stats

    data = np.asarray(values, dtype=float)
    data = data[~np.isnan(data)]
    if len(data) == 0:
        return math.nan, math.nan, math.nan
    mean = float(data.mean())
    if len(data) < 2:
        return mean, math.nan, math.nan
    half = float(
        stats.t.ppf(0.5 + level / 2, len(data) - 1) * data.std(ddof=1) / math.sqrt(len(data))
    )
    return mean, mean - half, mean + half


def summarize_over_seeds(table: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """keys..., metric, mean, ci_low, ci_high, seeds: one row per key and metric."""
    metric_columns = [c for c in table.columns if c not in [*keys, "seed"]]
    long = table.melt(id_vars=[*keys, "seed"], value_vars=metric_columns, var_name="metric")
    records = []
    for group_key, group in long.groupby([*keys, "metric"], sort=False):
        mean, low, high = t_interval(group["value"].to_numpy(float))
        records.append((*group_key, mean, low, high, int(group["value"].notna().sum())))
    return pd.DataFrame.from_records(
        records, columns=[*keys, "metric", "mean", "ci_low", "ci_high", "seeds"]
    )


EFFECT_METRICS = (
    "home_share",
    "total_km",
    "mean_km",
    "rail_km",
    "carriage_days",
    "unplaced",
    "beyond_1000_share",
)


def paired_effects(metrics: pd.DataFrame, reference: str) -> pd.DataFrame:
    """mode, policy, metric, reference, value, change, change_ci_low, change_ci_high, relative.

    Differences are paired by seed (the same cohorts under both policies), so their intervals
    are narrower than the difference of two intervals.
    """
    records = []
    for mode, frame in metrics.groupby("mode", sort=False):
        base = frame[frame["policy"] == reference].set_index("seed")
        for policy, other in frame.groupby("policy", sort=False):
            if policy == reference:
                continue
            other = other.set_index("seed")
            common = base.index.intersection(other.index)
            for metric in EFFECT_METRICS:
                if metric not in other.columns:
                    continue
                before = base.loc[common, metric].to_numpy(float)
                after = other.loc[common, metric].to_numpy(float)
                change, low, high = t_interval(after - before)
                reference_mean = float(np.nanmean(before)) if len(before) else math.nan
                records.append(
                    (
                        mode,
                        policy,
                        metric,
                        reference_mean,
                        float(np.nanmean(after)) if len(after) else math.nan,
                        change,
                        low,
                        high,
                        change / reference_mean if reference_mean else math.nan,
                    )
                )
    columns = [
        "mode",
        "policy",
        "metric",
        "reference",
        "value",
        "change",
        "change_ci_low",
        "change_ci_high",
        "relative",
    ]
    return pd.DataFrame.from_records(records, columns=columns)
