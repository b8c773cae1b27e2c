"""Shared dependencies: the request's session, settings, and who is calling with which role."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.dependencies.models import Dependant
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from api.auth import Principal, Role, TokenVerifier
from api.db import Store
from api.errors import (
    FORBIDDEN,
    INVALID_TOKEN,
    NOT_AUTHENTICATED,
    UNKNOWN_QUERY,
    ForbiddenError,
    UnauthorizedError,
)
from api.settings import Settings
from optimizer.domain import InputError, Problem

bearer = HTTPBearer(
    auto_error=False,
    description="A token from `placement token create --role ROLE --name NAME`.",
)


async def get_store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_session(request: Request) -> AsyncIterator[Session]:
    """A session for the request; it connects only when the handler (in a worker thread) uses it.

    The dependencies here are coroutines that never block, so a request hops to a worker
    thread once, for its handler, rather than once per dependency.
    """
    store: Store = request.app.state.store
    with store.sessions() as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]
SettingsDep = Annotated[Settings, Depends(get_settings)]


async def get_principal(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
) -> Principal:
    """The caller named by the bearer token; 401 without one or with an unknown one.

    A recently verified token is answered from memory; otherwise the lookup runs in a worker
    thread.
    """
    if credentials is None:
        raise UnauthorizedError(NOT_AUTHENTICATED)
    verifier: TokenVerifier = request.app.state.tokens
    principal = verifier.cached(credentials.credentials)
    if principal is None:
        principal = await run_in_threadpool(verifier.principal, credentials.credentials)
    if principal is None:
        raise UnauthorizedError(INVALID_TOKEN)
    return principal


class RoleCheck:
    """A dependency admitting the given roles and `admin`; 403 for any other role.

    `admitted_roles` is public: `api.guard` checks it before a request's body is read.
    """

    def __init__(self, *roles: Role) -> None:
        self.admitted_roles = frozenset({*roles, Role.ADMIN})

    async def __call__(self, principal: Annotated[Principal, Depends(get_principal)]) -> Principal:
        if principal.role not in self.admitted_roles:
            raise ForbiddenError(FORBIDDEN)
        return principal


def require(*roles: Role) -> RoleCheck:
    """A dependency admitting the given roles and `admin`; 403 for any other role."""
    return RoleCheck(*roles)


AnyRole = Annotated[Principal, Depends(require(*Role))]
"""Any valid token: reference data (regions, facilities)."""
Allocator = Annotated[Principal, Depends(require(Role.ALLOCATOR))]
"""Submits and commits runs."""
RunReader = Annotated[
    Principal, Depends(require(Role.ALLOCATOR, Role.REVIEWER, Role.ANALYST, Role.AUDITOR))
]
"""Reads runs, placements and explanations."""
Auditor = Annotated[Principal, Depends(require(Role.AUDITOR))]
"""Reads and verifies the audit log."""
Admin = Annotated[Principal, Depends(require())]
"""Corrects occupancy."""
TransferReviewer = Annotated[Principal, Depends(require(Role.REVIEWER))]
"""Files transfer requests, decides them and approves others' decisions."""
TransferReader = Annotated[Principal, Depends(require(Role.REVIEWER, Role.AUDITOR, Role.ANALYST))]
"""Reads transfer requests, their reviews and decisions."""
Analyst = Annotated[Principal, Depends(require(Role.ANALYST))]
"""Runs transfer campaigns and policy benchmarks."""


_QUERY_NAMES: dict[int, frozenset[str]] = {}


async def reject_unknown_query(request: Request) -> None:
    """422 for a query parameter the route does not take: a misspelt filter must not be
    silently ignored (the list would look filtered and is not)."""
    if not request.query_params:
        return
    route = request.scope.get("route")
    dependant = getattr(route, "dependant", None)
    if dependant is None or not getattr(route, "include_in_schema", True):
        return  # pages of the console are not the documented API
    names = _QUERY_NAMES.get(id(route))
    if names is None:
        names = frozenset(_query_names(dependant))
        _QUERY_NAMES[id(route)] = names
    unknown = sorted(set(request.query_params) - names - {"lang"})  # ?lang= is every route's
    if unknown:
        raise InputError(
            [Problem("request", None, "query", UNKNOWN_QUERY.format(name=n)) for n in unknown]
        )


def _query_names(dependant: Dependant) -> set[str]:
    names = {p.alias for p in dependant.query_params}
    for dependency in dependant.dependencies:
        names |= _query_names(dependency)
    return names
