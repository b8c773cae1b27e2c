"""The request guard: the bearer token and the body's size are checked before a body is read.

FastAPI reads and parses a body before it resolves a route's dependencies, so without this a
300 MB body without a token is parsed before its 401. The guard answers, for any request that
carries a body:

* 401 or 403, exactly as the route's own role check would, before a byte of the body is read;
* 413 when `Content-Length` exceeds `Settings.max_body_bytes`, before reading, and 413 as soon as
  a streamed (chunked) body passes the limit; the rest is never read.

Requests without a body (GET, DELETE, HEAD, OPTIONS without one) pass untouched, so reads pay
nothing for it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from fastapi.concurrency import run_in_threadpool
from fastapi.dependencies.models import Dependant
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.auth import Principal, Role, TokenVerifier
from api.errors import BODY_TOO_LARGE, FORBIDDEN, INVALID_TOKEN, NOT_AUTHENTICATED

BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


class Refused(Exception):
    """The guard has answered (401, 403 or 413) while the body was being read: stop there."""


class RequestGuard:
    """Authenticates and bounds a request before its body is read (see the module's text).

    The declared length is checked at once. The role check waits for the first read of the
    body: by then the router has matched the route (`scope["route"]`), whose role dependency
    (`api.deps.RoleCheck`) names the roles it admits.
    """

    def __init__(self, app: ASGIApp, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self._roles: dict[int, frozenset[Role] | None] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") not in BODY_METHODS:
            await self.app(scope, receive, send)
            return
        length = _header(scope, b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.max_body_bytes):
            await _error(413, BODY_TOO_LARGE.format(limit=self.max_body_bytes))(
                scope, receive, send
            )
            return
        await self._guarded(scope, receive, send)

    async def _guarded(self, scope: Scope, receive: Receive, send: Send) -> None:
        received = 0
        checked = False
        answered = False

        async def answer(response: JSONResponse) -> None:
            nonlocal answered
            answered = True
            await response(scope, receive, send)
            raise Refused

        async def guarded_receive() -> Message:
            nonlocal received, checked
            if not checked:
                checked = True
                refusal = await self._refusal(scope)
                if refusal is not None:
                    await answer(refusal)
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body_bytes:
                    await answer(_error(413, BODY_TOO_LARGE.format(limit=self.max_body_bytes)))
            return message

        async def guarded_send(message: Message) -> None:
            if not answered:
                await send(message)

        try:
            await self.app(scope, guarded_receive, guarded_send)
        except Refused:
            pass
        except Exception:
            if not answered:
                raise

    async def _refusal(self, scope: Scope) -> JSONResponse | None:
        """401 or 403 as the matched route's role check would answer; None to go on."""
        roles = self._admitted(scope.get("route"))
        if roles is None:
            return None
        principal = await _principal(scope)
        if isinstance(principal, JSONResponse):
            return principal
        if principal.role not in roles:
            return _error(403, FORBIDDEN)
        return None

    def _admitted(self, route: Any) -> frozenset[Role] | None:
        """The roles the route admits; None for an open route or none matched."""
        if not isinstance(route, APIRoute):
            return None
        key = id(route)
        if key not in self._roles:
            self._roles[key] = _route_roles(route.dependant)
        return self._roles[key]


def _route_roles(dependant: Dependant) -> frozenset[Role] | None:
    found = list(_role_sets(dependant))
    if not found:
        return None
    return frozenset.intersection(*found)


def _role_sets(dependant: Dependant) -> Iterator[frozenset[Role]]:
    for dependency in dependant.dependencies:
        roles = getattr(dependency.call, "admitted_roles", None)
        if isinstance(roles, frozenset):
            yield roles
        yield from _role_sets(dependency)


async def _principal(scope: Scope) -> Principal | JSONResponse:
    authorization = _header(scope, b"authorization")
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return _error(401, NOT_AUTHENTICATED)
    verifier: TokenVerifier = scope["app"].state.tokens
    principal = verifier.cached(token.strip())
    if principal is None:
        principal = await run_in_threadpool(verifier.principal, token.strip())
    if principal is None:
        return _error(401, INVALID_TOKEN)
    return principal


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            return bytes(value).decode("latin-1").strip()
    return None


def _error(status_code: int, detail: str) -> JSONResponse:
    headers: dict[str, Any] = {"WWW-Authenticate": "Bearer"} if status_code == 401 else {}
    if status_code == 413:
        headers["Connection"] = "close"
    return JSONResponse({"detail": detail}, status_code=status_code, headers=headers)
