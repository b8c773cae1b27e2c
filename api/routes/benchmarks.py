"""Policy benchmarks: run in the background; progress while running, the report when done."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response, status
from fastapi.responses import HTMLResponse, JSONResponse

from api import store
from api.deps import Analyst, SessionDep
from api.errors import ConflictError
from api.routes import responses
from api.schemas import BenchmarkCreate, BenchmarkPublic, BenchmarksPage, ReportFormat
from api.services import benchmarks
from api.services.benchmark_runner import REPORT, REPORT_HTML
from api.status import BenchmarkStatus

router = APIRouter(prefix="/benchmarks", tags=["benchmarks"])

MAX_OFFSET = 2**31 - 1

_REPORT: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The report: Markdown, HTML, or the metric tables as JSON",
        "content": {"text/markdown": {}, "text/html": {}, "application/json": {}},
    }
}


@router.post("", status_code=status.HTTP_202_ACCEPTED, responses=responses())
def create_benchmark(
    request: Request, session: SessionDep, user: Analyst, body: BenchmarkCreate, response: Response
) -> BenchmarkPublic:
    """Compare policies over today's population and network, in the background.

    Policies are bundled names (`baseline`, `merge-medium-maximum`, ...) or inline policies;
    every problem with them is answered at once with 422. Follow the job at
    `GET /benchmarks/{job_id}` (its `Location`); the report is at `.../report` when done.
    """
    job = benchmarks.create_job(
        session=session, body=body, actor=user.actor, runner=request.app.state.benchmarks
    )
    response.headers["Location"] = f"/benchmarks/{job.job_id}"
    return BenchmarkPublic.from_row(job)


@router.get("", responses=responses())
def list_benchmarks(
    session: SessionDep,
    _user: Analyst,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> BenchmarksPage:
    """Page through benchmark jobs, newest first."""
    rows, total = store.list_benchmark_jobs(session=session, offset=offset, limit=limit)
    return BenchmarksPage(items=[BenchmarkPublic.from_row(r) for r in rows], total=total)


@router.get("/{job_id}", responses=responses(404))
def read_benchmark(session: SessionDep, _user: Analyst, job_id: uuid.UUID) -> BenchmarkPublic:
    """A benchmark job's state (queued, running, done, failed) and progress from 0 to 1."""
    return BenchmarkPublic.from_row(store.get_benchmark_job(session=session, job_id=job_id))


@router.get(
    "/{job_id}/report", response_class=Response, responses={**_REPORT, **responses(404, 409)}
)
def read_benchmark_report(
    request: Request,
    session: SessionDep,
    _user: Analyst,
    job_id: uuid.UUID,
    report_format: Annotated[ReportFormat, Query(alias="format")] = ReportFormat.MARKDOWN,
) -> Response:
    """The finished benchmark's report: Markdown (default), HTML, or its metrics as JSON.

    409 while the job is queued or running, and for a job that failed.
    """
    job = store.get_benchmark_job(session=session, job_id=job_id)
    if job.status == BenchmarkStatus.FAILED:
        raise ConflictError("Benchmark failed")
    if job.status != BenchmarkStatus.DONE:
        raise ConflictError("Benchmark not finished")
    folder = request.app.state.benchmarks.folder
    if report_format is ReportFormat.JSON:
        return JSONResponse(benchmarks.report_metrics(folder, job_id))
    if report_format is ReportFormat.HTML:
        return HTMLResponse(benchmarks.report_text(folder, job_id, REPORT_HTML))
    return Response(
        benchmarks.report_text(folder, job_id, REPORT),
        media_type="text/markdown; charset=utf-8",
    )
