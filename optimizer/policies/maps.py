"""The map of a run: Kazakhstan's regions, the rail network, and placement flows along it.

Drawn with plain matplotlib over the bundled simplified GeoJSON that `optimizer.geometry`
reads (the same geometry the console shows): no GIS stack is needed to draw polygons and
lines in one projection, and the outline is a shipped, sourced file rather than a download.
Flows go along the rail lines (shortest paths, `optimizer.policies.rail_routes`) from the
station nearest each home region's centre to the station nearest the facility.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from optimizer.policies.rail_routes import RailMap
from optimizer.policies.runs import PolicyRun
from optimizer.policies.words import ReportWords

LEVEL_COLOURS = {
    "minimum": "#4daf4a",
    "medium": "#377eb8",
    "maximum": "#e41a1c",
    "extreme": "#984ea3",
    "complete": "#a65628",
    "mixed": "#999999",
}
FLOW_COLOUR = "#d95f02"
MAP_ASPECT_LAT = 48.0
"""The latitude whose scale the map's aspect keeps true (the middle of Kazakhstan)."""
SCALE_KM = 500.0


def map_figure(run: PolicyRun, regions: pd.DataFrame, rail: RailMap | None, w: ReportWords) -> Any:
    """Regions and their names, rail lines, flows along them, facilities by level, legend,
    scale; every word in the language of `w`."""
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(11, 6.5))
    _draw_geometry(axes, w)
    if rail is not None:
        _draw_rail_flows(axes, run, regions, rail)
    open_ = run.facilities["capacity"].to_numpy() > 0
    _draw_facilities(axes, run.facilities, open_)
    _draw_legend(axes, run.facilities, open_, rail is not None, w)
    _draw_scale(axes, w)
    axes.set_aspect(1 / math.cos(math.radians(MAP_ASPECT_LAT)))
    axes.set_xticks([])
    axes.set_yticks([])
    axes.set_title(
        w(
            "figure.map.title",
            policy=w.title(run.policy),
            mode=w.mode(run.mode.value),
            seed=w.number(run.seed),
        )
    )
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


def _draw_geometry(axes: Any, w: ReportWords) -> None:
    """Region polygons, the country outline, and each region's name at its label point."""
    import optimizer.geometry as geometry

    for rings in geometry.read_region_shapes().values():
        for ring in rings:
            lon, lat = zip(*ring, strict=True)
            axes.fill(lon, lat, facecolor="#f4f1ea", edgecolor="#b8b2a7", linewidth=0.6, zorder=0)
    for ring in geometry.country_outline():
        lon, lat = zip(*ring, strict=True)
        axes.plot(lon, lat, color="#444", linewidth=1.2, zorder=1)
    for code, point in geometry.region_label_points().items():
        axes.annotate(
            w.regions.get(code, code),
            point,
            ha="center",
            va="center",
            fontsize=6.5,
            color="#555",
            zorder=5,
        )


def _draw_rail_flows(axes: Any, run: PolicyRun, regions: pd.DataFrame, rail: RailMap) -> None:
    """Every rail line thin and grey; lines carrying convicts in orange, width by load."""
    net = rail.network
    for tail, head in zip(rail.tails, rail.heads, strict=True):
        axes.plot(
            [net.lon[tail], net.lon[head]],
            [net.lat[tail], net.lat[head]],
            color="#777",
            linewidth=0.6,
            linestyle="-",
            zorder=2,
        )
    flows = placement_flows(run)
    if not len(flows):
        return
    centres = regions.set_index("region").loc[flows["home"]]
    rows = flows["facility"].to_numpy()
    load = rail.line_loads(
        centres["lat"].to_numpy(float),
        centres["lon"].to_numpy(float),
        run.facilities["lat"].to_numpy(float)[rows],
        run.facilities["lon"].to_numpy(float)[rows],
        flows["count"].to_numpy(np.int64),
    )
    heaviest = max(int(load.max()), 1)
    for line in np.argsort(load):
        if load[line] == 0:
            continue
        tail, head = rail.tails[line], rail.heads[line]
        axes.plot(
            [net.lon[tail], net.lon[head]],
            [net.lat[tail], net.lat[head]],
            color=FLOW_COLOUR,
            alpha=0.75,
            linewidth=0.8 + 7.0 * load[line] / heaviest,
            solid_capstyle="round",
            zorder=3,
        )


def _draw_facilities(axes: Any, facilities: pd.DataFrame, open_: npt.NDArray[np.bool_]) -> None:
    """Open facilities sized by capacity, coloured by level, the smallest drawn on top."""
    order = np.argsort(-facilities["capacity"].to_numpy())
    chosen = order[open_[order]]
    colours = np.asarray(
        [LEVEL_COLOURS.get(level, "#000") for level in facilities["security_level"]], dtype=object
    )
    axes.scatter(
        facilities["lon"].to_numpy()[chosen],
        facilities["lat"].to_numpy()[chosen],
        s=12 + facilities["capacity"].to_numpy()[chosen] / 8.0,
        c=colours[chosen],
        alpha=0.9,
        edgecolors="white",
        linewidths=0.8,
        zorder=4,
    )
    if (~open_).any():
        axes.scatter(
            facilities["lon"][~open_], facilities["lat"][~open_], marker="x", c="k", s=40, zorder=6
        )


def _draw_legend(
    axes: Any,
    facilities: pd.DataFrame,
    open_: npt.NDArray[np.bool_],
    with_rail: bool,
    w: ReportWords,
) -> None:
    from matplotlib.lines import Line2D

    levels = list(dict.fromkeys(facilities["security_level"][open_]))
    handles = [
        Line2D(
            [], [], marker="o", linestyle="", color=LEVEL_COLOURS.get(lv, "#000"), label=w.level(lv)
        )
        for lv in levels
    ]
    if with_rail:
        handles.append(Line2D([], [], color="#777", linewidth=0.8, label=w("figure.map.rail")))
        handles.append(
            Line2D([], [], color=FLOW_COLOUR, linewidth=4, label=w("figure.map.carried"))
        )
    if (~open_).any():
        handles.append(
            Line2D([], [], marker="x", linestyle="", color="k", label=w("figure.map.closed"))
        )
    axes.legend(
        handles=handles,
        fontsize=7,
        loc="upper left",
        title=w("figure.map.levels"),
        title_fontsize=7,
    )


def _draw_scale(axes: Any, w: ReportWords) -> None:
    """A 500 km bar in the lower right, true at the map's middle latitude."""
    x0, x1 = axes.get_xlim()
    y0, y1 = axes.get_ylim()
    degrees = SCALE_KM / (111.32 * math.cos(math.radians(MAP_ASPECT_LAT)))
    left, y = x1 - degrees - 0.04 * (x1 - x0), y0 + 0.05 * (y1 - y0)
    axes.plot([left, left + degrees], [y, y], color="k", linewidth=2.5, zorder=6)
    axes.annotate(
        w.km(SCALE_KM),
        (left + degrees / 2, y),
        xytext=(0, 4),
        textcoords="offset points",
        ha="center",
        fontsize=7,
    )
