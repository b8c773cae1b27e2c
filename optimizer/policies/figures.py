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

FIGURE_DPI = 110


def draw_figures(result: BenchmarkResult, folder: Path) -> dict[str, str]:
    """Draw every figure into `folder`; returns figure key -> path relative to the report."""
    import matplotlib

    matplotlib.use("Agg")
    folder.mkdir(parents=True, exist_ok=True)
    paths: dict[str, str] = {}
    first = result.settings.seeds[0]
    titles = {p.name: p.title for p in result.policies}
    rail = RailMap.read(DATA_DIR)
    paths["home-share"] = save_figure(home_share_figure(result), folder / "home-share.png")
    for mode in result.settings.modes:
        every_seed = [r for r in result.runs if r.mode is mode]
        paths[f"distance-{mode.value}"] = save_figure(
            distance_figure(every_seed, mode, titles), folder / f"distance-{mode.value}.png"
        )
        for run in (r for r in every_seed if r.seed == first):
            key = f"map-{mode.value}-{run.policy}"
            figure = map_figure(run, result.regions, rail, titles.get(run.policy))
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


def distance_figure(
    runs: Sequence[PolicyRun], mode: Mode, titles: dict[str, str] | None = None
) -> Any:
    """Cumulative share of placed convicts by distance from home, one line per policy over
    every seed's runs (the same seeds as the tables), up to 1,000 km with the tail noted."""
    import matplotlib.pyplot as plt

    titles = titles or {}
    figure, axes = plt.subplots(figsize=(8, 4.5))
    names = list(dict.fromkeys(run.policy for run in runs))
    for index, name in enumerate(names):
        mine = [r for r in runs if r.policy == name]
        km = np.sort(np.concatenate([r.distance_km[r.facility_of >= 0] for r in mine]))
        if len(km) == 0:
            continue
        beyond = float((km > DISTANCE_AXIS_KM).mean())
        unplaced = sum(int((r.facility_of < 0).sum()) for r in mine) / len(mine)
        label = f"{titles.get(name, name)}: {100 * beyond:.1f}% beyond {DISTANCE_AXIS_KM:,.0f} km"
        if unplaced:
            label += f", {unplaced:,.0f} unplaced per seed (not shown)"
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
    axes.set_xlabel("distance from home, km (axis stops at 1,000 km; the tail is in the legend)")
    axes.set_ylabel("share of placed convicts within")
    axes.set_title(f"Distance from home of placed convicts ({mode.value}, all seeds)")
    axes.grid(alpha=0.3)
    axes.legend(fontsize=7, loc="lower right")
    return figure


def home_share_figure(result: BenchmarkResult) -> Any:
    """Share placed in the home region per policy and mode, bars with their intervals."""
    import matplotlib.pyplot as plt

    summary = result.summary()
    part = summary[summary["metric"] == "home_share"]
    modes = list(result.settings.modes)
    names = [p.name for p in result.policies]
    labels = [p.title for p in result.policies]
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
            label=mode.value,
            capsize=3,
        )
    axes.set_yticks(np.arange(len(names)) + height * (len(modes) - 1) / 2, labels, fontsize=8)
    seeds = len(result.settings.seeds)
    axes.set_title(f"Share of placed convicts in their home region (95% interval, {seeds} seeds)")
    axes.invert_yaxis()
    axes.set_xlabel("placed in the home region, %")
    axes.grid(axis="x", alpha=0.3)
    axes.legend(fontsize=8)
    return figure
