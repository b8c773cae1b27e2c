"""`placement explain`: the explanation of one convict's placement, in words or as JSON."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cli.options import add_network_arguments, add_solve_arguments, solve_options

Handler = Callable[[argparse.Namespace], int]


def add_commands(
    sub: argparse._SubParsersAction[argparse.ArgumentParser],
    command: Callable[[str], Callable[[Handler], Handler]],
) -> None:
    explain = sub.add_parser("explain", help="explain one convict's placement")
    explain.add_argument(
        "--convicts", type=Path, required=True, help="the convicts CSV that was allocated"
    )
    explain.add_argument(
        "--placements", type=Path, required=True, help="the placements CSV it produced"
    )
    explain.add_argument("--convict", required=True, help="the convict_id to explain")
    explain.add_argument("--json", action="store_true", help="print the structured explanation")
    add_network_arguments(explain)
    add_solve_arguments(explain)
    command("explain")(_explain)


def _explain(args: argparse.Namespace) -> int:
    from optimizer.allocation import solve
    from optimizer.data import read_convicts, read_csv_text, read_facilities, read_regions
    from optimizer.data_messages import problem
    from optimizer.domain import InputError
    from optimizer.explain import explain_convict, render_explanation

    regions = read_regions(args.regions)
    facilities = read_facilities(args.facilities, regions)
    convicts = read_convicts(args.convicts, regions)
    matches = (convicts["convict_id"] == args.convict).to_numpy().nonzero()[0]
    if len(matches) == 0:
        raise InputError(
            [problem(args.convicts.name, None, "convict_id", "no-convict", convict_id=args.convict)]
        )
    solution = solve(convicts, facilities, solve_options(args))
    _check_same_allocation(
        read_csv_text(args.placements), solution.placements, args.placements.name
    )
    explanation = explain_convict(solution, regions, int(matches[0]))
    if args.json:
        sys.stdout.write(json.dumps(explanation, ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(render_explanation(explanation, args.lang, regions, facilities) + "\n")
    return 0


def _check_same_allocation(given: Any, solved: Any, file: str) -> None:
    """An explanation is of one allocation: refuse placements that are not this optimum."""
    from optimizer.data_messages import problem
    from optimizer.domain import InputError

    problems = []
    for column in ("convict_id", "facility_id"):
        if column not in given.columns:
            problems.append(problem(file, None, column, "missing-column"))
    if not problems and len(given) != len(solved):
        problems.append(
            problem(file, None, None, "rows-differ", given=len(given), solved=len(solved))
        )
    if not problems:
        differs = (given["convict_id"].to_numpy() != solved["convict_id"].to_numpy()) | (
            given["facility_id"].to_numpy() != solved["facility_id"].to_numpy()
        )
        problems += [
            problem(
                file,
                int(row) + 1,
                "facility_id",
                "not-optimal",
                given=given["facility_id"].iat[row],
                solved=solved["facility_id"].iat[row],
            )
            for row in differs.nonzero()[0][:20]
        ]
    if problems:
        raise InputError(problems)
