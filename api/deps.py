"""Shared dependencies: the request's session, settings, and who is calling with which role."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from api.auth import Principal, Role, TokenVerifier
from api.errors import ForbiddenError, UnauthorizedError
from api.settings import Settings
from api.store import Store

bearer = HTTPBearer(
    auto_error=False,
    description="A token from `placement token create --role ROLE --name NAME`.",
)


def get_store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_session(request: Request) -> Iterator[Session]:
    with get_store(request).sessions() as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]
SettingsDep = Annotated[Settings, Depends(get_settings)]


def get_principal(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
) -> Principal:
    """The caller named by the bearer token; 401 without one or with an unknown one."""
    if credentials is None:
        raise UnauthorizedError("Not authenticated")
    verifier: TokenVerifier = request.app.state.tokens
    principal = verifier.principal(credentials.credentials)
    if principal is None:
        raise UnauthorizedError("Invalid token")
    return principal


def require(*roles: Role) -> Callable[[Principal], Principal]:
    """A dependency admitting the given roles and `admin`; 403 for any other role."""
    admitted = {*roles, Role.ADMIN}

    def check(principal: Annotated[Principal, Depends(get_principal)]) -> Principal:
        if principal.role not in admitted:
            raise ForbiddenError("Not permitted for this role")
        return principal

    return check


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
