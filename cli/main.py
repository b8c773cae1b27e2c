"""The `placement` command: parse, read, solve, write, print a summary.

Exit status: 0 done; 1 solved with unplaced convicts when `--strict` was asked; 2 bad input.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence

from cli import allocate, explain, forecast, policies, service, transfers
from cli.options import add_language_argument, say
from optimizer.data_messages import localised_notice, problem_text
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
    add_language_everywhere(sub)
    return parser


def add_language_everywhere(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """`--lang` on every command that does not declare it itself (default English)."""
    for parser in sub.choices.values():
        nested = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
        if nested:
            add_language_everywhere(nested[0])
        elif "--lang" not in parser._option_string_actions:
            add_language_argument(parser)


def main(argv: Sequence[str] | None = None) -> int:
    handlers: dict[str, Handler] = {}
    args = _parser(handlers).parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(name)s: %(message)s" if args.verbose else "placement: %(message)s",
        stream=sys.stderr,
    )
    for handler in logging.getLogger().handlers:
        handler.addFilter(lambda record: localised_notice(record, args.lang))
    try:
        return handlers[args.command](args)
    except InputError as error:
        print(say(args).plural("input.problems", len(error.problems)), file=sys.stderr)
        for problem in error.problems:
            print(f"  {problem_text(problem, args.lang)}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except ModuleNotFoundError as error:
        extra = EXTRAS.get((error.name or "").split(".")[0])
        if extra is None:
            raise
        text = say(args)("missing.package", command=args.command, package=error.name, extra=extra)
        print(text, file=sys.stderr)
        return EXIT_BAD_INPUT


if __name__ == "__main__":
    sys.exit(main())
