"""Options shared by several commands: the network files, how to solve, the language."""

from __future__ import annotations

import argparse
from pathlib import Path

from optimizer.domain import DistanceKind, Objective, SolveOptions
from optimizer.i18n import FALLBACK, LANGUAGES, Translator, translator

DEFAULTS = SolveOptions()

DOMAIN = "cli"
"""The gettext domain of the command's own messages (`optimizer/locale/<lang>/LC_MESSAGES`)."""


def add_language_argument(parser: argparse.ArgumentParser) -> None:
    """`--lang`: the language of everything the command prints (default English)."""
    parser.add_argument(
        "--lang",
        choices=LANGUAGES,
        default=FALLBACK.value,
        help="language of the output: en, ru or kk (default en)",
    )


def say(args: argparse.Namespace) -> Translator:
    """The command's own messages in the language asked with `--lang`."""
    return translator(DOMAIN, getattr(args, "lang", FALLBACK.value))


def add_network_arguments(parser: argparse.ArgumentParser) -> None:
    """`--facilities` and `--regions`: the bundled national tables unless given."""
    parser.add_argument(
        "--facilities", type=Path, help="facilities CSV (default: the national network)"
    )
    parser.add_argument("--regions", type=Path, help="regions CSV (default: the bundled one)")


def add_solve_arguments(parser: argparse.ArgumentParser) -> None:
    """`--objective`, `--distance` and `--time-limit`, with the engine's own defaults."""
    parser.add_argument(
        "--objective",
        choices=[o.value for o in Objective],
        default=DEFAULTS.objective.value,
        help=f"what to optimise after placing as many as possible (default {DEFAULTS.objective})",
    )
    parser.add_argument(
        "--distance",
        choices=[d.value for d in DistanceKind],
        default=DEFAULTS.distance.value,
        help=f"how distance from home is measured (default {DEFAULTS.distance})",
    )
    parser.add_argument(
        "--time-limit",
        type=float,
        default=DEFAULTS.time_limit_s,
        help="seconds, for the integer model",
    )


def solve_options(args: argparse.Namespace) -> SolveOptions:
    """The SolveOptions that `add_solve_arguments` collected."""
    return SolveOptions(
        objective=Objective(args.objective),
        distance=DistanceKind(args.distance),
        time_limit_s=args.time_limit,
    )
