"""The report's figures: distance distributions and home-region shares, as PNG files.

matplotlib is imported when a figure is drawn, with the non-interactive Agg backend, so that
reading a report's tables needs no plotting library.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from optimizer.policies.benchmark import BenchmarkResult
from optimizer.policies.maps import map_figure
from optimizer.policies.runs import Mode, PolicyRun

FIGURE_DPI = 110


def draw_figures(result: BenchmarkResult, folder: Path) -> dict[str, str]:
    """Draw every figure into `folder`; returns figure key -> path relative to the report."""
    import matplotlib

    matplotlib.use("Agg")
    folder.mkdir(parents=True, exist_ok=True)
    paths: dict[str, str] = {}
    first = result.settings.seeds[0]
    paths["home-share"] = save_figure(home_share_figure(result), folder / "home-share.png")
    for mode in result.settings.modes:
        runs = [r for r in result.runs if r.mode is mode and r.seed == first]
        paths[f"distance-{mode.value}"] = save_figure(
            distance_figure(runs, mode), folder / f"distance-{mode.value}.png"
        )
        for run in runs:
            key = f"map-{mode.value}-{run.policy}"
            paths[key] = save_figure(map_figure(run, result.regions), folder / f"{key}.png")
    return {k: str(Path(p).relative_to(folder.parent)) for k, p in paths.items()}


def save_figure(figure: Any, path: Path) -> str:
    """Write a figure as PNG through a temporary file, close it, and return the path."""
    import matplotlib.pyplot as plt

    temporary = path.with_name(f".{path.name}.tmp.png")
    figure.savefig(temporary, dpi=FIGURE_DPI, bbox_inches="tight")
    plt.close(figure)
    temporary.replace(path)
    return str(path)


def distance_figure(runs: Sequence[PolicyRun], mode: Mode) -> Any:
    """Cumulative share of placed convicts by distance from home, one step line per run."""
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(8, 4.5))
    for run in runs:
        km = np.sort(run.distance_km[run.facility_of >= 0])
        if len(km) == 0:
            continue
        axes.step(km, np.arange(1, len(km) + 1) / len(km), where="post", label=run.policy)
    axes.axvline(1000, color="#888", linestyle=":", linewidth=1)
    axes.set_xlabel("distance from home, km")
    axes.set_ylabel("share of placed convicts within")
    axes.set_title(f"Distance from home ({mode.value})")
    axes.grid(alpha=0.3)
    axes.legend(fontsize=8, loc="lower right")
    return figure


def home_share_figure(result: BenchmarkResult) -> Any:
    """Share placed in the home region per policy and mode, bars with their intervals."""
    import matplotlib.pyplot as plt

    summary = result.summary()
    part = summary[summary["metric"] == "home_share"]
    modes = list(result.settings.modes)
    names = [p.name for p in result.policies]
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
    axes.set_yticks(np.arange(len(names)) + height * (len(modes) - 1) / 2, names, fontsize=8)
    axes.invert_yaxis()
    axes.set_xlabel("placed in the home region, %")
    axes.grid(axis="x", alpha=0.3)
    axes.legend(fontsize=8)
    return figure
