"""The price method: settled groups, a small flow, and the certificate; same optimum as the
column generation and the naive PuLP model."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from optimizer.allocation import case_flow, columns, prices, solve
from optimizer.allocation.reference import solve_reference
from optimizer.domain import Objective, SolveOptions
from tests.helpers import random_instance
from tests.optimizer.allocation.test_flow import _problem
from tests.optimizer.allocation.test_solve import assert_hard_rules


@pytest.fixture(scope="module")
def prices_always() -> Iterator[None]:
    patch = pytest.MonkeyPatch()
    patch.setattr(columns, "PRICE_ARCS_LIMIT", -1)
    # co-defendants as at a million: the relaxation by prices, then the repair when they meet
    patch.setattr(case_flow, "CASE_FLOW_ARC_LIMIT", -1)
    yield None
    patch.undo()


def test_the_price_method_finds_the_flow_the_full_model_finds() -> None:
    cost = [[10, 50, 70], [20, 30, 5], [60, 10, 40], [15, 16, 90]]
    by_prices = _problem(cost, [3, 2, 2, 4], [3, 3, 2])
    full = _problem(cost, [3, 2, 2, 4], [3, 3, 2])
    priced = prices.solve_by_prices(by_prices)
    unplaced = columns.generate_columns(full, start_near=False).unplaced
    assert priced.certificate.proven
    weighted = [
        int((p.blocks[0].flow * p.blocks[0].cost).sum()) + int(u.sum()) * p.unplaced_penalty
        for p, u in ((by_prices, priced.unplaced), (full, unplaced))
    ]
    assert weighted[0] == weighted[1]


@pytest.mark.parametrize("margin", [0, 10**9])
def test_any_settling_margin_ends_proven(margin: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(prices, "SETTLE_MARGIN_M", margin)
    problem = _problem([[10, 50, 70], [20, 30, 5], [60, 10, 40]], [3, 2, 2], [2, 2, 2])
    assert prices.solve_by_prices(problem).certificate.proven


instances = st.tuples(st.integers(0, 10**6), st.integers(1, 30), st.integers(1, 7), st.booleans())


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instance=instances, objective=st.sampled_from(list(Objective)))
def test_prices_reach_the_pulp_optimum(
    instance: tuple[int, int, int, bool], objective: Objective, prices_always: None
) -> None:
    seed, n_convicts, n_facilities, cases = instance
    convicts, facilities = random_instance(
        np.random.default_rng(seed), n_convicts, n_facilities, cases=cases
    )
    solution = solve(convicts, facilities, SolveOptions(objective=objective))
    reference = solve_reference(convicts, facilities, objective)
    assert_hard_rules(solution)
    assert solution.optimal and reference.optimal
    assert solution.placed == reference.placed
    if objective is Objective.HOME_FIRST:
        assert solution.placed_home == reference.placed_home
    assert solution.total_distance_m == reference.total_distance_m
    if solution.method == "min-cost-flow":
        assert solution.certificate is not None and solution.certificate.proven
