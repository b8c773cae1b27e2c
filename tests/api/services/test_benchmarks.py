"""Benchmark jobs in the service: policies checked at once, reports kept in their folder, jobs
left unfinished failed when the service starts."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from fastapi import FastAPI

from api import audit, db, store
from api.errors import NotFoundError
from api.services.benchmark_runner import STOPPED_MESSAGE
from api.services.benchmarks import (
    bundled_policies,
    fail_unfinished_benchmarks,
    read_policies,
    report_path,
)
from api.tables import BenchmarkJobRow
from optimizer.data import read_facilities, read_regions
from optimizer.domain import InputError


def test_policies_are_bundled_names_or_inline_and_all_problems_come_at_once() -> None:
    regions = read_regions()
    facilities = read_facilities(None, regions)
    assert "baseline" in bundled_policies()
    [policy] = read_policies(["baseline"], regions, facilities)
    assert policy.name == "baseline"
    with pytest.raises(InputError) as refused:
        read_policies(["nowhere", "baseline", "baseline"], regions, facilities)
    messages = [p.message for p in refused.value.problems]
    assert messages[0].startswith("unknown policy 'nowhere'")
    assert messages[1] == "policy name 'baseline' is repeated"


def test_a_report_path_stays_inside_the_reports_folder(tmp_path: Path) -> None:
    job_id = uuid.uuid4()
    assert report_path(tmp_path, job_id, "index.md") == (tmp_path / str(job_id) / "index.md")
    with pytest.raises(NotFoundError):
        report_path(tmp_path, job_id, "../../secret")


def test_jobs_left_unfinished_are_failed_when_the_service_starts(app: FastAPI) -> None:
    with app.state.store.sessions() as session, db.writing(session):
        for status in ("queued", "running", "done"):
            session.add(
                BenchmarkJobRow(
                    job_id=uuid.uuid4(),
                    created_at=db.now(),
                    created_by="analyst:desk",
                    status=status,
                    progress=0.5,
                    message=status,
                    request={},
                )
            )
    with app.state.store.sessions() as session:
        assert fail_unfinished_benchmarks(session=session, message=STOPPED_MESSAGE) == 2
    with app.state.store.sessions() as session:
        rows, _ = store.list_benchmark_jobs(session=session, offset=0, limit=10)
        assert sorted(r.status for r in rows) == ["done", "failed", "failed"]
        assert audit.verify(session=session).ok
