"""The `placement` command: parse, read, solve, write, print a summary.

Exit status: 0 done; 1 solved with unplaced convicts when `--strict` was asked; 2 bad input.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from optimizer.domain import DistanceKind, InputError, Objective, SolveOptions

EXIT_OK, EXIT_UNPLACED, EXIT_BAD_INPUT = 0, 1, 2

Handler = Callable[[argparse.Namespace], int]
_handlers: dict[str, Handler] = {}


def command(name: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        _handlers[name] = handler
        return handler

    return register


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="placement", description=__doc__)
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="log solver progress on stderr"
    )
    sub = parser.add_subparsers(dest="command", required=True)

    allocate = sub.add_parser("allocate", help="allocate newly sentenced convicts to facilities")
    allocate.add_argument(
        "--convicts", type=Path, required=True, help="CSV of the convicts input contract"
    )
    allocate.add_argument("--out", type=Path, required=True, help="placements CSV to write")
    _network_arguments(allocate)
    _solve_arguments(allocate)
    allocate.add_argument(
        "--explain", type=Path, help="also write one JSON explanation per line here"
    )
    allocate.add_argument("--summary-json", type=Path, help="also write the summary as JSON here")
    allocate.add_argument(
        "--strict", action="store_true", help="exit 1 when any convict is unplaced"
    )
    allocate.add_argument(
        "--quiet", action="store_true", help="print only the first lines of the summary"
    )

    cohort = sub.add_parser("generate-cohort", help="make a realistic batch of new convicts")
    cohort.add_argument("--size", type=int, required=True)
    cohort.add_argument("--seed", type=int, default=0)
    cohort.add_argument("--out", type=Path, required=True)
    cohort.add_argument("--regions", type=Path, help="regions CSV (default: the bundled one)")
    cohort.add_argument(
        "--unique-homes", action="store_true", help="give every convict a home point"
    )

    for module in _command_modules():
        module.add_commands(sub, command)
    return parser


_COMMAND_MODULES = (
    "cli.explain",
    "cli.transfers",
    "cli.policies",
    "cli.service",
)
"""Modules that add subcommands, each with `add_commands(subparsers, command)`; they keep heavy
imports inside their handlers. `api.cli` is present with the service's package."""


def _command_modules() -> list[Any]:
    import importlib
    import importlib.util

    return [importlib.import_module(n) for n in _COMMAND_MODULES if importlib.util.find_spec(n)]


def _network_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--facilities", type=Path, help="facilities CSV (default: the national network)"
    )
    parser.add_argument("--regions", type=Path, help="regions CSV (default: the bundled one)")


def _solve_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--objective", choices=[o.value for o in Objective], default=Objective.MIN_DISTANCE.value
    )
    parser.add_argument(
        "--distance",
        choices=[d.value for d in DistanceKind],
        default=DistanceKind.GREAT_CIRCLE.value,
    )
    parser.add_argument(
        "--time-limit", type=float, default=60.0, help="seconds, for the integer model"
    )


def _options(args: argparse.Namespace) -> SolveOptions:
    return SolveOptions(
        objective=Objective(args.objective),
        distance=DistanceKind(args.distance),
        time_limit_s=args.time_limit,
    )


@command("allocate")
def _allocate(args: argparse.Namespace) -> int:
    from optimizer.allocation import solve, summarize
    from optimizer.data import (
        read_convicts,
        read_facilities,
        read_regions,
        write_csv_atomically,
        write_text_atomically,
    )

    regions = read_regions(args.regions)
    facilities = read_facilities(args.facilities, regions)
    convicts = read_convicts(args.convicts, regions)
    solution = solve(convicts, facilities, _options(args))
    summary = summarize(solution)
    documents: dict[Path, str] = {}
    if args.explain is not None:
        from optimizer.explain import explain_all

        documents[args.explain] = "".join(
            json.dumps(e, ensure_ascii=False) + "\n" for e in explain_all(solution, regions)
        )
    if args.summary_json is not None:
        from optimizer.explain import run_facts

        document = {**summary.as_dict(), "run_facts": run_facts(solution, regions)}
        documents[args.summary_json] = json.dumps(document, indent=2, ensure_ascii=False)
    # Everything is computed before anything is written; each file is replaced atomically.
    write_csv_atomically(solution.placements, args.out)
    for path, text in documents.items():
        write_text_atomically(text, path)
    text = summary.text()
    print("\n".join(text.splitlines()[:4]) if args.quiet else text)
    print(f"Placements written to {args.out}.")
    if args.strict and summary.placed < summary.convicts:
        return EXIT_UNPLACED
    return EXIT_OK


@command("generate-cohort")
def _generate_cohort(args: argparse.Namespace) -> int:
    from optimizer.cohort import generate_cohort
    from optimizer.data import read_regions, write_csv_atomically

    if args.size < 1:
        print("placement: --size must be at least 1", file=sys.stderr)
        return EXIT_BAD_INPUT
    cohort = generate_cohort(
        args.size, args.seed, read_regions(args.regions), unique_homes=args.unique_homes
    )
    write_csv_atomically(cohort, args.out)
    print(f"Wrote {len(cohort):,} convicts to {args.out} (seed {args.seed}).")
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING, stream=sys.stderr)
    try:
        return _handlers[args.command](args)
    except InputError as error:
        print(f"placement: {len(error.problems)} problem(s) in the input:", file=sys.stderr)
        for problem in error.problems:
            print(f"  {problem}", file=sys.stderr)
        return EXIT_BAD_INPUT


if __name__ == "__main__":
    sys.exit(main())
