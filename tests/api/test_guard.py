"""The request guard: a token and the body's size are checked before the body is read."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI

from api.app import create_app
from api.auth import Role
from api.settings import Settings

LIMIT = 4096


@pytest.fixture
def small_app(settings: Settings) -> Iterator[FastAPI]:
    """The service with a 4 KiB body limit."""
    application = create_app(settings.model_copy(update={"max_body_bytes": LIMIT}))
    yield application
    application.state.benchmarks.close()
    application.state.store.close()


class Exchange:
    """One request sent straight to the ASGI app, recording how much of the body was read."""

    def __init__(self, chunks: list[bytes]) -> None:
        self.chunks = chunks
        self.read = 0
        self.status = 0
        self.body = b""

    async def receive(self) -> dict[str, Any]:
        if self.read >= len(self.chunks):
            return {"type": "http.disconnect"}
        chunk = self.chunks[self.read]
        self.read += 1
        return {"type": "http.request", "body": chunk, "more_body": self.read < len(self.chunks)}

    async def send(self, message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            self.status = message["status"]
        elif message["type"] == "http.response.body":
            self.body += message.get("body", b"")


def call(app: FastAPI, path: str, chunks: list[bytes], headers: dict[str, str]) -> Exchange:
    import anyio

    exchange = Exchange(chunks)
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        "client": ("127.0.0.1", 1),
        "server": ("127.0.0.1", 80),
    }
    anyio.run(app, scope, exchange.receive, exchange.send)
    return exchange


JSON = {"content-type": "application/json"}


def test_a_body_without_a_token_is_refused_before_it_is_read(small_app: FastAPI) -> None:
    exchange = call(small_app, "/runs", [b'{"convicts": []}'], JSON | {"content-length": "16"})
    assert (exchange.status, json.loads(exchange.body)) == (401, {"detail": "Not authenticated"})
    assert exchange.read == 0


def test_a_body_with_an_unknown_token_is_refused_before_it_is_read(small_app: FastAPI) -> None:
    headers = JSON | {"authorization": "Bearer plc_nobody"}
    exchange = call(small_app, "/runs", [b"{}"], headers)
    assert (exchange.status, json.loads(exchange.body)) == (401, {"detail": "Invalid token"})
    assert exchange.read == 0


def test_a_body_for_a_route_of_another_role_is_refused_before_it_is_read(
    small_app: FastAPI, tokens: dict[Role, str]
) -> None:
    headers = JSON | {"authorization": f"Bearer {tokens[Role.AUDITOR]}"}
    exchange = call(small_app, "/runs", [b"{}"], headers)
    assert (exchange.status, json.loads(exchange.body)) == (
        403,
        {"detail": "Not permitted for this role"},
    )
    assert exchange.read == 0


@pytest.mark.parametrize("path", ["/runs", "/runs/csv", "/transfer-campaigns", "/benchmarks"])
def test_a_declared_length_over_the_limit_is_413_before_reading(
    small_app: FastAPI, path: str
) -> None:
    headers = JSON | {"content-length": str(LIMIT + 1)}
    exchange = call(small_app, path, [b"x" * (LIMIT + 1)], headers)
    assert exchange.status == 413
    assert json.loads(exchange.body) == {
        "detail": f"Request body exceeds the limit of {LIMIT} bytes"
    }
    assert exchange.read == 0


def test_a_streamed_body_is_cut_off_once_it_passes_the_limit(
    small_app: FastAPI, tokens: dict[Role, str]
) -> None:
    headers = JSON | {"authorization": f"Bearer {tokens[Role.ALLOCATOR]}"}
    chunks = [b'{"convicts": [' + b" " * 1000] + [b" " * 1000] * 20
    exchange = call(small_app, "/runs", chunks, headers)
    assert exchange.status == 413
    assert json.loads(exchange.body) == {
        "detail": f"Request body exceeds the limit of {LIMIT} bytes"
    }
    assert exchange.read == 5  # the fifth chunk passes 4096 bytes; the rest is never read


def test_a_body_within_the_limit_reaches_the_route(
    small_app: FastAPI, tokens: dict[Role, str]
) -> None:
    headers = JSON | {"authorization": f"Bearer {tokens[Role.ANALYST]}"}
    body = b'{"moves_limit": 5}'
    exchange = call(small_app, "/transfer-campaigns", [body], headers)
    assert exchange.status == 200, exchange.body


def test_reads_pass_without_a_body_check(small_app: FastAPI) -> None:
    from fastapi.testclient import TestClient

    with TestClient(small_app) as client:
        assert client.get("/health").status_code == 200
        assert client.get("/runs").status_code == 401
