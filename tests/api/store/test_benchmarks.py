"""Stored benchmark jobs: their state changes, and which are unfinished."""

from __future__ import annotations

import uuid

import pytest
from fastapi import FastAPI

from api import db, store
from api.errors import NotFoundError
from api.status import BenchmarkStatus
from api.tables import BenchmarkJobRow


def test_unfinished_jobs_are_the_queued_and_running_ones(app: FastAPI) -> None:
    jobs = {status: uuid.uuid4() for status in BenchmarkStatus}
    with app.state.store.sessions() as session, db.writing(session):
        for status, job_id in jobs.items():
            store.add_benchmark_job(
                session=session,
                job=BenchmarkJobRow(
                    job_id=job_id,
                    created_at=db.now(),
                    created_by="analyst:desk",
                    status=status.value,
                    progress=0.0,
                    message=status.value,
                    request={},
                ),
            )
    with app.state.store.sessions() as session:
        unfinished = set(store.unfinished_benchmark_jobs(session=session))
    assert unfinished == {jobs[BenchmarkStatus.QUEUED], jobs[BenchmarkStatus.RUNNING]}
    with app.state.store.sessions() as session, db.writing(session):
        store.update_benchmark_job(
            session=session, job_id=jobs[BenchmarkStatus.QUEUED], progress=0.25
        )
    with app.state.store.sessions() as session:
        job = store.get_benchmark_job(session=session, job_id=jobs[BenchmarkStatus.QUEUED])
        assert job.progress == 0.25
        assert store.list_benchmark_jobs(session=session, offset=0, limit=10)[1] == 4


def test_an_unknown_job_is_not_found(app: FastAPI) -> None:
    with app.state.store.sessions() as session, pytest.raises(NotFoundError):
        store.get_benchmark_job(session=session, job_id=uuid.uuid4())
