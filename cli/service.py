"""`placement serve`, `placement token create` and `placement user create`: the service's
commands.

Heavy imports (FastAPI, SQLAlchemy, uvicorn) stay inside the handlers so that the engine's
commands start quickly.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any

from cli.options import say

Handler = Callable[[argparse.Namespace], int]
ROLES = ("allocator", "reviewer", "analyst", "auditor", "admin")
MAX_NAME = 200


def add_commands(subparsers: Any, command: Callable[[str], Callable[[Handler], Handler]]) -> None:
    serve = subparsers.add_parser("serve", help="run the placement service (HTTP API, /docs)")
    serve.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)"
    )
    serve.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
    serve.add_argument(
        "--database-url",
        help="store URL (default: $DATABASE_URL, else the SQLite file ./placement.sqlite3)",
    )
    serve.add_argument(
        "--workers", type=int, default=1, help="worker processes (default 1; one per core at most)"
    )
    serve.add_argument(
        "--answer-days",
        type=int,
        help="calendar days to answer a transfer request (default: "
        "$PLACEMENT_TRANSFER_ANSWER_DAYS, else 15; see data/README.md)",
    )
    serve.add_argument(
        "--log-format",
        choices=("json", "text"),
        default="json",
        help="json: one object per line (default); text: uvicorn's plain lines",
    )
    command("serve")(_serve)

    token = subparsers.add_parser("token", help="manage API bearer tokens")
    actions = token.add_subparsers(dest="token_command", required=True)
    create = actions.add_parser("create", help="create a token and print it once")
    create.add_argument("--role", required=True, choices=ROLES)
    create.add_argument(
        "--name", required=True, help="who or what uses the token (in the audit log)"
    )
    create.add_argument("--database-url", help="store URL (default as for `serve`)")
    revoke = actions.add_parser(
        "revoke", help="revoke every token issued to a name (recorded in the audit log)"
    )
    revoke.add_argument("--name", required=True, help="the name the tokens were created for")
    revoke.add_argument("--database-url", help="store URL (default as for `serve`)")
    command("token")(_token)

    user = subparsers.add_parser("user", help="manage console accounts (sign-in for people)")
    user_actions = user.add_subparsers(dest="user_command", required=True)
    user_create = user_actions.add_parser(
        "create", help="create a console account; the password is asked for, never an argument"
    )
    user_create.add_argument("--role", required=True, choices=ROLES)
    user_create.add_argument("--name", required=True, help="the sign-in name (in the audit log)")
    user_create.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from the first line of standard input (for scripts)",
    )
    user_create.add_argument("--database-url", help="store URL (default as for `serve`)")
    command("user")(_user)


def _settings(args: argparse.Namespace) -> Any:
    from api.settings import Settings

    if args.database_url:
        return Settings(database_url=args.database_url)
    return Settings()


def _serve(args: argparse.Namespace) -> int:
    import os

    from api.audit_anchor import AnchorError
    from api.db import StoreUnavailable
    from api.services.benchmarks import fail_unfinished_benchmarks
    from api.services.setup import open_store

    if args.workers < 1:
        _tell(args, "serve.workers")
        return 2
    if args.answer_days is not None:
        if not 1 <= args.answer_days <= 365:
            sys.stderr.write("placement: --answer-days must be from 1 to 365\n")
            return 2
        os.environ["PLACEMENT_TRANSFER_ANSWER_DAYS"] = str(args.answer_days)
    settings = _settings(args)
    # Migrate and seed once, here, so that workers starting together find the store ready;
    # benchmark jobs that a stopped service left unfinished will never finish.
    try:
        opened = open_store(settings)
    except (StoreUnavailable, AnchorError) as error:
        _tell(args, "store.error", error=error)
        return 2
    try:
        with opened.sessions() as session:
            fail_unfinished_benchmarks(session=session)
    finally:
        opened.close()
    os.environ["DATABASE_URL"] = settings.database_url
    _run_server(args)
    return 0


def _run_server(args: argparse.Namespace) -> None:
    """uvicorn, with one change for several workers: the listening socket they share gets
    TCP_NODELAY. Linux hands it on to every accepted connection; without it, the workers'
    connections keep Nagle's algorithm (asyncio sets TCP_NODELAY only on sockets it knows to be
    TCP, and a socket passed to a worker process is not recognised as one), and every response
    on a reused connection waits for the client's delayed ACK, about 40 ms."""
    import socket

    import uvicorn
    from uvicorn.supervisors import Multiprocess

    # uvicorn's access log prints request paths, and ids in paths are convict data: it stays
    # off; api.access logs route templates instead.
    config = uvicorn.Config(
        "api.app:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        access_log=False,
        log_config=_log_config(args.log_format),
    )
    if config.workers == 1:
        uvicorn.Server(config).run()
        return
    sock = config.bind_socket()
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    Multiprocess(config, sockets=[sock]).run()


def _log_config(log_format: str) -> dict[str, Any]:
    """uvicorn's logging, plus the service's own loggers (route templates, never paths); with
    `json`, every line one JSON object (`api.log_format`)."""
    import copy

    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config["loggers"]["api"] = {"handlers": ["default"], "level": "INFO", "propagate": False}
    if log_format == "json":
        config["formatters"]["default"] = {"()": "api.log_format.JsonFormatter"}
    return config


def _token(args: argparse.Namespace) -> int:
    import getpass

    from api.audit_anchor import AnchorError
    from api.auth import Role
    from api.db import StoreUnavailable
    from api.services.setup import open_store
    from api.services.tokens import issue_token, revoke_tokens

    name = args.name.strip()
    if not name or len(name) > MAX_NAME or "\x00" in name:
        _tell(args, "token.name", limit=MAX_NAME)
        return 2
    try:
        opened = open_store(_settings(args))
    except (StoreUnavailable, AnchorError) as error:
        _tell(args, "store.error", error=error)
        return 2
    actor = f"operator:{getpass.getuser()}"
    try:
        with opened.sessions() as session:
            if args.token_command == "revoke":
                revoked = revoke_tokens(session=session, name=name, actor=actor)
            else:
                token = issue_token(session=session, role=Role(args.role), name=name, actor=actor)
    finally:
        opened.close()
    if args.token_command == "revoke":
        if not revoked:
            _tell(args, "token.none", name=name)
            return 2
        sys.stderr.write(say(args).plural("token.revoked", revoked, name=name) + "\n")
        return 0
    sys.stdout.write(token + "\n")
    _tell(args, "token.created", name=name, role=_role(args))
    return 0


def _read_password(args: argparse.Namespace) -> str | None:
    """The new password from standard input's first line, or asked twice on the terminal."""
    import getpass

    if args.password_stdin:
        line = sys.stdin.readline()
        return line[:-1] if line.endswith("\n") else line
    first = getpass.getpass(say(args)("password.ask"))
    if getpass.getpass(say(args)("password.again")) != first:
        _tell(args, "password.differ")
        return None
    return first


def _user(args: argparse.Namespace) -> int:
    from api.auth import AccountError, Role, check_account
    from api.services.accounts import create_account
    from api.services.setup import open_store

    password = _read_password(args)
    if password is None:
        return 2
    try:
        name = check_account(args.name, password)
        opened = open_store(_settings(args))
        try:
            with opened.sessions() as session:
                create_account(
                    session=session,
                    role=Role(args.role),
                    name=name,
                    password=password,
                    actor="admin:command-line",
                )
        finally:
            opened.close()
    except AccountError as error:
        sentence = say(args)(f"account.{error.key}", **error.fields)
        _tell(args, "command.refused", sentence=sentence)
        return 2
    _tell(args, "account.created", name=name, role=_role(args))
    return 0


def _tell(args: argparse.Namespace, key: str, **fields: object) -> None:
    """One line on standard error, in the language asked with `--lang`."""
    sys.stderr.write(say(args)(key, **fields) + "\n")


def _role(args: argparse.Namespace) -> str:
    """The role asked for, as the language names it (`allocator`, «распределитель»)."""
    return str(say(args)(f"role.{args.role}"))
