"""`placement benchmark`: compare policies over the national population and write a report."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from optimizer.policies import BenchmarkSettings, Policy

from optimizer.domain import DistanceKind, InputError, Objective, Problem
from optimizer.i18n import LANGUAGES

Handler = Callable[[argparse.Namespace], int]

_MODES = {"steady-state": ("steady-state",), "flow": ("flow",), "both": ("steady-state", "flow")}


def add_commands(subparsers: Any, command: Callable[[str], Callable[[Handler], Handler]]) -> None:
    """Register `benchmark` with the `placement` command."""
    parser = subparsers.add_parser(
        "benchmark",
        help="compare merger and capacity policies over the national population",
        description="Run each policy file in steady state (the whole population allocated from "
        "scratch) and as a year of weekly batches, over several seeds, and write a report "
        "(index.md, index.html, metrics CSV files, figures).",
    )
    parser.add_argument(
        "policies", nargs="+", type=Path, help="policy TOML files (data/policies/*.toml)"
    )
    parser.add_argument("--out", type=Path, required=True, help="report folder to write")
    parser.add_argument("--seeds", type=int, default=5, help="number of seeds, 0..n-1 (default 5)")
    parser.add_argument("--weeks", type=int, default=52, help="weeks of the flow run (default 52)")
    parser.add_argument(
        "--batch", type=int, default=600, help="new convicts per week (default 600)"
    )
    parser.add_argument(
        "--distance",
        choices=[d.value for d in DistanceKind],
        default=DistanceKind.GREAT_CIRCLE.value,
    )
    parser.add_argument(
        "--objective", choices=[o.value for o in Objective], default=Objective.HOME_FIRST.value
    )
    parser.add_argument(
        "--mode", choices=sorted(_MODES), default="both", help="which runs (default both)"
    )
    parser.add_argument(
        "--facilities", type=Path, help="facilities CSV (default: the national network)"
    )
    parser.add_argument("--regions", type=Path, help="regions CSV (default: the bundled one)")
    population = parser.add_mutually_exclusive_group()
    population.add_argument(
        "--population",
        type=Path,
        help="standing population CSV (default: data/population.csv when present)",
    )
    population.add_argument(
        "--synthetic", action="store_true", help="use synthetic cohorts, not the population file"
    )
    _add_run_options(parser)
    command("benchmark")(_benchmark)


def _add_run_options(parser: argparse.ArgumentParser) -> None:
    """The assumptions, the solver and the output: transport speed, releases, language."""
    parser.add_argument(
        "--km-per-day",
        type=float,
        help="rail km of escorted transport per day (default 150, an assumption)",
    )
    parser.add_argument(
        "--release-share",
        type=float,
        help="weekly release share (default: batch / today's occupancy)",
    )
    parser.add_argument(
        "--co-defendants", action="store_true", help="keep co-defendants apart (exact model; slow)"
    )
    parser.add_argument(
        "--time-limit", type=float, default=60.0, help="seconds, for the integer model"
    )
    parser.add_argument(
        "--bootstrap",
        type=int,
        default=0,
        help="resamples of today's population for percentile intervals (e.g. 200; "
        "about one steady-state allocation per policy and resample; default none)",
    )
    parser.add_argument(
        "--capacity-band",
        type=float,
        default=0.1,
        help="share by which estimated capacities go down and up in the sensitivity run "
        "(default 0.1; 0 skips it)",
    )
    parser.add_argument("--no-figures", action="store_true", help="skip the PNG figures")
    parser.add_argument(
        "--lang",
        choices=list(LANGUAGES),
        default="en",
        help="language of the report and the summary (default en)",
    )


def _check_arguments(args: argparse.Namespace) -> None:
    problems = []
    for name, value, low in (
        ("--seeds", args.seeds, 1),
        ("--weeks", args.weeks, 0),
        ("--batch", args.batch, 1),
    ):
        if value < low:
            problems.append(
                Problem("command line", None, name, f"must be at least {low}, got {value}")
            )
    if args.km_per_day is not None and not args.km_per_day > 0:
        problems.append(
            Problem(
                "command line", None, "--km-per-day", f"must be positive, got {args.km_per_day}"
            )
        )
    if args.bootstrap < 0:
        problems.append(
            Problem(
                "command line", None, "--bootstrap", f"must be at least 0, got {args.bootstrap}"
            )
        )
    if not 0 <= args.capacity_band < 1:
        problems.append(
            Problem(
                "command line",
                None,
                "--capacity-band",
                f"must be within 0..1 (below 1), got {args.capacity_band}",
            )
        )
    if args.release_share is not None and not 0 <= args.release_share <= 1:
        problems.append(
            Problem(
                "command line",
                None,
                "--release-share",
                f"must be within 0..1, got {args.release_share}",
            )
        )
    if problems:
        raise InputError(problems)


def _benchmark(args: argparse.Namespace) -> int:
    from optimizer.data import read_facilities, read_regions
    from optimizer.policies import run_benchmark
    from optimizer.policies.report import write_report

    _check_arguments(args)
    regions = read_regions(args.regions)
    facilities = read_facilities(args.facilities, regions)
    policies = _read_policies(args.policies, facilities, regions)
    population = _standing_population(args, regions, facilities)
    on_terminal = sys.stderr.isatty()  # piped or logged, a progress bar is only noise
    result = run_benchmark(
        policies,
        population,
        regions,
        facilities,
        _settings(args),
        progress=_progress_on_stderr if on_terminal else None,
    )
    if on_terminal:
        sys.stderr.write("\n")
    result = _with_uncertainty(args, result, population, facilities, on_terminal)
    write_report(result, args.out, figures=not args.no_figures, lang=args.lang)
    sys.stdout.write(summary_text(result, args.lang, args.out / "index.html") + "\n")
    return 0


def _with_uncertainty(
    args: argparse.Namespace,
    result: Any,
    population: pd.DataFrame | None,
    facilities: pd.DataFrame,
    on_terminal: bool,
) -> Any:
    """The result with its bootstrap and capacity sensitivity, when asked and possible (both
    need today's population)."""
    import dataclasses

    from optimizer.data import DATA_DIR
    from optimizer.policies.uncertainty import measure_uncertainty

    if population is None or (args.bootstrap == 0 and args.capacity_band == 0):
        return result
    uncertainty = measure_uncertainty(
        result.policies,
        result.reference,
        population,
        facilities,
        result.settings.solve_options(),
        DATA_DIR,
        resamples=args.bootstrap,
        band=args.capacity_band,
        progress=_progress_on_stderr if on_terminal else None,
    )
    if on_terminal:
        sys.stderr.write("\n")
    return dataclasses.replace(result, uncertainty=uncertainty)


def summary_text(result: Any, lang: str, report: Path) -> str:
    """Per mode and policy: the unplaced first, then the home share of placed convicts."""
    from optimizer.policies.words import report_words

    w = report_words(lang, result.regions, result.policies)
    t = w.t
    summary = result.summary()
    means = summary.set_index(["mode", "policy", "metric"])["mean"]
    lines = []
    for mode in result.settings.modes:
        for policy in result.policies:
            unplaced = round(float(means[(mode.value, policy.name, "unplaced")]))
            before = means[(mode.value, result.reference, "unplaced")]
            lines.append(
                t.plural(
                    "summary.benchmark",
                    unplaced,
                    policy=w.title(policy.name),
                    mode=w.mode(mode.value),
                    before=t.number(before),
                    home=t.percent(means[(mode.value, policy.name, "home_share")]),
                    home_before=t.percent(means[(mode.value, result.reference, "home_share")]),
                )
            )
    lines.append(t("summary.benchmark.written", path=report))
    return "\n".join(lines)


def _read_policies(
    paths: list[Path], facilities: pd.DataFrame, regions: pd.DataFrame
) -> list[Policy]:
    """Every policy file, or one error listing the problems of all of them."""
    from optimizer.policies import read_policy

    policies, problems = [], []
    for path in paths:
        try:
            policies.append(read_policy(path, facilities, regions))
        except InputError as error:
            problems += error.problems
    if problems:
        raise InputError(problems)
    return policies


def _standing_population(
    args: argparse.Namespace, regions: pd.DataFrame, facilities: pd.DataFrame
) -> pd.DataFrame | None:
    """Today's population (the file given, or the bundled one), or None for synthetic runs."""
    from optimizer.policies import read_standing_population

    if args.synthetic:
        return None
    population = read_standing_population(regions, facilities, args.population)
    if args.population is not None and population is None:
        problem = "cannot read the population (file or reader missing)"
        raise InputError([Problem(args.population.name, None, None, problem)])
    return population


def _settings(args: argparse.Namespace) -> BenchmarkSettings:
    from optimizer.policies import KM_PER_CARRIAGE_DAY, BenchmarkSettings, Mode

    return BenchmarkSettings(
        seeds=tuple(range(args.seeds)),
        weeks=args.weeks,
        batch=args.batch,
        distance=DistanceKind(args.distance),
        objective=Objective(args.objective),
        modes=tuple(Mode(m) for m in _MODES[args.mode]),
        km_per_day=args.km_per_day or KM_PER_CARRIAGE_DAY,
        release_share=args.release_share,
        separate_co_defendants=args.co_defendants,
        time_limit_s=args.time_limit,
    )


def _progress_on_stderr(fraction: float, message: str) -> None:
    sys.stderr.write(f"\r[{fraction:4.0%}] {message[:70]:<70}")
    sys.stderr.flush()
