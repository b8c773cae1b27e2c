"""The app factory: store, routers, and the one place where errors become responses.

Request bodies are never logged. The access log names the route template
(`/runs/{run_id}/placements/{convict_id}/explanation`), never the path: ids in paths are
convict data.
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.auth import TokenVerifier
from api.errors import ServiceError, UnauthorizedError
from api.routes import audit, facilities, health, placements, regions, runs
from api.settings import Settings
from api.store import Network, Store, read_network
from optimizer.domain import InputError, Problem

access_log = logging.getLogger("api.access")

DESCRIPTION = """
Allocates newly sentenced convicts to Kazakhstan's penal facilities optimally (every hard rule
holds, total distance from home as small as possible) and explains every placement.

* **Roles**: every route needs a bearer token (`placement token create --role ROLE --name NAME`):
  regions and facilities: any role; occupancy corrections: admin; submitting and committing runs:
  allocator; reading runs and explanations: allocator, reviewer, analyst, auditor; the audit log:
  auditor. `admin` may do everything.
* **Runs** are solved at once against the current occupancy and stored; `commit` adds their
  placements to occupancy, and is refused (409) if any facility they use changed meanwhile.
* **Bad input** is answered with 422 and the list of problems (file, row, column, message), the
  same list the `placement` command prints.
* **Audit**: runs, commits and occupancy changes are appended to a hash-chained log;
  `GET /audit/verify` finds any edited, deleted or reordered entry.
"""


def create_app(settings: Settings | None = None) -> FastAPI:
    """The service over a migrated, seeded store (`settings.database_url`)."""
    settings = settings or Settings()
    store = Store.open(
        settings.database_url,
        regions_path=settings.regions_path,
        facilities_path=settings.facilities_path,
    )
    with store.sessions() as session:
        network: Network = read_network(session=session)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        store.close()

    app = FastAPI(
        title="Penal placement",
        version="0.1.0",
        description=DESCRIPTION,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.store = store
    app.state.regions = network.regions
    app.state.tokens = TokenVerifier(store.sessions, settings.token_cache_s)
    for module in (regions, facilities, runs, placements, audit, health):
        app.include_router(module.router)
    _add_error_handlers(app)
    app.add_middleware(RouteAccessLog)
    return app


def _add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ServiceError)
    async def service_error(_request: Request, error: ServiceError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if isinstance(error, UnauthorizedError) else None
        return JSONResponse({"detail": error.detail}, status_code=error.status_code, headers=headers)

    @app.exception_handler(InputError)
    async def input_error(_request: Request, error: InputError) -> JSONResponse:
        return _problems(error.problems)

    @app.exception_handler(RequestValidationError)
    async def request_error(_request: Request, error: RequestValidationError) -> JSONResponse:
        return _problems([_problem(e) for e in error.errors()])


def _problems(problems: list[Problem]) -> JSONResponse:
    detail = [
        {"file": p.file, "row": p.row, "column": p.column, "message": p.message} for p in problems
    ]
    return JSONResponse({"detail": detail}, status_code=422)


def _problem(error: Any) -> Problem:
    """A request validation error as a problem: `convicts` rows count from 1 like a CSV's."""
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
    column = names[-1] if names else (str(where) if where in {"query", "header", "path"} else None)
    return Problem(file, row, column, str(error.get("msg", "is not valid")))


class RouteAccessLog:
    """Logs method, route template, status and time; never the path, query or body."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not access_log.isEnabledFor(logging.INFO):
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status_code = 500

        async def send_status(message: Message) -> None:
            nonlocal status_code
            if message["type"] == "http.response.start":
                status_code = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        finally:
            route = scope.get("route")
            template = getattr(route, "path", "(no route)")
            access_log.info(
                "%s %s %d %.1f ms",
                scope.get("method", ""),
                template,
                status_code,
                (time.perf_counter() - started) * 1000.0,
            )
