"""The report's figures: distance distributions and home-region shares, as PNG files.

matplotlib is imported when a figure is drawn, with the non-interactive Agg backend, so that
reading a report's tables needs no plotting library.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from optimizer.data import DATA_DIR
from optimizer.policies.benchmark import BenchmarkResult
from optimizer.policies.maps import map_figure
from optimizer.policies.rail_routes import RailMap
from optimizer.policies.runs import Mode, PolicyRun
from optimizer.policies.words import ReportWords, report_words

FIGURE_DPI = 110


def draw_figures(
    result: BenchmarkResult, folder: Path, w: ReportWords | None = None
) -> dict[str, str]:
    """Draw every figure into `folder` in the words' language; returns figure key -> path
    relative to the report."""
    import matplotlib

    matplotlib.use("Agg")
    w = w or report_words("en", result.regions, result.policies)
    folder.mkdir(parents=True, exist_ok=True)
    paths: dict[str, str] = {}
    first = result.settings.seeds[0]
    rail = RailMap.read(DATA_DIR)
    paths["home-share"] = save_figure(home_share_figure(result, w), folder / "home-share.png")
    for mode in result.settings.modes:
        every_seed = [r for r in result.runs if r.mode is mode]
        paths[f"distance-{mode.value}"] = save_figure(
            distance_figure(every_seed, mode, w), folder / f"distance-{mode.value}.png"
        )
        for run in (r for r in every_seed if r.seed == first):
            key = f"map-{mode.value}-{run.policy}"
            figure = map_figure(run, result.regions, rail, w)
            paths[key] = save_figure(figure, folder / f"{key}.png")
    return {k: str(Path(p).relative_to(folder.parent)) for k, p in paths.items()}


def save_figure(figure: Any, path: Path) -> str:
    """Write a figure as PNG through a temporary file, close it, and return the path."""
    import matplotlib.pyplot as plt

    temporary = path.with_name(f".{path.name}.tmp.png")
    figure.savefig(temporary, dpi=FIGURE_DPI, bbox_inches="tight")
    plt.close(figure)
    temporary.replace(path)
    return str(path)


DISTANCE_AXIS_KM = 1000.0
"""The distance axis stops here, where most placements lie; the tail is noted per curve."""

_LINE_STYLES = ("-", "--", "-.", ":")


def distance_figure(runs: Sequence[PolicyRun], mode: Mode, w: ReportWords | None = None) -> Any:
    """Cumulative share of placed convicts by distance from home, one line per policy over
    every seed's runs (the same seeds as the tables), up to 1,000 km with the tail noted."""
    import matplotlib.pyplot as plt
    from matplotlib.ticker import PercentFormatter

    w = w or report_words("en")
    figure, axes = plt.subplots(figsize=(8, 5.5))
    names = list(dict.fromkeys(run.policy for run in runs))
    for index, name in enumerate(names):
        mine = [r for r in runs if r.policy == name]
        km = np.sort(np.concatenate([r.distance_km[r.facility_of >= 0] for r in mine]))
        if len(km) == 0:
            continue
        beyond = float((km > DISTANCE_AXIS_KM).mean())
        unplaced = sum(int((r.facility_of < 0).sum()) for r in mine) / len(mine)
        label = w(
            "figure.distance.label",
            policy=w.title(name),
            share=w.percent(beyond),
            limit=w.km(DISTANCE_AXIS_KM),
        )
        if unplaced:
            label += w("figure.distance.unplaced", unplaced=w.number(unplaced))
        axes.step(
            km,
            np.arange(1, len(km) + 1) / len(km),
            where="post",
            label=label,
            linestyle=_LINE_STYLES[index % len(_LINE_STYLES)],
            linewidth=1.6,
        )
    axes.set_xlim(0, DISTANCE_AXIS_KM)
    axes.set_ylim(0, 1.01)
    axes.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    seeds = len({run.seed for run in runs})
    axes.set_xlabel(w("figure.distance.x", limit=w.km(DISTANCE_AXIS_KM)))
    axes.set_ylabel(w("figure.distance.y"))
    axes.set_title(w("figure.distance.title", mode=w.mode(mode.value), seeds=w.number(seeds)))
    axes.grid(alpha=0.3)
    axes.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.14), ncols=1)
    return figure


def home_share_figure(result: BenchmarkResult, w: ReportWords | None = None) -> Any:
    """Share placed in the home region per policy and mode, bars with their intervals."""
    import matplotlib.pyplot as plt

    w = w or report_words("en", result.regions, result.policies)
    summary = result.summary()
    part = summary[summary["metric"] == "home_share"]
    modes = list(result.settings.modes)
    names = [p.name for p in result.policies]
    labels = [w.title(p.name) for p in result.policies]
    figure, axes = plt.subplots(figsize=(8, 0.6 + 0.45 * len(names) * len(modes)))
    height = 0.8 / max(len(modes), 1)
    for k, mode in enumerate(modes):
        rows = part[part["mode"] == mode.value].set_index("policy").reindex(names)
        mean = rows["mean"].to_numpy(float)
        low = np.nan_to_num(mean - rows["ci_low"].to_numpy(float))
        high = np.nan_to_num(rows["ci_high"].to_numpy(float) - mean)
        y = np.arange(len(names)) + k * height
        axes.barh(
            y,
            100 * mean,
            height=height,
            xerr=100 * np.vstack([low, high]),
            label=w.mode(mode.value),
            capsize=3,
        )
    axes.set_yticks(np.arange(len(names)) + height * (len(modes) - 1) / 2, labels, fontsize=8)
    seeds = len(result.settings.seeds)
    axes.set_title(w("figure.home.title", seeds=w.number(seeds)))
    axes.invert_yaxis()
    axes.set_xlabel(w("figure.home.x"))
    axes.grid(axis="x", alpha=0.3)
    axes.legend(fontsize=8)
    return figure
