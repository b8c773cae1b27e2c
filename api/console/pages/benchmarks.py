"""The analysts' screens: start a policy benchmark, watch its progress, read its report with
its figures and maps, download its tables as CSV."""

from __future__ import annotations

import mimetypes
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request, Response
from pydantic import ValidationError

from api import store
from api.console.paging import Paging
from api.console.web import (
    PREFIX,
    Analyst,
    ConsoleRoute,
    CsrfField,
    PageError,
    check_form,
    language_of,
    page,
    redirect,
)
from api.schemas import BenchmarkCreate, BenchmarkPublic
from api.schemas.benchmarks import BenchmarkMode
from api.services import benchmarks
from api.services.benchmark_runner import REPORT_HTML, TRANSLATED_REPORTS
from api.status import BenchmarkStatus
from optimizer.domain import InputError

router = APIRouter(prefix=f"{PREFIX}/benchmarks", route_class=ConsoleRoute, include_in_schema=False)

CSV_FILES = benchmarks.METRIC_FILES


@router.get("")
def list_benchmarks(
    request: Request,
    user: Analyst,
    page_number: Annotated[int, Query(alias="page", ge=1, le=10**6)] = 1,
) -> Response:
    paging = Paging(page_number, 20)
    with request.app.state.store.sessions() as session:
        rows, total = store.list_benchmark_jobs(
            session=session, offset=paging.offset, limit=paging.size
        )
    jobs = [BenchmarkPublic.from_row(r) for r in rows]
    return page(request, "benchmarks/list.html", {"jobs": jobs, "paging": paging.of(total)})


@router.get("/new")
async def new_benchmark(request: Request, user: Analyst) -> Response:
    return page(request, "benchmarks/new.html", _form_context())


def _form_context(**values: Any) -> dict[str, Any]:
    return {
        "policies": list(benchmarks.bundled_policies()),
        "modes": list(BenchmarkMode),
        "form": {
            "policies": ["baseline"],
            "seeds": 1,
            "weeks": 4,
            "batch": 600,
            "mode": "steady-state",
        },
        **values,
    }


@router.post("")
def start_benchmark(
    request: Request,
    user: Analyst,
    policies: Annotated[list[str], Form(max_length=10)],
    seeds: Annotated[int, Form()] = 1,
    weeks: Annotated[int, Form()] = 4,
    batch: Annotated[int, Form()] = 600,
    mode: Annotated[str, Form(max_length=20)] = BenchmarkMode.STEADY_STATE.value,
    csrf: CsrfField = None,
) -> Response:
    """Check the request as the API does and start it in the background."""
    check_form(user, csrf)
    form = {"policies": policies, "seeds": seeds, "weeks": weeks, "batch": batch, "mode": mode}
    try:
        body = BenchmarkCreate.model_validate(form)
        with request.app.state.store.sessions() as session:
            job = benchmarks.create_job(
                session=session,
                body=body,
                actor=user.principal.actor,
                runner=request.app.state.benchmarks,
            )
    except ValidationError as error:
        problems = [f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in error.errors()]
        return page(
            request, "benchmarks/new.html", _form_context(form=form, problems=problems), 422
        )
    except InputError as error:
        problems = [p.message for p in error.problems]
        return page(
            request, "benchmarks/new.html", _form_context(form=form, problems=problems), 422
        )
    return redirect(f"{PREFIX}/benchmarks/{job.job_id}")


@router.get("/{job_id}")
def show_benchmark(request: Request, user: Analyst, job_id: uuid.UUID) -> Response:
    """The job: progress while it runs (live with JavaScript), the report once done."""
    with request.app.state.store.sessions() as session:
        job = BenchmarkPublic.from_row(store.get_benchmark_job(session=session, job_id=job_id))
    name = (
        "benchmarks/progress.html" if request.headers.get("HX-Request") else "benchmarks/show.html"
    )
    lang = language_of(request).value
    report = REPORT_HTML if lang not in TRANSLATED_REPORTS else f"index.{lang}.html"
    return page(request, name, {"job": job, "csv_files": CSV_FILES, "report_page": report})


@router.get("/{job_id}/report/{name}")
def report_file(request: Request, user: Analyst, job_id: uuid.UUID, name: str) -> Response:
    """A file of the finished report as the service keeps it: the HTML, its figures, the CSVs."""
    with request.app.state.store.sessions() as session:
        job = store.get_benchmark_job(session=session, job_id=job_id)
    if job.status != BenchmarkStatus.DONE:
        raise PageError(409, "")
    folder = request.app.state.benchmarks.folder
    path = benchmarks.report_path(folder, job_id, name)
    if "/" in name or not path.is_file():
        raise PageError(404, "")
    media = mimetypes.guess_type(name)[0] or "application/octet-stream"
    headers = (
        {"Content-Disposition": f'attachment; filename="{name}"'} if name.endswith(".csv") else {}
    )
    if name.endswith(".html"):
        media = "text/html; charset=utf-8"
    return Response(path.read_bytes(), media_type=media, headers=headers)
