"""The optimal flow over all eligible arcs, by the method that suits the instance's size.

Small instances take every eligible arc at once. Mid-sized ones start from each group's few
nearest facilities (at coarse prices) and add arcs with a negative reduced cost until none is
left (column generation). The largest settle the clear choices by facility prices and prove the
result with the certificate (`prices.py`). Every method ends with potentials under which no
eligible arc has a negative reduced cost.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np

from optimizer.allocation.blocks import IntArray
from optimizer.allocation.certificate import Certificate
from optimizer.allocation.flow import (
    FlowProblem,
    Potentials,
    group_potentials,
    min_cost_flow,
    potentials,
)
from optimizer.allocation.prices import coarse_prices, solve_by_prices
from optimizer.domain import SolverError

logger = logging.getLogger(__name__)

NEAREST_ARCS = 4
"""Arcs per group in the first round of column generation on large instances."""

FULL_ARCS_LIMIT = 400_000
"""Below this many eligible arcs, the model takes them all at once."""

PRICE_ARCS_LIMIT = 2_000_000
"""Above this many eligible arcs, the price method replaces column generation."""

MAX_ROUNDS = 1000
"""Column generation rounds before giving up (it converges in a handful)."""


@dataclass(frozen=True)
class OptimalFlow:
    """The flow's unplaced convicts per group (the flows are in the blocks) and its proof."""

    unplaced: IntArray
    potentials: Potentials | None
    """Over all eligible arcs, when the method computed them anyway (else None)."""
    certificate: Certificate | None
    """The bulk reduced-cost check, when the method relied on it."""


def solve_flow(problem: FlowProblem) -> IntArray:
    """The optimal flow over all eligible arcs; leaves flows in the blocks, returns unplaced."""
    return optimal_flow(problem).unplaced


def optimal_flow(problem: FlowProblem) -> OptimalFlow:
    """The optimal flow over all eligible arcs, by size: all arcs, columns, or prices."""
    n_arcs = sum(b.cost.size for b in problem.blocks)
    if n_arcs > PRICE_ARCS_LIMIT:
        priced = solve_by_prices(problem)
        logger.info(
            "price method: %d rounds, %d of %d groups in the flow",
            priced.rounds,
            priced.groups_in_flow,
            len(problem.counts),
        )
        return OptimalFlow(priced.unplaced, None, priced.certificate)
    return generate_columns(problem, start_near=n_arcs > FULL_ARCS_LIMIT)


def generate_columns(problem: FlowProblem, *, start_near: bool) -> OptimalFlow:
    """Column generation over the blocks: all arcs at once, or each group's nearest at first."""
    prices = coarse_prices(problem).facility if start_near else None
    for block in problem.blocks:
        if prices is None or block.cost.shape[1] <= NEAREST_ARCS:
            block.in_model[:] = True
        else:
            priced = block.cost - prices[block.facilities][None, :]
            nearest = np.argpartition(priced, NEAREST_ARCS - 1, axis=1)[:, :NEAREST_ARCS]
            np.put_along_axis(block.in_model, nearest, True, axis=1)
    for round_number in range(1, MAX_ROUNDS):
        unplaced = min_cost_flow(problem)
        facility_potentials = potentials(problem, unplaced, all_arcs=False)
        group_potential = group_potentials(problem, unplaced, facility_potentials)
        added = 0
        for block in problem.blocks:
            reduced = (
                block.cost
                + group_potential[block.groups][:, None]
                - facility_potentials.facility[block.facilities][None, :]
            )
            entering = (reduced < 0) & ~block.in_model
            added += int(entering.sum())
            block.in_model |= entering
        logger.debug("column generation round %d: %d arcs entered", round_number, added)
        if added == 0:
            every_arc = all(bool(b.in_model.all()) for b in problem.blocks)
            return OptimalFlow(unplaced, facility_potentials if every_arc else None, None)
    raise SolverError("column generation did not converge")
