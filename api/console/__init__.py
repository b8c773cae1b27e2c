"""The web console: server-rendered pages over the same service functions as the JSON API.

Pages live under `/console` (the API keeps its paths); `/` leads to it. Static files (the
stylesheet and the vendored, pinned htmx) are served from `/console/static`.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

STATIC = Path(__file__).resolve().parent / "static"


def mount_console(app: FastAPI) -> None:
    """Add the console's pages and static files to the service."""
    from api.console.pages import admin, audit, benchmarks, campaigns, runs, signin, transfers

    app.mount("/console/static", StaticFiles(directory=STATIC), name="console-static")
    for module in (signin, runs, transfers, campaigns, benchmarks, audit, admin):
        app.include_router(module.router)
    app.include_router(signin.root)
