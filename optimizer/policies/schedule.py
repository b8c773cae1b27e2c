"""The network of a forecast and the places in force in each of its weeks."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from optimizer.policies.policy import Policy
from optimizer.policies.scenario import Scenario

IntArray = npt.NDArray[np.int64]


def forecast_network(
    scenario: Scenario, policy: Policy, facilities: pd.DataFrame
) -> tuple[pd.DataFrame, npt.NDArray[np.str_]]:
    """Today's network under the policy, then the scenario's new builds (relabelled alike).

    Returns the network and each facility's security level before any merger, by which
    single-cell reconstruction chooses its facilities.
    """
    original = facilities
    network = policy.apply_to_facilities(facilities)
    added = scenario.added_facilities
    if added is not None and len(added):
        original = pd.concat([facilities, added], ignore_index=True)
        relabelled = added.assign(security_level=policy.relabel(added)["security_level"])
        network = pd.concat([network, relabelled], ignore_index=True)
    return network.reset_index(drop=True), original["security_level"].to_numpy(dtype=str)


def capacity_schedule(
    scenario: Scenario, network: pd.DataFrame, original_levels: npt.NDArray[np.str_], weeks: int
) -> IntArray:
    """weeks x facilities: the places in force each week after the dated changes.

    New builds have no places before their date; a closure leaves none from its date; a
    reconstruction multiplies the places in force on its date by its factor, rounded down.
    """
    ids = network["facility_id"].to_numpy()
    opened = network["capacity"].to_numpy(np.int64)
    current = opened.copy()
    events: list[_Change] = []
    for order, addition in enumerate(scenario.additions):
        rows = ids == addition.facility_id
        current[rows] = 0
        events.append(_Change(scenario.week_of(addition.date), 0, order, rows, _OPEN))
    for order, rebuild in enumerate(scenario.reconstructions):
        rows = np.isin(ids, rebuild.facility_ids) | np.isin(original_levels, rebuild.levels)
        events.append(_Change(scenario.week_of(rebuild.date), 1, order, rows, rebuild.factor))
    for order, closure in enumerate(scenario.closures):
        rows = ids == closure.facility_id
        events.append(_Change(scenario.week_of(closure.date), 2, order, rows, 0.0))
    ordered = sorted(events, key=lambda e: (e.week, e.rank, e.order))
    schedule = np.zeros((weeks, len(network)), dtype=np.int64)
    position = 0
    for week in range(weeks):
        while position < len(ordered) and ordered[position].week <= week:
            change = ordered[position]
            if change.factor == _OPEN:
                current[change.rows] = opened[change.rows]
            else:
                cut = np.round(current[change.rows] * change.factor, 6)
                current[change.rows] = np.floor(cut).astype(np.int64)
            position += 1
        schedule[week] = current
    return schedule


_OPEN = -1.0
"""The factor of a new build's opening: its places come into force."""


@dataclass(frozen=True)
class _Change:
    """A dated change of places: opening (factor `_OPEN`), a factor, or a closure (0)."""

    week: int
    rank: int
    """Changes of one week apply in the order openings, reconstructions, closures."""
    order: int
    rows: npt.NDArray[np.bool_]
    factor: float
