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

from fastapi import Depends, FastAPI

from api.auth import TokenVerifier
from api.console import mount_console
from api.deps import reject_unknown_query
from api.error_handlers import add_error_handlers
from api.guard import RequestGuard
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
from api.services.retention import RetentionSweeper
from api.services.setup import open_store
from api.settings import Settings
from api.store import Network, read_network

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

    sweeper = RetentionSweeper(store.sessions, settings.keep_uncommitted_runs_days)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        if settings.worker_threads:
            import anyio.to_thread

            anyio.to_thread.current_default_thread_limiter().total_tokens = settings.worker_threads
        runner.start()
        sweeper.start()
        yield
        sweeper.close()
        runner.close()
        store.close()

    app = FastAPI(
        title="Penal placement",
        version="0.1.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        dependencies=[Depends(reject_unknown_query)],
        **_without_telemetry(),
    )
    app.state.settings = settings
    app.state.store = store
    app.state.tokens = TokenVerifier(store.sessions, settings.token_cache_s)
    app.state.benchmarks = runner
    app.state.network_names, app.state.region_names = _names(network)
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
    mount_console(app)
    add_error_handlers(app)
    app.add_middleware(RequestGuard, max_body_bytes=settings.max_body_bytes)
    app.add_middleware(RouteAccessLog)
    return app


def _names(network: Network) -> tuple[dict[str, dict[str, list[Any]]], dict[str, list[Any]]]:
    """Region and facility names in each language, as plain lists that spare explanations
    DataFrame lookups on every read; and the regions' English names for the console."""
    names = ("name", "name_ru", "name_kk")
    by_language = {
        "regions": {c: network.regions[c].tolist() for c in ("region", *names)},
        "facilities": {c: network.facilities[c].tolist() for c in ("facility_id", *names)},
    }
    return by_language, {c: network.regions[c].tolist() for c in ("region", "name")}


def _without_telemetry() -> dict[str, Any]:
    """FastAPI's native OpenTelemetry off: its spans would carry request paths, and ids in
    paths are convict data (it also costs time on every request). Older FastAPIs have none."""
    if "telemetry" not in inspect.signature(FastAPI.__init__).parameters:
        return {}
    return {"telemetry": {"tracing": False, "metrics": False, "logs": False}}
