"""Sweeps: the same numbers serially and on a Dask cluster on loopback."""

from __future__ import annotations

import pandas as pd
from distributed import LocalCluster

from optimizer.policies.sweep import run_sweep, sweep_grid
from tests.optimizer.policies.forecast_helpers import inputs, scenario
from tests.optimizer.policies.helpers import MERGE, policy


def test_sweep_on_a_local_cluster_equals_the_serial_run() -> None:
    cells = sweep_grid(
        [None, policy({**MERGE, "name": "merge"})],
        [scenario(), scenario({"name": "falling", "trend": {"yearly": -0.5}})],
        seeds=[0, 1],
        years=1,
    )
    start = inputs()
    serial = run_sweep(cells, start)
    seen: list[tuple[int, int]] = []
    with LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=False,
        host="127.0.0.1",
        protocol="tcp",
        dashboard_address=None,
    ) as cluster:
        distributed = run_sweep(
            cells,
            start,
            scheduler=cluster.scheduler_address,
            progress=lambda d, t: seen.append((d, t)),
        )
    pd.testing.assert_frame_equal(serial, distributed)
    assert list(serial["policy"]) == ["today"] * 4 + ["merge"] * 4
    assert seen[-1] == (8, 8)
    assert serial["admissions"].gt(0).all()
