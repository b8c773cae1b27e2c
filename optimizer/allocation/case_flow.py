"""Co-defendants kept apart inside the flow itself, with one node per case and facility.

Every convict is in at most one case, so "at most one member of a case in a facility" is a
capacity: each arc from a case member's group to a facility passes through the node
(case, facility), whose single arc on to the facility carries at most one convict. The
network keeps its integral optimum, so one min-cost flow with the same three cost tiers is the
exact lexicographic optimum with the rule on: no repair, no integer model.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from optimizer.allocation.blocks import NO_CASE, ClassBlock, IndexArray, IntArray
from optimizer.allocation.flow import FlowProblem
from optimizer.domain import SolverError

CASE_FLOW_ARC_LIMIT = 3_000_000
"""Up to this many eligible arcs, co-defendants who meet are separated by this flow."""


def case_index(groups: pd.DataFrame) -> IndexArray:
    """Per group, the index of its shared case, or -1 when its convicts have none."""
    case = groups["case"].to_numpy()
    codes, _ = pd.factorize(pd.Series(case).where(case != NO_CASE))
    return np.asarray(codes, dtype=np.intp)


def solve_with_case_nodes(
    problem: FlowProblem, case_of_group: IndexArray
) -> tuple[list[ClassBlock], IntArray]:
    """The optimal flow with co-defendants apart, over every eligible arc.

    Returns fresh blocks holding the flows (the problem's own blocks are not changed) and the
    unplaced convicts per group.
    """
    from ortools.graph.python import min_cost_flow as ortools_flow

    blocks = [b.with_cost(b.cost) for b in problem.blocks]
    n_groups, n_facilities = len(problem.counts), len(problem.free)
    sink = n_groups + n_facilities
    rows: list[tuple[IndexArray, IndexArray]] = [_every_arc(b.cost.shape) for b in blocks]
    group = np.concatenate([b.groups[r] for b, (r, _) in zip(blocks, rows, strict=True)])
    facility = np.concatenate([b.facilities[c] for b, (_, c) in zip(blocks, rows, strict=True)])
    cost = np.concatenate([b.cost[r, c] for b, (r, c) in zip(blocks, rows, strict=True)])
    case = case_of_group[group]
    in_case = case >= 0
    pair_key = case[in_case].astype(np.int64) * n_facilities + facility[in_case]
    pairs, pair_of = np.unique(pair_key, return_inverse=True)
    head = n_groups + facility
    head[in_case] = sink + 1 + pair_of
    pair_facility = (pairs % n_facilities).astype(np.intp)
    n_pairs = len(pairs)

    tails = np.concatenate(
        [
            group,
            np.arange(n_groups),
            n_groups + np.arange(n_facilities),
            sink + 1 + np.arange(n_pairs),
        ]
    ).astype(np.int32)
    heads = np.concatenate(
        [head, np.full(n_groups, sink), np.full(n_facilities, sink), n_groups + pair_facility]
    ).astype(np.int32)
    capacities = np.concatenate(
        [problem.per_arc[group], problem.counts, problem.free, np.ones(n_pairs, dtype=np.int64)]
    ).astype(np.int64)
    costs = np.concatenate(
        [cost, np.full(n_groups, problem.unplaced_penalty), np.zeros(n_facilities + n_pairs)]
    ).astype(np.int64)

    flow = ortools_flow.SimpleMinCostFlow()
    arc_ids = flow.add_arcs_with_capacity_and_unit_cost(tails, heads, capacities, costs)
    supplies = np.zeros(sink + 1 + n_pairs, dtype=np.int64)
    supplies[:n_groups] = problem.counts
    supplies[sink] = -problem.counts.sum()
    flow.set_nodes_supplies(np.arange(len(supplies), dtype=np.int32), supplies)
    status = flow.solve()
    if status != flow.OPTIMAL:
        raise SolverError(f"min-cost flow with case nodes ended with status {status}")
    flows = np.asarray(flow.flows(arc_ids), dtype=np.int64)
    _store_flows(blocks, rows, flows)
    return blocks, flows[len(group) : len(group) + n_groups]


def _every_arc(shape: tuple[int, ...]) -> tuple[IndexArray, IndexArray]:
    r, c = np.nonzero(np.ones(shape, dtype=bool))
    return r.astype(np.intp), c.astype(np.intp)


def _store_flows(
    blocks: list[ClassBlock], rows: list[tuple[IndexArray, IndexArray]], flows: IntArray
) -> None:
    start = 0
    for block, (r, c) in zip(blocks, rows, strict=True):
        block.in_model[:] = True
        block.flow[r, c] = flows[start : start + len(r)]
        start += len(r)
