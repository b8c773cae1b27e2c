"""The access log: method, route template, status and time; never the path, query or body.

Ids in paths are convict data, so the route template (`/runs/{run_id}/placements/{convict_id}
/explanation`) is logged instead of the path.
"""

from __future__ import annotations

import logging
import time
import traceback

from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import INTERNAL_ERROR
from api.metrics import METRICS

access_log = logging.getLogger("api.access")
error_log = logging.getLogger("api.errors")


class RouteAccessLog:
    """Logs method, route template, status and time, and counts them in `api.metrics`; never
    the path, query or body.

    An unhandled error is answered with 500 and logged by its type and stack frames only: its
    message may quote input (a convict id in a KeyError), so it is left out.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status_code = 500
        response_started = False

        async def send_status(message: Message) -> None:
            nonlocal status_code, response_started
            if message["type"] == "http.response.start":
                status_code = message["status"]
                response_started = True
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        except Exception as error:
            status_code = 500
            error_log.error(
                "unhandled %s in %s %s\n%s",
                type(error).__name__,
                scope.get("method", ""),
                _template(scope),
                "".join(traceback.format_tb(error.__traceback__)),
            )
            if not response_started:
                await JSONResponse({"detail": INTERNAL_ERROR}, status_code=500)(
                    scope, receive, send
                )
        finally:
            seconds = time.perf_counter() - started
            method, route = str(scope.get("method", "")), _template(scope)
            METRICS.observe_request(method, route, status_code, seconds)
            if access_log.isEnabledFor(logging.INFO):
                duration_ms = round(seconds * 1000.0, 1)
                access_log.info(
                    "%s %s %d %.1f ms",
                    method,
                    route,
                    status_code,
                    duration_ms,
                    extra={
                        "fields": {
                            "method": method,
                            "route": route,
                            "status": status_code,
                            "duration_ms": duration_ms,
                        }
                    },
                )


def _template(scope: Scope) -> str:
    return str(getattr(scope.get("route"), "path", "(no route)"))
