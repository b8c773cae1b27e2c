"""`placement forecast`: scenarios week by week over years, and sweeps of policies x scenarios."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from optimizer.domain import InputError, Problem
from optimizer.i18n import LANGUAGES

if TYPE_CHECKING:
    from optimizer.policies import Policy
    from optimizer.policies.forecast import ForecastInputs
    from optimizer.policies.scenario import Scenario

Handler = Callable[[argparse.Namespace], int]


def add_commands(subparsers: Any, command: Callable[[str], Callable[[Handler], Handler]]) -> None:
    """Register `forecast` with the `placement` command."""
    parser = subparsers.add_parser(
        "forecast",
        help="forecast the network week by week over years under scenarios and policies",
        description="Simulate each scenario week by week (releases, dated closures and new "
        "builds, each week's intake allocated by the engine) and write a year-by-year report; "
        "with --sweep-seeds, also run every policy x scenario x seed on Dask.",
    )
    parser.add_argument("scenarios", nargs="+", type=Path, help="scenario TOML files")
    parser.add_argument("--out", type=Path, required=True, help="report folder to write")
    parser.add_argument(
        "--years", type=int, default=10, help="years to forecast, 1..10 (default 10)"
    )
    parser.add_argument(
        "--policy",
        type=Path,
        action="append",
        default=[],
        help="a policy TOML file to forecast under (repeat; default: the scenario's own, "
        "else today's network)",
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of the reported forecasts")
    parser.add_argument(
        "--sweep-seeds", type=int, default=0, help="seeds 0..n-1 of a sweep (default none)"
    )
    parser.add_argument(
        "--workers", type=int, default=2, help="local Dask processes for a sweep (0: serial)"
    )
    parser.add_argument("--scheduler", help="an existing Dask scheduler, tcp://HOST:PORT")
    parser.add_argument(
        "--facilities", type=Path, help="facilities CSV (default: the national network)"
    )
    parser.add_argument("--regions", type=Path, help="regions CSV (default: the bundled one)")
    parser.add_argument(
        "--population", type=Path, help="standing population CSV (default: the bundled one)"
    )
    parser.add_argument("--no-figures", action="store_true", help="skip the PNG figures")
    parser.add_argument(
        "--lang", choices=list(LANGUAGES), default="en", help="language of the reports and summary"
    )
    command("forecast")(_forecast)


def _check(args: argparse.Namespace) -> None:
    problems = []
    if not 1 <= args.years <= 10:
        problems.append(
            Problem("command line", None, "--years", f"must be within 1..10, got {args.years}")
        )
    for name, value in (
        ("--sweep-seeds", args.sweep_seeds),
        ("--workers", args.workers),
        ("--seed", args.seed),
    ):
        if value < 0:
            problems.append(Problem("command line", None, name, f"must be at least 0, got {value}"))
    if args.scheduler is not None and not args.scheduler.startswith(
        ("tcp://", "tls://", "inproc://")
    ):
        problems.append(
            Problem(
                "command line",
                None,
                "--scheduler",
                f"must be an address such as tcp://HOST:PORT, got {args.scheduler!r}",
            )
        )
    if problems:
        raise InputError(problems)


def _forecast(args: argparse.Namespace) -> int:
    from optimizer.i18n import translator
    from optimizer.policies.forecast import run_forecast
    from optimizer.policies.forecast_report import write_forecast_report
    from optimizer.policies.forecast_tables import summary_figures

    _check(args)
    inputs = _inputs(args)
    scenarios = _scenarios(args.scenarios, inputs)
    pairs = [(s, p) for s in scenarios for p in _policies_for(args, s, inputs)]
    t = translator("policies", args.lang)
    lines = []
    for scenario, policy in pairs:
        label = t(
            "summary.label",
            scenario=scenario.title_in(args.lang),
            policy=policy.title_in(args.lang) if policy else t("forecast.today"),
        )
        forecast = run_forecast(
            scenario, policy, inputs, years=args.years, seed=args.seed, progress=_progress(label)
        )
        sys.stderr.write("\n")
        write_forecast_report(forecast, args.out, figures=not args.no_figures, lang=args.lang)
        figures = summary_figures(forecast)
        km = figures["mean_km_outside_home"]
        lines.append(
            t.plural(
                "summary.forecast",
                int(figures["unplaced"]),
                label=label,
                admitted=t.number(figures["admissions"]),
                outside=t.number(figures["placed_outside_home"]),
                km=t.number(km) if km == km else "—",
                free=t.number(figures["free_end"]),
            )
        )
    if args.sweep_seeds:
        _sweep(args, pairs, inputs)
        lines.append(t("summary.sweep", path=args.out / "sweep.csv"))
    sys.stdout.write("\n".join([*lines, t("summary.written", out=args.out)]) + "\n")
    return 0


def _sweep(
    args: argparse.Namespace, pairs: list[tuple[Scenario, Policy | None]], inputs: ForecastInputs
) -> None:
    from optimizer.data import write_csv_atomically
    from optimizer.policies.sweep import SweepCell, run_sweep

    cells = [
        SweepCell(p, s, seed, args.years) for s, p in pairs for seed in range(args.sweep_seeds)
    ]
    table = run_sweep(
        cells,
        inputs,
        workers=args.workers,
        scheduler=args.scheduler,
        progress=lambda done, total: _bar(done / total, f"sweep: {done}/{total} forecasts"),
    )
    sys.stderr.write("\n")
    write_csv_atomically(table, args.out / "sweep.csv")


def _inputs(args: argparse.Namespace) -> ForecastInputs:
    from optimizer.data import read_facilities, read_regions
    from optimizer.policies import read_standing_population
    from optimizer.policies.forecast import ForecastInputs

    regions = read_regions(args.regions)
    facilities = read_facilities(args.facilities, regions)
    population = read_standing_population(regions, facilities, args.population)
    if population is None or "facility_id" not in population.columns:
        where = args.population.name if args.population else "population.csv"
        raise InputError(
            [
                Problem(
                    where,
                    None,
                    "facility_id",
                    "a forecast starts from today's population and needs where each convict serves",
                )
            ]
        )
    return ForecastInputs(regions, facilities, population)


def _scenarios(paths: list[Path], inputs: ForecastInputs) -> list[Scenario]:
    from optimizer.policies.scenario_parse import read_scenario

    scenarios, problems = [], []
    for path in paths:
        try:
            scenarios.append(read_scenario(path, inputs.facilities, inputs.regions))
        except InputError as error:
            problems += error.problems
    if problems:
        raise InputError(problems)
    names = [s.name for s in scenarios]
    if len(set(names)) < len(names):
        raise InputError([Problem("scenarios", None, "name", "scenario names must differ")])
    return [_with_base(s, p) for s, p in zip(scenarios, paths, strict=True)]


def _with_base(scenario: Scenario, path: Path) -> Scenario:
    import dataclasses

    if scenario.policy_path is None:
        return scenario
    return dataclasses.replace(
        scenario, policy_path=str((path.parent / scenario.policy_path).resolve())
    )


def _policies_for(
    args: argparse.Namespace, scenario: Scenario, inputs: ForecastInputs
) -> list[Policy | None]:
    from optimizer.policies import read_policy

    paths = list(args.policy) or ([Path(scenario.policy_path)] if scenario.policy_path else [])
    if not paths:
        return [None]
    return [read_policy(path, inputs.facilities, inputs.regions) for path in paths]


def _progress(label: str) -> Callable[[int, int], None]:
    def report(done: int, total: int) -> None:
        if done % 13 == 0 or done == total:
            _bar(done / total, f"{label}: week {done}/{total}")

    return report


def _bar(fraction: float, message: str) -> None:
    sys.stderr.write(f"\r[{fraction:4.0%}] {message[:70]:<70}")
    sys.stderr.flush()
