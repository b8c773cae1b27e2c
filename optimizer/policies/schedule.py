"""The network of a forecast and the places in force in each of its weeks."""

from __future__ import annotations

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
    current = network["capacity"].to_numpy(np.int64).copy()
    events: list[tuple[int, int, str, object]] = []
    for order, addition in enumerate(scenario.additions):
        row = int(np.flatnonzero(ids == addition.facility_id)[0])
        events.append((scenario.week_of(addition.date), order, "open", row))
        current[row] = 0
    opened = network["capacity"].to_numpy(np.int64)
    for order, rebuild in enumerate(scenario.reconstructions):
        rows = np.isin(ids, rebuild.facility_ids) | np.isin(original_levels, rebuild.levels)
        events.append((scenario.week_of(rebuild.date), order, "factor", (rows, rebuild.factor)))
    for order, closure in enumerate(scenario.closures):
        events.append((scenario.week_of(closure.date), order, "close", ids == closure.facility_id))
    schedule = np.zeros((weeks, len(network)), dtype=np.int64)
    position = 0
    ordered = sorted(events, key=lambda e: (e[0], ("open", "factor", "close").index(e[2]), e[1]))
    for week in range(weeks):
        while position < len(ordered) and ordered[position][0] <= week:
            _, _, kind, what = ordered[position]
            if kind == "open":
                current[int(what)] = opened[int(what)]  # type: ignore[call-overload]
            elif kind == "factor":
                rows, factor = what  # type: ignore[misc]
                current[rows] = np.floor(np.round(current[rows] * factor, 6)).astype(np.int64)
            else:
                current[what] = 0  # type: ignore[index]
            position += 1
        schedule[week] = current
    return schedule
