"""Swaps that make room in a full target: exchanges, cycles and chains, all lawful."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from optimizer.geo import GreatCircle
from optimizer.rules import convict_classes, eligibility
from optimizer.transfers import Reason, SwapKind, Verdict, render_evaluation
from optimizer.transfers.placed import Placed
from optimizer.transfers.swaps import MAX_SWAPS, find_swaps
from tests.helpers import convict, facility
from tests.optimizer.transfers.worlds import BALKHASH, full, metres, random_world, review, world


def test_a_pairwise_exchange_makes_room_when_the_home_facility_is_full() -> None:
    population, facilities = world(
        [full("FA", "KZ-71"), full("FS", "KZ-79")],
        [(convict("A", "KZ-79"), "FA"), (convict("B", "KZ-71"), "FS")],
    )
    e = review(population, facilities)
    assert e.lawful and e.recommendation is Verdict.GRANT_WITH_SWAP and e.facility_id == "FS"
    assert e.reasons == (Reason.SWAP_AVAILABLE, Reason.SWAP_NEEDS_CONSENT)
    swap = e.swaps[0]
    assert swap.kind is SwapKind.CYCLE and swap.people == 2
    assert [(m.convict_id, m.from_facility, m.to_facility) for m in swap.moves] == [
        ("A", "FA", "FS"),
        ("B", "FS", "FA"),
    ]
    assert all(m.change_km == pytest.approx(-997, abs=1) for m in swap.moves)


def test_a_three_person_cycle_when_no_pair_can_exchange() -> None:
    population, facilities = world(
        [full("FA", "KZ-71"), full("FS", "KZ-79"), full("FL", "KZ-75")],
        [
            (convict("A", "KZ-79"), "FA"),
            (convict("B", "KZ-75"), "FS"),
            (convict("C", "KZ-35"), "FL"),
        ],
    )
    e = review(population, facilities)
    assert e.recommendation is Verdict.GRANT_WITH_SWAP
    assert len(e.swaps) == 1
    swap = e.swaps[0]
    assert swap.kind is SwapKind.CYCLE
    assert [(m.convict_id, m.to_facility) for m in swap.moves] == [
        ("A", "FS"),
        ("B", "FL"),
        ("C", "FA"),
    ]
    assert [round(m.change_km) for m in swap.moves] == [-997, -607, -591]


def four_cycle_world() -> tuple[pd.DataFrame, pd.DataFrame]:
    return world(
        [full("FA", "KZ-71"), full("FS", "KZ-79"), full("FL", "KZ-75"), full("FK", "KZ-35")],
        [
            (convict("A", "KZ-79"), "FA"),
            (convict("B", "KZ-75"), "FS"),
            (convict("C", **BALKHASH), "FL"),
            (convict("D", "KZ-71"), "FK"),
        ],
    )


def test_a_four_person_cycle_is_found_and_shorter_limits_find_none() -> None:
    population, facilities = four_cycle_world()
    e = review(population, facilities)
    assert [(m.convict_id, m.to_facility) for m in e.swaps[0].moves] == [
        ("A", "FS"),
        ("B", "FL"),
        ("C", "FK"),
        ("D", "FA"),
    ]
    assert len(e.swaps) == 1
    shorter = review(population, facilities, max_swap_people=3)
    assert shorter.swaps == () and shorter.recommendation is Verdict.DENY
    assert shorter.reasons == (Reason.FULL_NO_SWAP,)
    assert "3 people" in render_evaluation(shorter, "en")


def test_a_chain_into_a_free_place_elsewhere() -> None:
    population, facilities = world(
        [full("FA", "KZ-71"), full("FS", "KZ-79"), facility("FL", "KZ-75", capacity=2)],
        [
            (convict("A", "KZ-79"), "FA"),
            (convict("B", "KZ-75"), "FS"),
            (convict("L", "KZ-75"), "FL"),
        ],
    )
    e = review(population, facilities)
    assert [(s.kind, s.people) for s in e.swaps] == [(SwapKind.CHAIN, 2)]
    assert [(m.convict_id, m.to_facility) for m in e.swaps[0].moves] == [("A", "FS"), ("B", "FL")]


def test_full_with_no_swap_is_denied_and_says_where_there_is_room() -> None:
    population, facilities = world(
        [full("FA", "KZ-71"), full("FS", "KZ-79"), facility("FL", "KZ-75", capacity=2)],
        [(convict("A", "KZ-79"), "FA"), (convict("B", "KZ-79"), "FS")],
    )
    e = review(population, facilities)
    assert e.lawful and e.swaps == ()
    assert e.recommendation is Verdict.DENY
    assert e.reasons == (Reason.FULL_NO_SWAP, Reason.CLOSER_FACILITY_AVAILABLE)
    assert [a.facility_id for a in e.alternatives] == ["FS", "FL"]


def test_a_swap_never_takes_a_co_defendant_to_another() -> None:
    population, facilities = world(
        [full("FA", "KZ-71"), full("FS", "KZ-79"), facility("FX", "KZ-71", capacity=2)],
        [
            (convict("A", "KZ-79"), "FA"),
            (convict("B", "KZ-71", case_id="K1"), "FS"),
            (convict("X", "KZ-71", case_id="K1"), "FX"),
        ],
    )
    e = review(population, facilities)
    assert [(m.convict_id, m.to_facility) for s in e.swaps for m in s.moves[1:]] == [("B", "FA")]


def test_every_swap_found_is_lawful_within_capacity_and_moves_nobody_else_farther() -> None:
    rng = np.random.default_rng(7)
    checked = 0
    for _ in range(100):
        if checked >= WANTED_SWAPS:
            break
        population, facilities = random_world(rng, 30, 8)
        if population.empty:
            continue
        row = {fid: j for j, fid in enumerate(facilities["facility_id"])}
        classes, class_of = convict_classes(population)
        allowed = eligibility(classes, facilities)
        distance = metres(population, facilities)
        index = {cid: i for i, cid in enumerate(population["convict_id"])}
        for cid in population["convict_id"]:
            e = review(population, facilities, cid)
            for swap in e.swaps:
                checked += 1
                where = population["facility_id"].map(row).to_numpy().copy()
                for k, move in enumerate(swap.moves):
                    i = index[move.convict_id]
                    assert where[i] == row[move.from_facility]
                    where[i] = row[move.to_facility]
                    assert allowed[class_of[i], where[i]]
                    if k > 0:
                        assert distance[i, where[i]] <= distance[i, row[move.from_facility]]
                assert (
                    np.bincount(where, minlength=len(facilities)) <= facilities["capacity"]
                ).all()
                in_case = (population["case_id"] != "").to_numpy()
                pairs = pd.DataFrame({"case": population["case_id"][in_case], "at": where[in_case]})
                assert not pairs.duplicated().any()
                assert facilities["region"].to_numpy()[where[index[cid]]] == e.target_region
    assert checked >= WANTED_SWAPS


WANTED_SWAPS = 20
"""Swaps checked by the property test: random worlds are drawn until this many are found."""


def test_find_swaps_keeps_the_limit_and_finds_nothing_without_a_willing_mover() -> None:
    population, facilities = four_cycle_world()
    placed = Placed.build(population, facilities)
    source = GreatCircle()
    metres_a = placed.metres(source, np.array([0]))[0]
    target = np.array([1], dtype=np.intp)
    assert [s.people for s in find_swaps(placed, source, 0, metres_a, target)] == [4]
    assert find_swaps(placed, source, 0, metres_a, target, max_people=3) == []
    assert find_swaps(placed, source, 0, metres_a, target, limit=0) == []
    assert MAX_SWAPS >= 1
