"""Policy benchmark jobs: their request, state and progress."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from api.errors import NotFoundError
from api.status import UNFINISHED_BENCHMARKS
from api.tables import BenchmarkJobRow


def add_benchmark_job(*, session: Session, job: BenchmarkJobRow) -> None:
    """Add a queued job (inside `writing`)."""
    session.add(job)


def get_benchmark_job(*, session: Session, job_id: uuid.UUID) -> BenchmarkJobRow:
    job = session.get(BenchmarkJobRow, job_id, populate_existing=True)
    if job is None:
        raise NotFoundError("Benchmark not found")
    return job


def list_benchmark_jobs(
    *, session: Session, offset: int, limit: int
) -> tuple[Sequence[BenchmarkJobRow], int]:
    total = session.scalar(select(func.count()).select_from(BenchmarkJobRow)) or 0
    rows = session.scalars(
        select(BenchmarkJobRow)
        .order_by(BenchmarkJobRow.created_at.desc(), BenchmarkJobRow.job_id)
        .offset(offset)
        .limit(limit)
    ).all()
    return rows, total


def unfinished_benchmark_jobs(*, session: Session) -> Sequence[uuid.UUID]:
    """Queued and running jobs, oldest first."""
    return session.scalars(
        select(BenchmarkJobRow.job_id)
        .where(BenchmarkJobRow.status.in_([s.value for s in UNFINISHED_BENCHMARKS]))
        .order_by(BenchmarkJobRow.created_at, BenchmarkJobRow.job_id)
    ).all()


def update_benchmark_job(*, session: Session, job_id: uuid.UUID, **values: Any) -> None:
    """Change a job's state or progress (inside `writing`)."""
    session.execute(
        update(BenchmarkJobRow)
        .where(BenchmarkJobRow.job_id == job_id)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
