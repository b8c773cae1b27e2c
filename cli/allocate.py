"""`placement allocate` and `placement generate-cohort`: the weekly batch, end to end."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    pass

from cli.options import add_network_arguments, add_solve_arguments, say, solve_options

EXIT_OK, EXIT_UNPLACED, EXIT_BAD_INPUT = 0, 1, 2

Handler = Callable[[argparse.Namespace], int]


def add_commands(sub: Any, command: Callable[[str], Callable[[Handler], Handler]]) -> None:
    """Register `allocate` and `generate-cohort` with the `placement` command."""
    allocate = sub.add_parser("allocate", help="allocate newly sentenced convicts to facilities")
    allocate.add_argument(
        "--convicts", type=Path, required=True, help="CSV of the convicts input contract"
    )
    allocate.add_argument("--out", type=Path, required=True, help="placements CSV to write")
    add_network_arguments(allocate)
    add_solve_arguments(allocate)
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
    command("allocate")(_allocate)

    cohort = sub.add_parser("generate-cohort", help="make a realistic batch of new convicts")
    cohort.add_argument("--size", type=int, required=True)
    cohort.add_argument("--seed", type=int, default=0)
    cohort.add_argument("--out", type=Path, required=True)
    cohort.add_argument("--regions", type=Path, help="regions CSV (default: the bundled one)")
    cohort.add_argument(
        "--unique-homes", action="store_true", help="give every convict a home point"
    )
    command("generate-cohort")(_generate_cohort)


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
    solution = solve(convicts, facilities, solve_options(args))
    summary = summarize(solution)
    documents = _documents(args, solution, regions, summary)
    # Everything is computed before anything is written; each file is replaced atomically.
    write_csv_atomically(solution.placements, args.out)
    for path, text in documents.items():
        write_text_atomically(text, path)
    text = summary.text(args.lang, regions)
    print("\n".join(text.splitlines()[:4]) if args.quiet else text)
    print(say(args)("allocate.written", path=args.out))
    if args.strict and summary.placed < summary.convicts:
        return EXIT_UNPLACED
    return EXIT_OK


def _documents(
    args: argparse.Namespace, solution: Any, regions: Any, summary: Any
) -> dict[Path, str]:
    """The optional outputs, as text, keyed by the file they go to."""
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
    return documents


def _generate_cohort(args: argparse.Namespace) -> int:
    from optimizer.cohort import generate_cohort
    from optimizer.data import read_regions, write_csv_atomically

    if args.size < 1:
        print(say(args)("cohort.size"), file=sys.stderr)
        return EXIT_BAD_INPUT
    cohort = generate_cohort(
        args.size, args.seed, read_regions(args.regions), unique_homes=args.unique_homes
    )
    write_csv_atomically(cohort, args.out)
    words = say(args)
    convicts = words.plural("cohort.convicts", len(cohort))
    print(words("cohort.written", convicts=convicts, path=args.out, seed=args.seed))
    return EXIT_OK
