"""The map of a run: placement flows from home-region centres to facilities."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from optimizer.policies.runs import PolicyRun

LEVEL_COLOURS = {
    "minimum": "#4daf4a",
    "medium": "#377eb8",
    "maximum": "#e41a1c",
    "extreme": "#984ea3",
    "complete": "#a65628",
    "mixed": "#999999",
}

MAP_FLOW_MIN_SHARE = 0.002
"""Flows below this share of a run's placements are left off the map to keep it readable."""


def map_figure(run: PolicyRun, regions: pd.DataFrame) -> Any:
    """Lines from home-region centres to facilities, width by convicts; facilities by level."""
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(10, 6))
    _draw_flows(axes, run, regions)
    open_ = run.facilities["capacity"].to_numpy() > 0
    _draw_facilities(axes, run.facilities, open_)
    _draw_regions(axes, regions)
    _draw_legend(axes, run.facilities, open_)
    axes.set_aspect(1 / math.cos(math.radians(48.0)))
    axes.set_xlabel("longitude")
    axes.set_ylabel("latitude")
    axes.set_title(f"{run.policy}: placement flows ({run.mode.value}, seed {run.seed})")
    axes.grid(alpha=0.2)
    return figure


def placement_flows(run: PolicyRun) -> pd.DataFrame:
    """home, facility (row), count: placed convicts per home region and facility."""
    placed = run.facility_of >= 0
    return (
        pd.DataFrame(
            {
                "home": run.convicts["home_region"].to_numpy()[placed],
                "facility": run.facility_of[placed],
            }
        )
        .value_counts()
        .rename("count")
        .reset_index()
    )


def _draw_flows(axes: Any, run: PolicyRun, regions: pd.DataFrame) -> None:
    flows = placement_flows(run)
    if not len(flows):
        return
    floor = MAP_FLOW_MIN_SHARE * (run.facility_of >= 0).sum()
    flows = flows[flows["count"] >= floor]
    widest = flows["count"].max() if len(flows) else 1
    centres = regions.set_index("region")
    centre_lon, centre_lat = centres["lon"].to_dict(), centres["lat"].to_dict()
    facility_lon = run.facilities["lon"].to_numpy()
    facility_lat = run.facilities["lat"].to_numpy()
    for home, facility, count in flows.itertuples(index=False):
        axes.plot(
            [centre_lon[home], facility_lon[facility]],
            [centre_lat[home], facility_lat[facility]],
            color="#d95f02",
            alpha=0.35,
            linewidth=0.3 + 5.0 * count / widest,
            zorder=1,
        )


def _draw_facilities(axes: Any, facilities: pd.DataFrame, open_: npt.NDArray[np.bool_]) -> None:
    """Open facilities sized by capacity and coloured by level; closed ones as crosses."""
    colours = [LEVEL_COLOURS.get(level, "#000") for level in facilities["security_level"]]
    axes.scatter(
        facilities["lon"][open_],
        facilities["lat"][open_],
        s=facilities["capacity"][open_] / 6.0,
        c=np.asarray(colours, dtype=object)[open_],
        alpha=0.75,
        edgecolors="k",
        linewidths=0.4,
        zorder=2,
    )
    if (~open_).any():
        axes.scatter(
            facilities["lon"][~open_], facilities["lat"][~open_], marker="x", c="k", s=40, zorder=3
        )


def _draw_regions(axes: Any, regions: pd.DataFrame) -> None:
    axes.scatter(regions["lon"], regions["lat"], marker="s", s=14, c="k", zorder=3)
    for code, lon, lat in zip(regions["region"], regions["lon"], regions["lat"], strict=True):
        axes.annotate(code, (lon, lat), xytext=(3, 3), textcoords="offset points", fontsize=7)


def _draw_legend(axes: Any, facilities: pd.DataFrame, open_: npt.NDArray[np.bool_]) -> None:
    from matplotlib.lines import Line2D

    levels = list(dict.fromkeys(facilities["security_level"][open_]))
    handles = [
        Line2D(
            [], [], marker="o", linestyle="", color=LEVEL_COLOURS.get(level, "#000"), label=level
        )
        for level in levels
    ]
    handles.append(Line2D([], [], marker="s", linestyle="", color="k", label="region centre"))
    if (~open_).any():
        handles.append(Line2D([], [], marker="x", linestyle="", color="k", label="closed facility"))
    axes.legend(handles=handles, fontsize=7, loc="upper left")
