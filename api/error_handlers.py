"""The one place where errors become responses, in two shapes only.

* 422: `{"detail": [problem, ...]}`, each problem with file, row, column and message: request
  validation, the engine's `InputError`, a refusal a rule gives (four-eyes, unlawful grant), an
  Idempotency-Key reused for another request, and a body that cannot be read at all.
* Every other refusal: `{"detail": "a fixed sentence"}` (401, 403, 404, 405, 409, 413).

A method the path does not offer is 405 with `Allow` naming every method the path does offer.
"""

from __future__ import annotations

import re
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from api.errors import (
    UNREADABLE_BODY,
    ServiceError,
    UnauthorizedError,
    message,
    problems_message,
    request_language,
)
from optimizer.data_messages import problem_message
from optimizer.domain import InputError, Problem
from optimizer.i18n import Language


def add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ServiceError)
    async def service_error(request: Request, error: ServiceError) -> JSONResponse:
        lang = language_of(request)
        if error.status_code == 422:
            problem = Problem("request", None, error.column, error.detail)
            return problems_response([problem], lang)
        headers = {"WWW-Authenticate": "Bearer"} if isinstance(error, UnauthorizedError) else None
        body = {"detail": error.detail}
        if lang is not None:
            body["message"] = message(error.detail, lang)
        return JSONResponse(body, status_code=error.status_code, headers=headers)

    @app.exception_handler(InputError)
    async def input_error(request: Request, error: InputError) -> JSONResponse:
        return problems_response(error.problems, language_of(request))

    @app.exception_handler(RequestValidationError)
    async def request_error(request: Request, error: RequestValidationError) -> JSONResponse:
        problems: dict[tuple[str, int | None, str | None], Problem] = {}
        for e in error.errors():
            problem = _problem(e)
            problems.setdefault((problem.file, problem.row, problem.column), problem)
        return problems_response(list(problems.values()), language_of(request))

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, error: HTTPException) -> JSONResponse:
        if error.status_code == 400:
            message = UNREADABLE_BODY.format(reason=str(error.detail).lower())
            return problems_response([Problem("request", None, None, message)])
        headers = dict(error.headers or {})
        if error.status_code == 405:
            headers["Allow"] = ", ".join(allowed_methods(request.app, request.scope))
        return JSONResponse(
            {"detail": error.detail}, status_code=error.status_code, headers=headers
        )


def allowed_methods(app: FastAPI, scope: Any) -> list[str]:
    """Every method the OpenAPI contract offers at the request's path (the router's own 405
    names only the methods of the first route it matched)."""
    path = scope.get("path", "")
    methods: set[str] = set()
    for pattern, offered in _path_methods(app):
        if pattern.fullmatch(path):
            methods |= offered
    return sorted(methods)


def _path_methods(app: FastAPI) -> list[tuple[re.Pattern[str], frozenset[str]]]:
    cached: list[tuple[re.Pattern[str], frozenset[str]]] | None = getattr(
        app.state, "path_methods", None
    )
    if cached is None:
        cached = [
            (
                re.compile(re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template))),
                frozenset(m.upper() for m in operations),
            )
            for template, operations in app.openapi()["paths"].items()
        ]
        app.state.path_methods = cached
    return cached


def language_of(request: Request) -> Language | None:
    """The language a request names (`?lang=`, else `Accept-Language`), or None."""
    return request_language(
        request.query_params.get("lang"), request.headers.get("accept-language")
    )


def problems_response(problems: list[Problem], lang: Language | None = None) -> JSONResponse:
    """422 with the problem list; with a language, a sentence saying how many there are and
    each problem in that language."""
    detail: list[dict[str, object]] = [
        {"file": p.file, "row": p.row, "column": p.column, "message": p.message} for p in problems
    ]
    body: dict[str, object] = {"detail": detail}
    if lang is not None:
        body["message"] = problems_message(len(problems), lang)
        for item, p in zip(detail, problems, strict=True):
            item["local_message"] = problem_message(p, lang)
    return JSONResponse(body, status_code=422)


def _problem(error: Any) -> Problem:
    """A request validation error as a problem: `convicts` rows count from 1 like a CSV's.

    The column is the field's name (a union's member names that pydantic appends are dropped);
    one problem per cell is kept.
    """
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
    column = names[0] if names else (str(where) if where in {"query", "header", "path"} else None)
    return Problem(file, row, column, str(error.get("msg", "is not valid")))
