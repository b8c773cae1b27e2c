"""The bulk reduced-cost certificate: it accepts an optimal flow at its potentials and rejects
wrong prices and non-optimal flows."""

from __future__ import annotations

import numpy as np

from optimizer.allocation.certificate import certify, entering_arcs
from optimizer.allocation.columns import solve_flow
from optimizer.allocation.flow import potentials
from tests.optimizer.allocation.test_flow import _problem


def _solved() -> tuple[object, np.ndarray, np.ndarray, float]:
    problem = _problem([[10, 50, 70], [20, 30, 5], [60, 10, 40]], [3, 2, 2], [2, 2, 2])
    unplaced = solve_flow(problem)
    found = potentials(problem, unplaced, all_arcs=True)
    return problem, unplaced, found.facility, found.sink


def test_an_optimal_flow_is_proven_at_its_potentials() -> None:
    problem, unplaced, facility, sink = _solved()
    certificate = certify(problem, unplaced, facility, sink)  # type: ignore[arg-type]
    assert certificate.proven and certificate.worst_violation == 0.0
    assert certificate.arcs_checked == 9 + 3 + 3


def test_a_wrong_price_vector_is_rejected() -> None:
    problem, unplaced, facility, sink = _solved()
    wrong = facility.copy()
    wrong[1] -= 1_000  # facility 1 priced far too high: someone should leave it
    certificate = certify(problem, unplaced, wrong, sink)  # type: ignore[arg-type]
    assert not certificate.proven and certificate.worst_violation > 0
    zero = certify(problem, unplaced, np.zeros_like(facility), 0.0)  # type: ignore[arg-type]
    assert not zero.proven


def test_a_worse_flow_is_rejected_and_the_better_arc_named() -> None:
    problem, unplaced, facility, sink = _solved()
    block = problem.blocks[0]  # type: ignore[attr-defined]
    before = block.flow.copy()
    block.flow[1] = [0, 2, 0]  # group 1 moved from facility 2 (cost 5) to facility 1 (cost 30)
    block.flow[2] = [0, 0, 2]
    certificate = certify(problem, unplaced, facility, sink)  # type: ignore[arg-type]
    assert not certificate.proven
    entering = entering_arcs(problem, unplaced, facility, sink)  # type: ignore[arg-type]
    assert entering.count > 0
    block.flow[:] = before


def test_an_infeasible_flow_is_rejected() -> None:
    problem, unplaced, facility, sink = _solved()
    certificate = certify(problem, unplaced + 1, facility, sink)  # type: ignore[arg-type]
    assert not certificate.proven and not certificate.feasible
