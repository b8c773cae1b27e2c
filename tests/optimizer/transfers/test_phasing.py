"""The phased plan: weeks within the escort seats, each week lawful at its end, fewest weeks."""

from __future__ import annotations

import numpy as np
import pandas as pd

from optimizer.transfers.limits import CampaignLimits
from optimizer.transfers.phasing import lower_bound, phase_campaign, schedule_greedily
from optimizer.transfers.phasing_model import MoveItems, schedule_exactly
from optimizer.transfers.placed import Placed
from optimizer.transfers.summary import check_plan
from tests.helpers import convict, facility
from tests.optimizer.transfers.worlds import full, random_world, world


def plan_for(
    population: pd.DataFrame, facilities: pd.DataFrame, moves: dict[str, str], seats: dict
) -> tuple[Placed, np.ndarray, np.ndarray, CampaignLimits]:
    placed = Placed.build(population, facilities)
    row = {cid: i for i, cid in enumerate(population["convict_id"])}
    column = {fid: j for j, fid in enumerate(facilities["facility_id"])}
    movers = np.array([row[c] for c in moves], dtype=np.intp)
    to = np.array([column[f] for f in moves.values()], dtype=np.intp)
    return placed, movers, to, CampaignLimits(escort_seats=seats)


def cycle_world() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Three full facilities, two in Astana and one in Shymkent, one convict in each."""
    return world(
        [full("FA", "KZ-71"), full("FB", "KZ-71"), full("FC", "KZ-79")],
        [(convict("A"), "FA"), (convict("B"), "FB"), (convict("C"), "FC")],
    )


def test_seats_spread_the_moves_over_the_fewest_weeks() -> None:
    """Three leave Astana with one seat a week: three weeks, the lower bound, proven."""
    population, facilities = world(
        [facility("FA", "KZ-71", capacity=3), facility("FS", "KZ-79", capacity=3)],
        [(convict(c), "FA") for c in "ABC"],
    )
    case = plan_for(population, facilities, {"A": "FS", "B": "FS", "C": "FS"}, {"KZ-71": 1})
    plan = phase_campaign(*case)
    assert plan.week_of.tolist() == [1, 2, 3], "earliest request first"
    assert (plan.weeks, plan.lower_bound, plan.proven_minimal) == (3, 3, True)
    check_plan(*case[:3], plan.week_of, case[3])


def test_a_move_into_a_full_facility_waits_for_the_move_out_of_it() -> None:
    """B leaves the full FS for Karaganda only in week 2 (one seat a week in Shymkent); A, who
    takes B's place, cannot arrive before."""
    population, facilities = world(
        [
            facility("FA", "KZ-71", capacity=3),
            full("FS", "KZ-79"),
            facility("FK", "KZ-35", capacity=2),
        ],
        [(convict("X"), "FS"), (convict("A"), "FA"), (convict("B"), "FK")],
    )
    population.loc[population["convict_id"] == "X", "facility_id"] = "FS"
    case = plan_for(population, facilities, {"X": "FK", "A": "FS"}, {"KZ-71": 1, "KZ-79": 1})
    plan = phase_campaign(*case)
    assert plan.weeks == 1 and plan.week_of.tolist() == [1, 1]
    case = plan_for(population, facilities, {"A": "FS", "X": "FK"}, {"KZ-71": 1, "KZ-79": 1})
    plan = phase_campaign(*case)
    assert plan.week_of.tolist() == [1, 1], "the chain goes in one week when seats allow"


def test_an_exchange_among_full_facilities_goes_in_one_week() -> None:
    population, facilities = cycle_world()
    moves = {"A": "FB", "B": "FC", "C": "FA"}
    case = plan_for(population, facilities, moves, {"KZ-71": 2, "KZ-79": 1})
    plan = phase_campaign(*case)
    assert plan.week_of.tolist() == [1, 1, 1] and plan.proven_minimal


def test_an_exchange_larger_than_a_weeks_seats_is_left_out_and_said_so() -> None:
    """Two of the cycle leave Astana, which has one seat a week: no week can carry it."""
    population, facilities = cycle_world()
    moves = {"A": "FB", "B": "FC", "C": "FA"}
    case = plan_for(population, facilities, moves, {"KZ-71": 1, "KZ-79": 1})
    plan = phase_campaign(*case, time_limit_s=5)
    assert plan.unphased == 3 and not plan.proven_minimal


def test_without_a_seats_table_the_whole_campaign_is_one_week() -> None:
    population, facilities = cycle_world()
    case = plan_for(population, facilities, {"A": "FB", "B": "FC", "C": "FA"}, {})
    plan = phase_campaign(*case)
    assert (plan.weeks, plan.lower_bound) == (1, 1)


def test_the_exact_schedule_never_needs_more_weeks_than_the_greedy_one() -> None:
    """Random worlds, random moves to facilities with the same class, seats 1-2: both
    schedules lawful, the exact one proven and no longer than the greedy one."""
    rng = np.random.default_rng(15)
    checked = 0
    for _ in range(100):
        population, facilities = random_world(rng, 14, 5)
        if len(population) < 4:
            continue
        placed = Placed.build(population, facilities)
        movers = rng.permutation(len(population))[: len(population) // 2].astype(np.intp)
        options = [np.flatnonzero(placed.allowed[placed.class_of[i]]) for i in movers]
        to = np.array([rng.choice(o) for o in options], dtype=np.intp)
        keep = to != placed.current[movers]
        movers, to = movers[keep], to[keep]
        seats = {r: int(rng.integers(1, 3)) for r in set(facilities["region"])}
        limits = CampaignLimits(escort_seats=seats)
        items = MoveItems.of(placed, movers, to, limits)
        greedy = schedule_greedily(items)
        exact = schedule_exactly(items, lower_bound(items), len(movers), 10)
        if exact is None or not len(movers):
            continue
        week_of, proven = exact
        assert proven and week_of.max() >= lower_bound(items)
        check_plan(placed, movers, to, week_of, limits)
        if (greedy > 0).all():
            check_plan(placed, movers, to, greedy, limits)
            assert week_of.max() <= greedy.max()
        checked += 1
    assert checked >= 10
