"""Sweeps: a grid of policies x scenarios x seeds, forecast on Dask.

Every cell is an independent forecast whose randomness comes from its seed alone, so a sweep
gives the same numbers serially, in local processes (`workers`), or on an existing Dask
cluster (`scheduler`, e.g. `tcp://10.0.0.5:8786`). The inputs (today's network and population)
are sent to the workers once; each cell returns only its summary figures.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pandas as pd

from optimizer.policies.forecast import ForecastInputs, run_forecast
from optimizer.policies.forecast_tables import summary_figures
from optimizer.policies.policy import Policy
from optimizer.policies.scenario import Scenario

SweepProgress = Callable[[int, int], None]
"""Takes the cells done and the cells in all."""


@dataclass(frozen=True)
class SweepCell:
    """One forecast of a sweep."""

    policy: Policy | None
    scenario: Scenario
    seed: int
    years: int

    @property
    def policy_name(self) -> str:
        return self.policy.name if self.policy is not None else "today"


def sweep_grid(
    policies: Sequence[Policy | None],
    scenarios: Sequence[Scenario],
    seeds: Sequence[int],
    years: int,
) -> list[SweepCell]:
    """Every (policy, scenario, seed), in that nesting order."""
    return [
        SweepCell(policy, scenario, seed, years)
        for policy in policies
        for scenario in scenarios
        for seed in seeds
    ]


def forecast_cell(cell: SweepCell, inputs: ForecastInputs) -> dict[str, object]:
    """The summary of one cell's forecast, keyed by policy, scenario and seed."""
    forecast = run_forecast(cell.scenario, cell.policy, inputs, years=cell.years, seed=cell.seed)
    key: dict[str, object] = {
        "policy": cell.policy_name,
        "scenario": cell.scenario.name,
        "seed": cell.seed,
    }
    return key | summary_figures(forecast)


def run_sweep(
    cells: Sequence[SweepCell],
    inputs: ForecastInputs,
    *,
    workers: int = 0,
    scheduler: str | None = None,
    progress: SweepProgress | None = None,
) -> pd.DataFrame:
    """One row per cell, in the grid's order: serially (workers 0), or on Dask."""
    if workers == 0 and scheduler is None:
        rows = []
        for done, cell in enumerate(cells):
            rows.append(forecast_cell(cell, inputs))
            if progress is not None:
                progress(done + 1, len(cells))
        return pd.DataFrame(rows)
    return _on_dask(cells, inputs, workers, scheduler, progress)


def _on_dask(
    cells: Sequence[SweepCell],
    inputs: ForecastInputs,
    workers: int,
    scheduler: str | None,
    progress: SweepProgress | None,
) -> pd.DataFrame:
    from distributed import Client, LocalCluster, as_completed

    cluster = None
    if scheduler is None:
        cluster = LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
        )
    client = Client(cluster if cluster is not None else scheduler)
    try:
        shared = client.scatter(inputs, broadcast=True)
        futures = client.map(forecast_cell, list(cells), inputs=shared, pure=False)
        order = {future.key: index for index, future in enumerate(futures)}
        rows: list[dict[str, object] | None] = [None] * len(futures)
        for done, future in enumerate(as_completed(futures), start=1):
            rows[order[future.key]] = future.result()
            if progress is not None:
                progress(done, len(futures))
        return pd.DataFrame(rows)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
