"""The min-cost flow kernel: optimal flows, potentials that certify them, and handing out."""

from __future__ import annotations

import numpy as np

from optimizer.allocation.blocks import ClassBlock
from optimizer.allocation.columns import solve_flow
from optimizer.allocation.flow import FlowProblem, disaggregate, hand_out, potentials


def _problem(cost: list[list[int]], counts: list[int], free: list[int]) -> FlowProblem:
    matrix = np.array(cost, dtype=np.int64)
    block = ClassBlock(
        np.arange(len(counts), dtype=np.intp),
        np.arange(len(free), dtype=np.intp),
        matrix,
        matrix.copy(),
    )
    return FlowProblem([block], np.array(counts), np.array(counts), np.array(free), 10**6)


def test_the_flow_fills_the_cheapest_places_and_leaves_the_rest_unplaced() -> None:
    problem = _problem([[10, 50], [20, 30]], counts=[2, 2], free=[2, 1])
    unplaced = solve_flow(problem)
    # Group 1 gives up facility 0 (cheaper for group 0 by more) and takes facility 1.
    assert problem.blocks[0].flow.tolist() == [[2, 0], [0, 1]]
    assert unplaced.tolist() == [0, 1]


def test_potentials_certify_optimality_no_arc_has_negative_reduced_cost() -> None:
    problem = _problem([[10, 50, 70], [20, 30, 5], [60, 10, 40]], [3, 2, 2], [2, 2, 2])
    unplaced = solve_flow(problem)
    found = potentials(problem, unplaced, all_arcs=True)
    assert (np.diag(found.between) == 0).all()
    block = problem.blocks[0]
    # Moving one convict from its facility to another never lowers the cost.
    for group, column in zip(*np.nonzero(block.flow), strict=True):
        detour = block.cost[group] - block.cost[group, column]
        assert (found.between[column, :3] <= detour).all()


def test_flows_are_handed_out_in_input_order_unplaced_last() -> None:
    problem = _problem([[10, 50]], counts=[3], free=[1, 1])
    unplaced = solve_flow(problem)
    assert disaggregate(problem.blocks, unplaced, np.zeros(3, dtype=np.intp)).tolist() == [0, 1, -1]


def test_hand_out_puts_the_marked_pieces_last_within_each_group() -> None:
    group = np.array([0, 0, 1, 1])
    facility = np.array([5, 2, 7, 3])
    amount = np.array([1, 1, 2, 1])
    last = np.array([False, True, False, False])
    facility_of = hand_out(group, facility, amount, np.array([1, 0, 1, 0, 1]), last=last)
    assert facility_of.tolist() == [3, 5, 7, 2, 7]
