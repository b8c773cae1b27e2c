"""Signing in and out, the language choice, and the home page of each role."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request, Response
from fastapi.concurrency import run_in_threadpool

from api.auth import ConsoleUser, Role
from api.console.i18n import LANGUAGE_COOKIE, console_language
from api.console.web import (
    PREFIX,
    SESSION_COOKIE,
    SIGN_IN_COOKIE,
    AnyUser,
    ConsoleRoute,
    CsrfField,
    check_form,
    local_path,
    new_form_token,
    page,
    redirect,
    secure_cookies,
)
from api.services.accounts import close_session, open_session

router = APIRouter(prefix=PREFIX, route_class=ConsoleRoute, include_in_schema=False)
root = APIRouter(route_class=ConsoleRoute, include_in_schema=False)

ONE_YEAR_S = 365 * 24 * 3600
HOME_OF = {
    Role.ALLOCATOR: f"{PREFIX}/runs",
    Role.REVIEWER: f"{PREFIX}/transfer-requests",
    Role.ANALYST: f"{PREFIX}/benchmarks",
    Role.AUDITOR: f"{PREFIX}/audit",
    Role.ADMIN: f"{PREFIX}/facilities",
}
"""Where each role starts its day."""


@root.get("/")
async def home_page() -> Response:
    """The console's front door."""
    return redirect(PREFIX)


@router.get("")
async def start(user: AnyUser) -> Response:
    return redirect(HOME_OF[user.principal.role])


@router.get("/sign-in")
async def sign_in_form(request: Request, next: str | None = None) -> Response:
    """The sign-in form; a fresh form token is set beside it (no session exists yet)."""
    token = new_form_token()
    response = page(request, "sign_in.html", {"csrf": token, "next": local_path(next)})
    _set_cookie(request, response, SIGN_IN_COOKIE, token, max_age=3600)
    return response


@router.post("/sign-in")
async def sign_in_submit(
    request: Request,
    name: Annotated[str, Form(max_length=200)],
    password: Annotated[str, Form(max_length=1000)],
    csrf: CsrfField = None,
    next: Annotated[str | None, Form()] = None,
) -> Response:
    expected = request.cookies.get(SIGN_IN_COOKIE)
    target = local_path(next)
    if not expected or csrf != expected:
        return page(
            request, "sign_in.html", {"csrf": expected, "next": target, "expired": True}, 403
        )
    signed = await run_in_threadpool(_sign_in, request, name, password)
    if signed is None:
        context = {"csrf": expected, "next": target, "failed": True, "name": name}
        return page(request, "sign_in.html", context, 401)
    cookie, _user = signed
    response = redirect(target)
    _set_cookie(request, response, SESSION_COOKIE, cookie, max_age=None)
    response.delete_cookie(SIGN_IN_COOKIE, path=PREFIX)
    return response


def _sign_in(request: Request, name: str, password: str) -> tuple[str, ConsoleUser] | None:
    with request.app.state.store.sessions() as session:
        return open_session(session=session, name=name, password=password)


@router.post("/sign-out")
async def sign_out_submit(request: Request, user: AnyUser, csrf: CsrfField = None) -> Response:
    check_form(user, csrf)
    cookie = request.cookies.get(SESSION_COOKIE, "")
    await run_in_threadpool(_sign_out, request, user, cookie)
    response = redirect(f"{PREFIX}/sign-in")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


def _sign_out(request: Request, user: ConsoleUser, cookie: str) -> None:
    with request.app.state.store.sessions() as session:
        close_session(session=session, user=user, cookie=cookie)


@router.get("/language")
async def choose_language(request: Request, lang: str, next: str | None = None) -> Response:
    """Keep the chosen language in a cookie and go back to the page it was chosen on."""
    response = redirect(local_path(next))
    chosen = console_language(lang)
    _set_cookie(request, response, LANGUAGE_COOKIE, chosen.value, max_age=ONE_YEAR_S, path="/")
    return response


def _set_cookie(
    request: Request,
    response: Response,
    name: str,
    value: str,
    *,
    max_age: int | None,
    path: str = PREFIX,
) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path="/" if name == SESSION_COOKIE else path,
        httponly=True,
        samesite="strict",
        secure=secure_cookies(request),
    )
