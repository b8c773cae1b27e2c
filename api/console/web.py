"""What every console page shares: the templates per language, who is signed in, the form
token check, and refusals shown as pages rather than JSON."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Coroutine
from functools import cache
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, Form, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.routing import APIRoute
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, select_autoescape

from api.auth import ConsoleUser, Role, forms_match, session_user
from api.console.i18n import (
    LANGUAGE_COOKIE,
    LANGUAGE_NAMES,
    ConsoleLanguage,
    console_language,
    moment,
    number,
    percent,
    translations,
)
from api.errors import ServiceError
from api.errors import message as service_sentence
from optimizer.data_messages import problem_message
from optimizer.i18n import Language

TEMPLATES = Path(__file__).resolve().parent / "templates"
SESSION_COOKIE = "placement_session"
SIGN_IN_COOKIE = "placement_sign_in"
PREFIX = "/console"


def language_of(request: Request) -> ConsoleLanguage:
    return console_language(request.cookies.get(LANGUAGE_COOKIE))


@cache
def templates(lang: ConsoleLanguage) -> Jinja2Templates:
    """One template environment per language, its catalogue installed once."""
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.install_gettext_translations(translations(lang), newstyle=True)  # type: ignore[attr-defined]
    environment.filters["num"] = lambda v, digits=0: number(v, lang, digits)
    environment.filters["pct"] = lambda v: percent(v, lang)
    environment.filters["when"] = lambda v: moment(v, lang)
    environment.filters["problem"] = lambda p: problem_message(p, lang.value)
    environment.filters["refusal"] = lambda detail: refusal_in(detail, lang)
    environment.globals["languages"] = LANGUAGE_NAMES
    environment.globals["lang"] = lang
    return Jinja2Templates(env=environment)


def refusal_in(detail: str, lang: ConsoleLanguage) -> str:
    """A refusal's sentence in the page's language: the console's words, else the service's
    catalogue of fixed sentences, else as it came (a sentence naming ids and rules)."""
    local = translations(lang).gettext(detail)
    return local if local != detail else service_sentence(detail, Language(lang.value))


def page(
    request: Request, name: str, context: dict[str, Any] | None = None, status_code: int = 200
) -> HTMLResponse:
    """A rendered page in the request's language, with the signed-in user if any."""
    lang = language_of(request)
    values = {"user": getattr(request.state, "console_user", None), **(context or {})}
    response = templates(lang).TemplateResponse(request, name, values, status_code=status_code)
    response.headers["Cache-Control"] = "no-store"
    return response


def redirect(path: str) -> RedirectResponse:
    """After a form: see the result with GET (303)."""
    return RedirectResponse(path, status_code=303)


def local_path(target: str | None, default: str = PREFIX) -> str:
    """A redirect target only within this site: a path, never another host."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    return target


class SignInRequired(Exception):
    """No signed-in session: the person is sent to the sign-in page."""

    def __init__(self, target: str) -> None:
        super().__init__(target)
        self.target = target


class PageError(Exception):
    """A refusal to show as a page: the status and a sentence already in the page's language."""

    def __init__(self, status_code: int, message: str) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.message = message


class ConsoleRoute(APIRoute):
    """A console route: refusals of the services become pages, not JSON bodies."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            try:
                return await handler(request)
            except SignInRequired as needed:
                return redirect(f"{PREFIX}/sign-in?next={quote(needed.target, safe='/')}")
            except PageError as error:
                return page(request, "error.html", {"message": error.message}, error.status_code)
            except ServiceError as error:
                return page(request, "error.html", {"detail": error.detail}, error.status_code)

        return handle


async def current_user(request: Request) -> ConsoleUser:
    """The signed-in person; anyone else is sent to sign in and brought back afterwards."""
    cookie = request.cookies.get(SESSION_COOKIE)
    found = None
    if cookie:
        found = await run_in_threadpool(_session_user, request, cookie)
    if found is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise SignInRequired(target if request.method == "GET" else PREFIX)
    request.state.console_user = found
    return found


def _session_user(request: Request, cookie: str) -> ConsoleUser | None:
    with request.app.state.store.sessions() as session:
        return session_user(session=session, cookie=cookie)


def allow(*roles: Role) -> Callable[..., Coroutine[Any, Any, ConsoleUser]]:
    """A dependency admitting the signed-in people of these roles and admins."""
    admitted = {*roles, Role.ADMIN}

    async def check(user: Annotated[ConsoleUser, Depends(current_user)]) -> ConsoleUser:
        if user.principal.role not in admitted:
            raise PageError(403, "")
        return user

    return check


def check_form(user: ConsoleUser, csrf: str | None) -> None:
    """Every form carries its session's token back; a form from elsewhere is refused."""
    if not forms_match(user.csrf_token, csrf):
        raise PageError(403, "")


CsrfField = Annotated[str | None, Form()]

Allocator = Annotated[ConsoleUser, Depends(allow(Role.ALLOCATOR))]
RunReader = Annotated[
    ConsoleUser, Depends(allow(Role.ALLOCATOR, Role.REVIEWER, Role.ANALYST, Role.AUDITOR))
]
Reviewer = Annotated[ConsoleUser, Depends(allow(Role.REVIEWER))]
TransferReader = Annotated[ConsoleUser, Depends(allow(Role.REVIEWER, Role.ANALYST, Role.AUDITOR))]
Analyst = Annotated[ConsoleUser, Depends(allow(Role.ANALYST))]
Auditor = Annotated[ConsoleUser, Depends(allow(Role.AUDITOR))]
Admin = Annotated[ConsoleUser, Depends(allow())]
AnyUser = Annotated[ConsoleUser, Depends(allow(*Role))]


def secure_cookies(request: Request) -> bool:
    """Cookies are marked Secure when the console is served over TLS."""
    return request.url.scheme == "https"


def new_form_token() -> str:
    return secrets.token_urlsafe(32)


def language_names() -> dict[ConsoleLanguage, str]:
    return dict(LANGUAGE_NAMES)
