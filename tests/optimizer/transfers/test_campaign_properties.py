"""Properties of every campaign on random worlds, every limit on (hypothesis): the naive PuLP
model's lexicographic optimum in all three tiers, no move it does not need, and a phased plan
lawful at every week's end within the weekly escort seats."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from optimizer.transfers import CampaignResult, optimise_transfers
from optimizer.transfers.limits import CampaignLimits
from optimizer.transfers.reference import optimise_transfers_reference
from tests.helpers import regions_table
from tests.optimizer.transfers.worlds import metres, random_world

REGIONS = regions_table()["region"].tolist()


@st.composite
def campaigns(draw: st.DrawFn) -> tuple[pd.DataFrame, pd.DataFrame, CampaignLimits, np.ndarray]:
    """A random placed world, who asked, and a random combination of every limit."""
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    population, facilities = random_world(rng, draw(st.integers(6, 22)), draw(st.integers(3, 8)))
    movable = np.array(
        draw(st.lists(st.booleans(), min_size=len(population), max_size=len(population))),
        dtype=bool,
    )
    limits = CampaignLimits(
        min_saved_km=draw(st.sampled_from([0.0, 50.0, 150.0])),
        escort_seats={r: draw(st.integers(0, 3)) for r in REGIONS},
        max_moves=draw(st.none() | st.integers(0, 6)),
        max_weeks=draw(st.none() | st.integers(1, 3)),
    )
    return population, facilities, limits, movable


def solve(
    population: pd.DataFrame, facilities: pd.DataFrame, limits: CampaignLimits, movable: np.ndarray
) -> CampaignResult:
    asking = population["convict_id"][movable]
    table = pd.DataFrame({"convict_id": asking, "basis": "request", "received": "2026-11-01"})
    return optimise_transfers(
        population, facilities, regions_table(), limits=limits, requests=table
    )


def tiers(
    population: pd.DataFrame, facilities: pd.DataFrame, facility_of: np.ndarray
) -> tuple[int, int, int]:
    """(at home, -total metres from home, -moves): larger is better, compared in order."""
    current = (
        population["facility_id"]
        .map({fid: j for j, fid in enumerate(facilities["facility_id"])})
        .to_numpy()
    )
    home = facilities["region"].to_numpy()[facility_of] == population["home_region"].to_numpy()
    distance = metres(population, facilities)[np.arange(len(population)), facility_of]
    return int(home.sum()), -int(distance.sum()), -int((facility_of != current).sum())


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=campaigns())
def test_the_campaign_is_the_naive_models_lexicographic_optimum(case: tuple) -> None:
    """Most at home, then least distance, then fewest moves: equal to the per-convict PuLP
    model in all three tiers, with every limit on."""
    population, facilities, limits, movable = case
    if population.empty:
        return
    result = solve(population, facilities, limits, movable)
    reference = optimise_transfers_reference(
        population, facilities, limits=limits, movable=movable.tolist()
    )
    assert result.optimal and reference.optimal
    assert tiers(population, facilities, result.facility_of) == tiers(
        population, facilities, np.array(reference.facility_of)
    )


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=campaigns())
def test_no_move_is_unneeded_and_every_week_is_lawful(case: tuple) -> None:
    """Undoing any single move loses a convict at home or km saved, unless the result would be
    unlawful (its place is taken by another's move); every phased week ends within capacity and
    within the escort seats of each region."""
    population, facilities, limits, movable = case
    if population.empty:
        return
    result = solve(population, facilities, limits, movable)
    row = {cid: i for i, cid in enumerate(population["convict_id"])}
    best = tiers(population, facilities, result.facility_of)
    limit = np.maximum(facilities["capacity"].to_numpy(), facilities["occupied"].to_numpy())
    for move in result.moves.itertuples(index=False):
        undone = result.facility_of.copy()
        undone[row[move.convict_id]] = facilities.index[
            facilities["facility_id"] == move.from_facility
        ][0]
        lawful = (np.bincount(undone, minlength=len(facilities)) <= limit).all() and not (
            cases_together(population, undone) > cases_together(population, result.facility_of)
        )
        if lawful:
            assert tiers(population, facilities, undone)[:2] < best[:2], move.convict_id
        assert move.saved_km * 1000 >= limits.min_saved_m - 1
    assert_weeks_lawful(population, facilities, limits, result)


def cases_together(population: pd.DataFrame, facility_of: np.ndarray) -> int:
    """How many convicts share a facility with a co-defendant placed before them."""
    in_case = (population["case_id"] != "").to_numpy()
    keyed = pd.DataFrame({"case": population["case_id"][in_case], "at": facility_of[in_case]})
    return int(keyed.duplicated().sum())


def assert_weeks_lawful(
    population: pd.DataFrame,
    facilities: pd.DataFrame,
    limits: CampaignLimits,
    result: CampaignResult,
) -> None:
    where = population["facility_id"].to_numpy().copy()
    row = {cid: i for i, cid in enumerate(population["convict_id"])}
    limit = dict(
        zip(
            facilities["facility_id"],
            np.maximum(facilities["capacity"], facilities["occupied"]),
            strict=True,
        )
    )
    assert result.plan.unphased == 0 or result.plan.weeks >= result.plan.lower_bound
    for week in range(1, result.plan.weeks + 1):
        moves = result.moves[result.moves["week"] == week]
        for region, leaving in moves["from_region"].value_counts().items():
            assert leaving <= limits.seats(str(region))
        for move in moves.itertuples(index=False):
            where[row[move.convict_id]] = move.to_facility
        counts = pd.Series(where).value_counts()
        assert all(counts[f] <= limit[f] for f in counts.index), f"week {week} over capacity"
    if result.moved:
        assert result.plan.weeks >= result.plan.lower_bound >= 1
