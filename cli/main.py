"""The `placement` command: parse, read, solve, write, print a summary.

Exit status: 0 done; 1 solved with unplaced convicts when `--strict` was asked; 2 bad input.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence

from cli import allocate, explain, forecast, policies, service, transfers
from optimizer.domain import InputError

EXIT_BAD_INPUT = 2

Handler = Callable[[argparse.Namespace], int]

COMMAND_FAMILIES = (allocate, explain, transfers, policies, forecast, service)
"""Modules that add subcommands, each with `add_commands(subparsers, command)`; they keep heavy
imports inside their handlers, so `placement --help` starts fast."""

EXTRAS = {
    "fastapi": "api",
    "uvicorn": "api",
    "sqlalchemy": "api",
    "alembic": "api",
    "pydantic_settings": "api",
    "psycopg": "api",
    "matplotlib": "report",
    "distributed": "sweep",
    "dask": "sweep",
}
"""Optional packages and the extra of this package that installs them."""


def _parser(handlers: dict[str, Handler]) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="placement", description=__doc__)
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="log solver progress on stderr"
    )
    sub = parser.add_subparsers(dest="command", required=True)

    def command(name: str) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            handlers[name] = handler
            return handler

        return register

    for family in COMMAND_FAMILIES:
        family.add_commands(sub, command)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    handlers: dict[str, Handler] = {}
    args = _parser(handlers).parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(name)s: %(message)s" if args.verbose else "placement: %(message)s",
        stream=sys.stderr,
    )
    try:
        return handlers[args.command](args)
    except InputError as error:
        print(f"placement: {len(error.problems)} problem(s) in the input:", file=sys.stderr)
        for problem in error.problems:
            print(f"  {problem}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except ModuleNotFoundError as error:
        extra = EXTRAS.get((error.name or "").split(".")[0])
        if extra is None:
            raise
        print(
            f"placement {args.command}: needs the optional package {error.name!r}; "
            f"install it with: pip install -e '.[{extra}]'",
            file=sys.stderr,
        )
        return EXIT_BAD_INPUT


if __name__ == "__main__":
    sys.exit(main())
