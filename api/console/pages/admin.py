"""The admin's screens, and the facilities everyone may read: capacity and occupancy, an
occupancy correction with its reason, console accounts, API tokens."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request, Response

from api import store
from api.auth import AccountError, Role
from api.console.web import (
    PREFIX,
    Admin,
    AnyUser,
    ConsoleRoute,
    CsrfField,
    check_form,
    language_of,
    page,
    redirect,
)
from api.services.accounts import create_account, issue_token, revoke_account, revoke_token
from api.services.network import correct_occupancy
from optimizer.data_messages import problem_message
from optimizer.domain import InputError
from optimizer.i18n import translator

COMMAND_DOMAIN = "cli"
"""The catalogue that words an account refusal, for the command and the console alike."""

router = APIRouter(prefix=PREFIX, route_class=ConsoleRoute, include_in_schema=False)


@router.get("/facilities")
def facilities(request: Request, user: AnyUser) -> Response:
    return page(request, "admin/facilities.html", _facilities_context(request))


def _facilities_context(request: Request, **values: Any) -> dict[str, Any]:
    with request.app.state.store.sessions() as session:
        rows = store.list_facilities(session=session, region=None, security_level=None)
    return {"facilities": rows, **values}


@router.post("/facilities/{facility_id}/occupancy")
def correct(
    request: Request,
    user: Admin,
    facility_id: str,
    occupied: Annotated[int, Form(ge=0, le=10**7)],
    reason: Annotated[str, Form(min_length=1, max_length=2000)],
    csrf: CsrfField = None,
) -> Response:
    """Correct one facility's occupancy; the reason goes into the audit log."""
    check_form(user, csrf)
    try:
        with request.app.state.store.sessions() as session:
            correct_occupancy(
                session=session,
                facility_id=facility_id,
                occupied=occupied,
                actor=user.principal.actor,
                reason=reason.strip().replace("\x00", ""),
            )
    except InputError as error:
        lang = language_of(request).value
        refused = "; ".join(problem_message(p, lang) for p in error.problems)
        context = _facilities_context(request, refused=refused, facility_id=facility_id)
        return page(request, "admin/facilities.html", context, 422)
    return redirect(f"{PREFIX}/facilities?corrected={facility_id}#f-{facility_id}")


@router.get("/accounts")
def accounts(request: Request, user: Admin) -> Response:
    return page(request, "admin/accounts.html", _accounts_context(request))


def _accounts_context(request: Request, **values: Any) -> dict[str, Any]:
    with request.app.state.store.sessions() as session:
        users = store.list_users(session=session)
        tokens = store.list_tokens(session=session)
    return {"accounts": users, "tokens": tokens, "roles": list(Role), **values}


@router.post("/accounts")
def add_account(
    request: Request,
    user: Admin,
    name: Annotated[str, Form(max_length=200)],
    role: Annotated[Role, Form()],
    password: Annotated[str, Form(max_length=1000)],
    csrf: CsrfField = None,
) -> Response:
    check_form(user, csrf)
    try:
        with request.app.state.store.sessions() as session:
            create_account(
                session=session, role=role, name=name, password=password, actor=user.principal.actor
            )
    except AccountError as error:
        say = translator(COMMAND_DOMAIN, language_of(request).value)
        refused = say(f"account.{error.key}", **error.fields)
        return page(
            request, "admin/accounts.html", _accounts_context(request, refused=refused), 422
        )
    return redirect(f"{PREFIX}/accounts")


@router.post("/accounts/{user_id}/revoke")
def revoke(request: Request, user: Admin, user_id: uuid.UUID, csrf: CsrfField = None) -> Response:
    check_form(user, csrf)
    with request.app.state.store.sessions() as session:
        revoke_account(session=session, user_id=user_id, actor=user.principal.actor)
    return redirect(f"{PREFIX}/accounts")


@router.post("/tokens")
def add_token(
    request: Request,
    user: Admin,
    name: Annotated[str, Form(min_length=1, max_length=200)],
    role: Annotated[Role, Form()],
    csrf: CsrfField = None,
) -> Response:
    """Issue an API token; it is shown on this page once and never again."""
    check_form(user, csrf)
    with request.app.state.store.sessions() as session:
        token = issue_token(
            session=session, role=role, name=name.strip(), actor=user.principal.actor
        )
    return page(
        request, "admin/accounts.html", _accounts_context(request, token=token, token_name=name)
    )


@router.post("/tokens/{token_id}/revoke")
def revoke_api_token(
    request: Request, user: Admin, token_id: uuid.UUID, csrf: CsrfField = None
) -> Response:
    """Revoke an API token: the API refuses it from now on."""
    check_form(user, csrf)
    with request.app.state.store.sessions() as session:
        digest = revoke_token(session=session, token_id=token_id, actor=user.principal.actor)
    request.app.state.tokens.forget(digest)
    return redirect(f"{PREFIX}/accounts#tokens")
