"""The app factory: store, routers, and the one place where errors become responses.

Request bodies are never logged. The access log names the route template
(`/runs/{run_id}/placements/{convict_id}/explanation`), never the path: ids in paths are
convict data.
"""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from api.auth import TokenVerifier
from api.errors import (
    ServiceError,
    UnauthorizedError,
    message,
    problems_message,
    request_language,
)
from api.middleware import RouteAccessLog
from api.routes import (
    audit,
    benchmarks,
    facilities,
    health,
    placements,
    regions,
    runs,
    transfer_campaigns,
    transfer_requests,
)
from api.services.benchmark_runner import BenchmarkRunner
from api.services.setup import open_store
from api.settings import Settings
from api.store import read_network
from optimizer.domain import InputError, Problem
from optimizer.i18n import Language

DESCRIPTION = """
Allocates newly sentenced convicts to Kazakhstan's penal facilities optimally (every hard rule
holds, total distance from home as small as possible) and explains every placement.

* **Roles**: every route needs a bearer token (`placement token create --role ROLE --name NAME`):
  regions and facilities: any role; occupancy corrections: admin; submitting and committing runs:
  allocator; reading runs and explanations: allocator, reviewer, analyst, auditor; filing,
  deciding and approving transfer requests: reviewer; reading them: reviewer, analyst, auditor;
  transfer campaigns and benchmarks: analyst; the audit log: auditor. `admin` may do everything.
* **Runs** are solved at once against the current occupancy and stored; `commit` adds their
  placements to occupancy and their convicts to the population, and is refused (409) if any
  facility they use changed meanwhile.
* **Transfer requests** are reviewed against today's population (lawful? room? swaps?) and
  decided by a reviewer; a decision against the recommendation needs a written reason and a
  second reviewer's approval. A grant moves the convict and the occupancy together.
* **Transfer campaigns** compute the best set of transfers as advice; **benchmarks** compare
  network policies in the background and report in Markdown, HTML and JSON.
* **Bad input** is answered with 422 and the list of problems (file, row, column, message), the
  same list the `placement` command prints.
* **Audit**: runs, commits, occupancy changes, transfer reviews and decisions, campaigns and
  benchmarks are appended to a hash-chained log;
  `GET /audit/verify` finds any edited, deleted or reordered entry.
"""


def create_app(settings: Settings | None = None) -> FastAPI:
    """The service over a migrated, seeded store (`settings.database_url`)."""
    settings = settings or Settings()
    store = open_store(settings)
    with store.sessions() as session:
        network = read_network(session=session)  # it must pass the engine's own validation
    runner = BenchmarkRunner(
        store.sessions, settings.service_data_dir / "benchmarks", settings.benchmark_workers
    )

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        if settings.worker_threads:
            import anyio.to_thread

            anyio.to_thread.current_default_thread_limiter().total_tokens = settings.worker_threads
        runner.start()
        yield
        runner.close()
        store.close()

    app = FastAPI(
        title="Penal placement",
        version="0.1.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        **_without_telemetry(),
    )
    app.state.settings = settings
    app.state.store = store
    app.state.tokens = TokenVerifier(store.sessions, settings.token_cache_s)
    app.state.benchmarks = runner
    # Explanations name regions and facilities in each language; plain lists spare
    # render_explanation DataFrame lookups on every read.
    names = ("name", "name_ru", "name_kk")
    app.state.network_names = {
        "regions": {c: network.regions[c].tolist() for c in ("region", *names)},
        "facilities": {c: network.facilities[c].tolist() for c in ("facility_id", *names)},
    }
    app.state.explanation_cache = placements.ExplanationCache()
    for module in (
        regions,
        facilities,
        runs,
        placements,
        transfer_requests,
        transfer_campaigns,
        benchmarks,
        audit,
        health,
    ):
        app.include_router(module.router)
    _add_error_handlers(app)
    app.add_middleware(RouteAccessLog)
    return app


def _without_telemetry() -> dict[str, Any]:
    """FastAPI's native OpenTelemetry off: its spans would carry request paths, and ids in
    paths are convict data (it also costs time on every request). Older FastAPIs have none."""
    if "telemetry" not in inspect.signature(FastAPI.__init__).parameters:
        return {}
    return {"telemetry": {"tracing": False, "metrics": False, "logs": False}}


def _add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ServiceError)
    async def service_error(request: Request, error: ServiceError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if isinstance(error, UnauthorizedError) else None
        lang = _language(request)
        body = {"detail": error.detail}
        if lang is not None:
            body["message"] = message(error.detail, lang)
        return JSONResponse(body, status_code=error.status_code, headers=headers)

    @app.exception_handler(InputError)
    async def input_error(request: Request, error: InputError) -> JSONResponse:
        return _problems(error.problems, _language(request))

    @app.exception_handler(RequestValidationError)
    async def request_error(request: Request, error: RequestValidationError) -> JSONResponse:
        problems: dict[tuple[str, int | None, str | None], Problem] = {}
        for e in error.errors():
            problem = _problem(e)
            problems.setdefault((problem.file, problem.row, problem.column), problem)
        return _problems(list(problems.values()), _language(request))


def _language(request: Request) -> Language | None:
    return request_language(
        request.query_params.get("lang"), request.headers.get("accept-language")
    )


def _problems(problems: list[Problem], lang: Language | None) -> JSONResponse:
    detail = [
        {"file": p.file, "row": p.row, "column": p.column, "message": p.message} for p in problems
    ]
    body: dict[str, object] = {"detail": detail}
    if lang is not None:
        body["message"] = problems_message(len(problems), lang)
    return JSONResponse(body, status_code=422)


def _problem(error: Any) -> Problem:
    """A request validation error as a problem: `convicts` rows count from 1 like a CSV's.

    The column is the field's name (a union's member names that pydantic appends are dropped);
    one problem per cell is kept.
    """
    location = [str(part) if not isinstance(part, int) else part for part in error.get("loc", ())]
    where = location[0] if location else "request"
    rest = location[1:]
    row = None
    if where == "body" and len(rest) >= 2 and rest[0] == "convicts" and isinstance(rest[1], int):
        row = rest[1] + 1
        rest = rest[2:]
        file = "convicts"
    else:
        file = "request"
    names = [p for p in rest if isinstance(p, str)]
    column = names[0] if names else (str(where) if where in {"query", "header", "path"} else None)
    return Problem(file, row, column, str(error.get("msg", "is not valid")))
