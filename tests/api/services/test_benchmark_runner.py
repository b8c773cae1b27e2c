"""The benchmark runner: a job that raises is failed and audited, naming only the error's type;
a closed runner takes no jobs."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from fastapi import FastAPI

import optimizer.policies
from api import audit, db, store
from api.services.benchmark_runner import FAILED_MESSAGE, BenchmarkPlan, BenchmarkRunner
from api.status import BenchmarkStatus
from api.tables import BenchmarkJobRow
from optimizer.domain import DistanceKind, Objective


def _plan() -> BenchmarkPlan:
    """A plan the tests never run for real."""
    return BenchmarkPlan(
        policies=(),
        regions=pd.DataFrame(),
        facilities=pd.DataFrame(),
        population=None,
        seeds=1,
        weeks=1,
        batch=1,
        modes=(),
        distance=DistanceKind.GREAT_CIRCLE,
        objective=Objective.MIN_DISTANCE,
    )


def test_a_job_that_raises_is_failed_and_audited(
    app: FastAPI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: Any, **_kwargs: Any) -> Any:
        raise KeyError("P000001")

    monkeypatch.setattr(optimizer.policies, "run_benchmark", broken)
    job_id = uuid.uuid4()
    with app.state.store.sessions() as session, db.writing(session):
        store.add_benchmark_job(
            session=session,
            job=BenchmarkJobRow(
                job_id=job_id,
                created_at=db.now(),
                created_by="analyst:desk",
                status=BenchmarkStatus.QUEUED.value,
                progress=0.0,
                message="Queued",
                request={},
            ),
        )
    runner = BenchmarkRunner(app.state.store.sessions, tmp_path, workers=1)
    try:
        runner.submit(job_id, _plan())
        runner.wait(job_id, 60)
    finally:
        runner.close()
    with app.state.store.sessions() as session:
        job = store.get_benchmark_job(session=session, job_id=job_id)
        assert (job.status, job.message) == ("failed", f"{FAILED_MESSAGE} (KeyError)")
        [*_, entry], _ = audit.list_entries(session=session, offset=0, limit=100)
        assert entry.action == "benchmark.failed" and "P000001" not in entry.payload
        assert audit.verify(session=session).ok


def test_a_closed_runner_takes_no_jobs(app: FastAPI, tmp_path: Path) -> None:
    runner = BenchmarkRunner(app.state.store.sessions, tmp_path, workers=1)
    runner.close()
    with pytest.raises(RuntimeError):
        runner.submit(uuid.uuid4(), _plan())
