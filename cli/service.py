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
    command("serve")(_serve)

    token = subparsers.add_parser("token", help="manage API bearer tokens")
    actions = token.add_subparsers(dest="token_command", required=True)
    create = actions.add_parser("create", help="create a token and print it once")
    create.add_argument("--role", required=True, choices=ROLES)
    create.add_argument(
        "--name", required=True, help="who or what uses the token (in the audit log)"
    )
    create.add_argument("--database-url", help="store URL (default as for `serve`)")
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

    import uvicorn

    from api.services.benchmarks import fail_unfinished_benchmarks
    from api.services.setup import open_store

    if args.workers < 1:
        sys.stderr.write("placement: --workers must be at least 1\n")
        return 2
    settings = _settings(args)
    # Migrate and seed once, here, so that workers starting together find the store ready;
    # benchmark jobs that a stopped service left unfinished will never finish.
    opened = open_store(settings)
    try:
        with opened.sessions() as session:
            fail_unfinished_benchmarks(session=session)
    finally:
        opened.close()
    os.environ["DATABASE_URL"] = settings.database_url
    # uvicorn's access log prints request paths, and ids in paths are convict data: it stays
    # off; api.access logs route templates instead.
    uvicorn.run(
        "api.app:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        access_log=False,
        log_config=_log_config(),
    )
    return 0


def _log_config() -> dict[str, Any]:
    """uvicorn's logging, plus the service's own loggers (route templates, never paths)."""
    import copy

    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config["loggers"]["api"] = {"handlers": ["default"], "level": "INFO", "propagate": False}
    return config


def _token(args: argparse.Namespace) -> int:
    from api.auth import Role, create_token
    from api.db import writing
    from api.services.setup import open_store

    name = args.name.strip()
    if not name or len(name) > MAX_NAME or "\x00" in name:
        sys.stderr.write(f"placement: --name must be 1 to {MAX_NAME} characters\n")
        return 2
    settings = _settings(args)
    opened = open_store(settings)
    try:
        with opened.sessions() as session, writing(session):
            token = create_token(session=session, role=Role(args.role), name=name)
    finally:
        opened.close()
    sys.stdout.write(token + "\n")
    sys.stderr.write(f"Token for {name} ({args.role}) created; it is shown only this once.\n")
    return 0


def _read_password(args: argparse.Namespace) -> str | None:
    """The new password from standard input's first line, or asked twice on the terminal."""
    import getpass

    if args.password_stdin:
        line = sys.stdin.readline()
        return line[:-1] if line.endswith("\n") else line
    first = getpass.getpass("Password: ")
    if getpass.getpass("Password again: ") != first:
        sys.stderr.write("placement: the two passwords differ\n")
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
        sys.stderr.write(f"placement: {error}\n")
        return 2
    sys.stderr.write(f"Account {name} ({args.role}) created; sign in at the console.\n")
    return 0
