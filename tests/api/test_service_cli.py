"""`placement token create` and `placement serve`, run as a user would."""

from __future__ import annotations

import hashlib
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from api.app import create_app
from api.settings import Settings
from cli.main import main


@pytest.fixture(autouse=True)
def in_a_temporary_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The commands keep the service's files (the audit key and checkpoints) under
    ./placement-data: here, a temporary folder."""
    monkeypatch.chdir(tmp_path)


def placement_command() -> list[str]:
    installed = Path(sys.executable).parent / "placement"
    return [str(installed)] if installed.exists() else [sys.executable, "-m", "cli.main"]


def create_token(database_url: str, role: str, name: str) -> str:
    done = subprocess.run(
        [
            *placement_command(),
            "token",
            "create",
            "--role",
            role,
            "--name",
            name,
            "--database-url",
            database_url,
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return done.stdout.strip()


def test_token_create_prints_a_token_once_and_stores_only_its_digest(
    database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status = main(
        [
            "token",
            "create",
            "--role",
            "auditor",
            "--name",
            "ombudsman",
            "--database-url",
            database_url,
        ]
    )
    assert status == 0
    token = capsys.readouterr().out.strip()
    assert token.startswith("plc_")
    engine = create_engine(database_url)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT name, role, token_digest FROM api_tokens")).all()
    engine.dispose()
    assert [tuple(r) for r in rows] == [
        ("ombudsman", "auditor", hashlib.sha256(token.encode()).hexdigest())
    ]
    app = create_app(Settings(database_url=database_url))
    try:
        with TestClient(app) as client:
            headers = {"Authorization": f"Bearer {token}"}
            assert client.get("/audit/verify", headers=headers).json()["ok"] is True
            assert client.post("/runs", json={"convicts": []}, headers=headers).status_code == 403
    finally:
        app.state.store.close()


@pytest.mark.parametrize("name", ["", "x" * 201])
def test_token_create_refuses_a_bad_name(database_url: str, name: str) -> None:
    assert (
        main(["token", "create", "--role", "admin", "--name", name, "--database-url", database_url])
        == 2
    )


def test_token_create_refuses_an_unknown_role(database_url: str) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["token", "create", "--role", "warden", "--name", "x", "--database-url", database_url])
    assert exited.value.code == 2


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_up(url: str, server: subprocess.Popen[Any], log: Path) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"the server exited: {log.read_text()}")
        try:
            if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.2)
    pytest.fail(f"the server did not answer: {log.read_text()}")


def test_serve_answers_over_http_and_logs_no_convict_data(
    tmp_path: Path, database_url: str, make_batch: Any
) -> None:
    port = free_port()
    log = tmp_path / "server.log"
    with log.open("w") as output:
        server = subprocess.Popen(
            [*placement_command(), "serve", "--port", str(port), "--database-url", database_url],
            stdout=output,
            stderr=subprocess.STDOUT,
            cwd=tmp_path,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(url, server, log)
        headers = {"Authorization": f"Bearer {create_token(database_url, 'allocator', 'desk')}"}
        batch = make_batch(30)
        with httpx.Client(base_url=url, headers=headers, timeout=60) as client:
            assert client.get("/docs").status_code == 200
            created = client.post("/runs", json={"convicts": batch})
            assert created.status_code == 201
            run_id = created.json()["run_id"]
            for record in batch[:3]:
                explained = client.get(
                    f"/runs/{run_id}/placements/{record['convict_id']}/explanation"
                )
                assert explained.status_code == 200
    finally:
        server.terminate()
        server.wait(timeout=30)
    output = log.read_text()
    assert "POST /runs 201" in output
    assert "GET /runs/{run_id}/placements/{convict_id}/explanation 200" in output
    for record in batch:
        assert record["convict_id"] not in output


def test_serve_refuses_zero_workers(database_url: str) -> None:
    assert main(["serve", "--workers", "0", "--database-url", database_url]) == 2


@pytest.mark.parametrize("days", ["0", "366"])
def test_serve_refuses_an_impossible_answer_term(
    database_url: str, days: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["serve", "--answer-days", days, "--database-url", database_url]) == 2
    assert "--answer-days must be from 1 to 365" in capsys.readouterr().err


def test_the_answer_term_is_a_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    from api.settings import Settings

    assert Settings().transfer_answer_days == 15
    monkeypatch.setenv("PLACEMENT_TRANSFER_ANSWER_DAYS", "30")
    assert Settings().transfer_answer_days == 30


def test_user_create_reads_the_password_from_standard_input(
    database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The account is stored with an argon2 hash and can sign in to the console."""
    import io

    from api import store
    from api.auth import password_matches
    from api.services.setup import open_store
    from api.settings import Settings

    monkeypatch.setattr("sys.stdin", io.StringIO("a long password\n"))
    args = ["user", "create", "--role", "reviewer", "--name", "Dana", "--password-stdin"]
    assert main([*args, "--database-url", database_url]) == 0
    assert "Account Dana (reviewer) created" in capsys.readouterr().err
    opened = open_store(Settings(database_url=database_url))
    try:
        with opened.sessions() as session:
            user = store.find_user(session=session, name="Dana")
            assert user is not None and user.role == "reviewer"
            assert password_matches(user.password_hash, "a long password")
    finally:
        opened.close()
    monkeypatch.setattr("sys.stdin", io.StringIO("a long password\n"))
    assert main([*args, "--database-url", database_url]) == 2
    assert "exists already" in capsys.readouterr().err


@pytest.mark.parametrize("password", ["short", "x" * 1001])
def test_user_create_refuses_a_weak_or_absurd_password(
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    password: str,
) -> None:
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
    args = ["user", "create", "--role", "admin", "--name", "x", "--password-stdin"]
    assert main([*args, "--database-url", database_url]) == 2
    assert "the password must be 10 to 1000 characters" in capsys.readouterr().err


def test_user_create_asks_twice_on_a_terminal(
    database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    answers = iter(["first password", "other password"])
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(answers))
    args = ["user", "create", "--role", "admin", "--name", "x", "--database-url", database_url]
    assert main(args) == 2
    assert "the two passwords differ" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("foo://somewhere", "not a store URL this service knows"),
        ("not a url", "not a store URL this service knows"),
        ("postgresql+psycopg://placement:secret@127.0.0.1:1/placement", "Connection refused"),
        ("sqlite:////proc/no-such-folder/placement.sqlite3", "No such file or directory"),
    ],
)
@pytest.mark.parametrize(
    "command", [["token", "create", "--role", "admin", "--name", "x"], ["serve"]]
)
def test_a_store_that_cannot_be_opened_is_one_line_and_exit_2(
    url: str, reason: str, command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*command, "--database-url", url]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert err.startswith("placement: cannot open the store ")
    assert reason in err
    assert "secret" not in err


def test_token_creation_and_revocation_are_audited_and_revocation_works(
    database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    create = ["token", "create", "--role", "auditor", "--name", "ombudsman"]
    assert main([*create, "--database-url", database_url]) == 0
    token = capsys.readouterr().out.strip()
    assert main(["token", "revoke", "--name", "ombudsman", "--database-url", database_url]) == 0
    assert "Revoked 1 token(s) of ombudsman." in capsys.readouterr().err
    assert main(["token", "revoke", "--name", "ombudsman", "--database-url", database_url]) == 2
    engine = create_engine(database_url)
    with engine.connect() as connection:
        actions = connection.execute(
            text("SELECT action, payload FROM audit_log ORDER BY sequence")
        ).all()
    engine.dispose()
    token_entries = [(a, p) for a, p in actions if a.startswith("token.")]
    assert [a for a, _ in token_entries] == ["token.created", "token.revoked"]
    assert all('"name":"ombudsman"' in p and token not in p for _, p in token_entries)
    admin = create_token(database_url, "admin", "root")
    application = create_app(Settings(database_url=database_url))
    try:
        with TestClient(application) as client:
            response = client.get("/audit", headers={"Authorization": f"Bearer {token}"})
            assert response.status_code == 401
            assert client.get("/audit", headers={"Authorization": f"Bearer {admin}"}).is_success
    finally:
        application.state.benchmarks.close()
        application.state.store.close()


def test_several_workers_share_a_listening_socket_without_nagle(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Accepted connections inherit TCP_NODELAY from the listening socket the workers share."""
    import argparse

    import uvicorn.supervisors

    from cli import service

    nodelay: list[int] = []

    class Recorder:
        def __init__(self, config: Any, sockets: list[socket.socket]) -> None:
            self.sockets = sockets

        def run(self) -> None:
            for sock in self.sockets:
                nodelay.append(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
                sock.close()

    monkeypatch.setattr(uvicorn.supervisors, "Multiprocess", Recorder)
    service._run_server(
        argparse.Namespace(host="127.0.0.1", port=free_port(), workers=2, log_format="json")
    )
    assert len(nodelay) == 1
    assert nodelay[0] != 0


def test_serve_logs_json_lines_and_counts_requests_in_metrics(
    tmp_path: Path, database_url: str
) -> None:
    import json

    port = free_port()
    log = tmp_path / "server.log"
    with log.open("w") as output:
        server = subprocess.Popen(
            [*placement_command(), "serve", "--port", str(port), "--database-url", database_url],
            stdout=output,
            stderr=subprocess.STDOUT,
            cwd=tmp_path,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(url, server, log)
        assert httpx.get(f"{url}/runs/00000000-0000-4000-8000-000000000000").status_code == 401
        metrics = httpx.get(f"{url}/metrics").text
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert 'placement_requests_total{method="GET",route="/health",status="200"' in metrics
    assert 'placement_requests_total{method="GET",route="/runs/{run_id}",status="401"' in metrics
    assert "placement_request_duration_seconds_bucket" in metrics
    records = [json.loads(line) for line in log.read_text().splitlines() if line.strip()]
    access = [r for r in records if r["logger"] == "api.access"]
    assert any(
        (r["method"], r["route"], r["status"]) == ("GET", "/runs/{run_id}", 401)
        and isinstance(r["duration_ms"], float)
        for r in access
    )
    assert "00000000-0000-4000-8000-000000000000" not in log.read_text()


def test_the_service_commands_speak_the_language_asked(
    database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import io

    url = ["--database-url", database_url]
    assert (
        main(["token", "create", "--role", "auditor", "--name", "Асан", *url, "--lang", "kk"]) == 0
    )
    assert capsys.readouterr().err == (
        "«Асан» үшін токен (рөлі: аудитор) жасалды; ол тек осы жолы ғана көрсетіледі.\n"
    )
    assert main(["token", "revoke", "--name", "Асан", *url, "--lang", "ru"]) == 0
    assert capsys.readouterr().err == "Отозван 1 токен, выданный «Асан».\n"
    assert main(["token", "revoke", "--name", "Асан", *url, "--lang", "ru"]) == 2
    assert capsys.readouterr().err == "placement: для «Асан» токены не выдавались\n"
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    args = ["user", "create", "--role", "admin", "--name", "x", "--password-stdin", *url]
    assert main([*args, "--lang", "ru"]) == 2
    assert capsys.readouterr().err == "placement: пароль должен содержать от 10 до 1000 символов\n"
    assert main(["serve", "--workers", "0", *url, "--lang", "kk"]) == 2
    assert capsys.readouterr().err == "placement: --workers мәні кемінде 1 болуы керек\n"
