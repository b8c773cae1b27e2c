"""The transfer commands: `placement transfer review` and `placement transfers optimise`.

Thin: read the national tables and the current population, call `optimizer.transfers`, print.
Heavy imports stay inside the handlers so that `placement --help` starts fast.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from optimizer.domain import DistanceKind, InputError, Problem

Handler = Callable[[argparse.Namespace], int]

GROUNDS = (
    "home-region",
    "family",
    "health",
    "safety",
    "reorganisation",
    "operational-need",
    "keeping-order",
)
"""The values of `transfers.Ground`, listed here to keep this module light."""

LANGUAGES = ("en", "ru")
CAMPAIGN_LANGUAGES = ("en", "ru", "kk")


def add_commands(sub: Any, command: Callable[[str], Callable[[Handler], Handler]]) -> None:
    transfer = sub.add_parser("transfer", help="review a transfer request of one convict")
    transfer_sub = transfer.add_subparsers(dest="transfer_command", required=True)
    review = transfer_sub.add_parser(
        "review", help="is the transfer lawful, is there room, who could swap; recommend a decision"
    )
    review.add_argument("--convict", required=True, help="convict_id in the population")
    target = review.add_mutually_exclusive_group()
    target.add_argument(
        "--target-region", help="region code, e.g. KZ-71 (default: the home region)"
    )
    target.add_argument("--target-facility", help="facility_id, e.g. F072")
    review.add_argument(
        "--ground", choices=GROUNDS, default=GROUNDS[0], help="Penal Executive Code art. 88 ground"
    )
    review.add_argument(
        "--consent", action="store_true", help="the convict consents (operational need)"
    )
    _table_arguments(review)
    review.add_argument("--lang", choices=LANGUAGES, default="en")
    review.add_argument("--json", action="store_true", help="print the review as JSON")

    transfers = sub.add_parser("transfers", help="transfers of the whole population at once")
    transfers_sub = transfers.add_subparsers(dest="transfers_command", required=True)
    optimise = transfers_sub.add_parser(
        "optimise", help="the most convicts home, then the most km saved; nobody moves farther"
    )
    _table_arguments(optimise)
    _limit_arguments(optimise)
    optimise.add_argument("--out", type=Path, help="write the moves as CSV here")
    optimise.add_argument("--json", type=Path, help="write the summary as JSON here")
    optimise.add_argument(
        "--plan",
        type=Path,
        help="write the phased plan here: weeks.csv and a manifest per week (week-01.csv, ...)",
    )
    optimise.add_argument("--lang", choices=CAMPAIGN_LANGUAGES, default="en")

    generate = sub.add_parser(
        "generate-population",
        help="make the current population: every facility filled to its occupied",
    )
    generate.add_argument(
        "--seed", type=int, help="default: the seed of the bundled data/population.csv"
    )
    generate.add_argument("--out", type=Path, required=True)
    generate.add_argument(
        "--facilities", type=Path, help="facilities CSV (default: the national network)"
    )
    generate.add_argument("--regions", type=Path, help="regions CSV (default: the bundled one)")

    command("transfer")(_transfer)
    command("transfers")(_transfers)
    command("generate-population")(_generate_population)


def _table_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--population", type=Path, help="current population CSV (default: the bundled one)"
    )
    parser.add_argument(
        "--facilities", type=Path, help="facilities CSV (default: the national network)"
    )
    parser.add_argument("--regions", type=Path, help="regions CSV (default: the bundled one)")
    parser.add_argument(
        "--distance",
        choices=[d.value for d in DistanceKind],
        default=DistanceKind.GREAT_CIRCLE.value,
    )


def _limit_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--requests",
        type=Path,
        help="CSV of who may move: convict_id,basis (request|consent),received (YYYY-MM-DD)",
    )
    parser.add_argument(
        "--everyone",
        action="store_true",
        help="what-if: anyone may move, not only convicts with a request or consent",
    )
    parser.add_argument("--min-saved-km", type=float, default=100.0)
    parser.add_argument("--max-moves", type=int, help="overall cap on moves")
    parser.add_argument("--max-weeks", type=int, help="fit the escort seats of this many weeks")
    parser.add_argument(
        "--escort-seats", type=Path, help="weekly escort seats per region (default: data/)"
    )


def _limits(args: argparse.Namespace, regions: Any) -> tuple[Any, Any]:
    """The campaign limits and the candidates table from the options (InputError if bad)."""
    import pandas as pd

    from optimizer.transfers.limits import CampaignLimits, CampaignScope, read_escort_seats

    try:
        limits = CampaignLimits(
            min_saved_km=args.min_saved_km,
            escort_seats=read_escort_seats(args.escort_seats, regions),
            max_moves=args.max_moves,
            max_weeks=args.max_weeks,
            scope=CampaignScope.EVERYONE if args.everyone else CampaignScope.REQUESTS,
        )
    except ValueError as error:
        raise InputError([Problem("options", None, None, str(error))]) from None
    if args.requests is None:
        return limits, None
    try:
        table = pd.read_csv(args.requests, dtype=str, keep_default_na=False)
    except (OSError, pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        raise InputError([Problem(str(args.requests), None, None, str(error))]) from None
    return limits, table


def _tables(args: argparse.Namespace) -> tuple[Any, Any, Any]:
    from optimizer.data import read_facilities, read_regions
    from optimizer.population import read_population

    regions = read_regions(args.regions)
    facilities = read_facilities(args.facilities, regions)
    population = read_population(args.population, regions, facilities)
    return regions, facilities, population


def _transfer(args: argparse.Namespace) -> int:
    from optimizer.transfers import (
        Ground,
        UnknownIdError,
        evaluate_request,
        evaluation_document,
        render_evaluation,
    )

    regions, facilities, population = _tables(args)
    try:
        evaluation = evaluate_request(
            population,
            facilities,
            regions,
            args.convict,
            target_region=args.target_region,
            target_facility=args.target_facility,
            ground=Ground(args.ground),
            consent=args.consent,
            distance=DistanceKind(args.distance),
        )
    except UnknownIdError as error:
        option = {
            "convict": "--convict",
            "region": "--target-region",
            "facility": "--target-facility",
        }
        raise InputError([Problem(option[error.kind], None, None, str(error))]) from None
    if args.json:
        _say(json.dumps(evaluation_document(evaluation), ensure_ascii=False, indent=2))
    else:
        _say(render_evaluation(evaluation, args.lang))
    return 0


def _transfers(args: argparse.Namespace) -> int:
    from optimizer.data import write_csv_atomically, write_text_atomically
    from optimizer.transfers import optimise_transfers
    from optimizer.transfers.campaign_text import campaign_text

    regions, facilities, population = _tables(args)
    limits, requests = _limits(args, regions)
    if args.plan is not None:
        from optimizer.transfers.manifest import check_plan_folder

        check_plan_folder(args.plan)
    sys.stderr.write(f"Optimising transfers over {len(population):,} convicts...\n")
    result = optimise_transfers(
        population,
        facilities,
        regions,
        DistanceKind(args.distance),
        limits=limits,
        requests=requests,
    )
    if args.plan is not None:
        _write_plan(result, facilities, args.plan, args.lang)
    if args.out is not None:
        write_csv_atomically(result.moves, args.out)
    if args.json is not None:
        write_text_atomically(json.dumps(result.as_dict(), ensure_ascii=False, indent=2), args.json)
    _say(campaign_text(result, regions, facilities, args.lang))
    if args.out is not None:
        _say(f"Moves written to {args.out}.")
    if args.plan is not None:
        _say(f"Plan written to {args.plan}: weeks.csv and {result.plan.weeks} weekly manifests.")
    return 0


def _write_plan(result: Any, facilities: Any, folder: Path, lang: str) -> None:
    from optimizer.transfers.manifest import RailRoutes, manifests, write_plan

    by_week = manifests(result.moves, facilities, RailRoutes.read(), lang)
    write_plan(result.weeks, by_week, folder)


def _generate_population(args: argparse.Namespace) -> int:
    from optimizer.data import read_facilities, read_regions, write_csv_atomically
    from optimizer.population import POPULATION_SEED, generate_population

    regions = read_regions(args.regions)
    facilities = read_facilities(args.facilities, regions)
    seed = POPULATION_SEED if args.seed is None else args.seed
    population = generate_population(regions, facilities, seed)
    write_csv_atomically(population, args.out)
    _say(f"Wrote {len(population):,} placed convicts to {args.out} (seed {seed}).")
    return 0


def _say(text: str) -> None:
    """Results go to stdout (this module is a CLI; ruff's print rule applies only to cli.py)."""
    sys.stdout.write(text + "\n")
