"""What a forecast reports, year by year and region by region, as tables.

Who is left without a lawful place comes first; distances are of convicts placed outside
their home region and say so in their column names.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from optimizer.policies.forecast import Forecast


def _admissions_by_year(forecast: Forecast) -> pd.DataFrame:
    years = forecast.years()
    table = forecast.admissions
    region = forecast.network["region"].to_numpy()[np.maximum(table["facility"].to_numpy(), 0)]
    placed = table["facility"].to_numpy() >= 0
    return table.assign(
        year=years[table["week"].to_numpy()],
        placed=placed,
        unplaced=~placed,
        home=placed & (region == table["home_region"].to_numpy()),
        outside=placed & (region != table["home_region"].to_numpy()),
        outside_km=np.where(
            placed & (region != table["home_region"].to_numpy()),
            table["distance_km"].to_numpy(float),
            np.nan,
        ),
    )


def yearly_table(forecast: Forecast) -> pd.DataFrame:
    """One row per calendar year: unplaced first, then placements, occupancy and places."""
    years = forecast.years()
    rows = _admissions_by_year(forecast).groupby("year")
    last = pd.Series(np.arange(len(years))).groupby(years).max()
    table = pd.DataFrame(
        {
            "unplaced": rows["unplaced"].sum(),
            "admissions": rows.size(),
            "placed_home": rows["home"].sum(),
            "placed_outside_home": rows["outside"].sum(),
            "mean_km_outside_home": rows["outside_km"].mean(),
            "released": pd.Series(forecast.releases.sum(axis=1)).groupby(years).sum(),
            "moved": pd.Series(forecast.moved).groupby(years).sum(),
            "held_beyond_capacity": pd.Series(forecast.held_beyond).groupby(years).max(),
        }
    )
    table["occupancy_end"] = forecast.occupancy[last.to_numpy()].sum(axis=1)
    table["capacity_end"] = forecast.capacity[last.to_numpy()].sum(axis=1)
    table["free_end"] = table["capacity_end"] - table["occupancy_end"]
    return table.fillna({"unplaced": 0}).rename_axis("year").reset_index()


def region_table(forecast: Forecast) -> pd.DataFrame:
    """One row per (year, home region): the region's convicts and its facilities' places."""
    years = forecast.years()
    rows = _admissions_by_year(forecast).groupby(["year", "home_region"])
    table = pd.DataFrame(
        {
            "unplaced": rows["unplaced"].sum(),
            "admissions": rows.size(),
            "placed_home": rows["home"].sum(),
            "placed_outside_home": rows["outside"].sum(),
            "mean_km_outside_home": rows["outside_km"].mean(),
        }
    ).rename_axis(["year", "region"])
    last = pd.Series(np.arange(len(years))).groupby(years).max().to_numpy()
    region = forecast.network["region"].to_numpy()
    places = []
    for year, week in zip(sorted(set(years)), last, strict=True):
        frame = (
            pd.DataFrame(
                {
                    "region": region,
                    "capacity": forecast.capacity[week],
                    "occupancy": forecast.occupancy[week],
                }
            )
            .groupby("region")
            .sum()
        )
        places.append(frame.assign(year=year).reset_index())
    capacity = pd.concat(places).set_index(["year", "region"])
    joined = table.join(capacity, how="outer").fillna(0)
    joined["free_end"] = joined["capacity"] - joined["occupancy"]
    return joined.rename(
        columns={"capacity": "capacity_end", "occupancy": "occupancy_end"}
    ).reset_index()


def unplaced_table(forecast: Forecast) -> pd.DataFrame:
    """year, sex, security_level, home_region, unplaced: who got no lawful place."""
    rows = _admissions_by_year(forecast)
    rows = rows[rows["unplaced"]]
    keys = ["year", "sex", "security_level", "home_region"]
    return rows.groupby(keys).size().rename("unplaced").reset_index()


def shortage_table(forecast: Forecast) -> pd.DataFrame:
    """region, security_level, first_year_full: the first year a region's places of a level
    (under the policy's levels) ran out in some week; empty when they never did."""
    network = forecast.network
    years = forecast.years()
    out = []
    for (region, level), part in network.groupby(["region", "security_level"], sort=True):
        rows = part.index.to_numpy()
        capacity = forecast.capacity[:, rows].sum(axis=1)
        free = capacity - forecast.occupancy[:, rows].sum(axis=1)
        full = np.flatnonzero((capacity > 0) & (free <= 0))
        out.append((region, level, int(years[full[0]]) if len(full) else None))
    return pd.DataFrame(out, columns=["region", "security_level", "first_year_full"]).astype(
        {"first_year_full": "Int64"}
    )


def summary_figures(forecast: Forecast) -> dict[str, float]:
    """The figures a sweep compares: over the whole forecast and at its end."""
    rows = _admissions_by_year(forecast)
    return {
        "admissions": float(len(rows)),
        "unplaced": float(rows["unplaced"].sum()),
        "placed_outside_home": float(rows["outside"].sum()),
        "home_share_of_placed": float(rows["home"].sum() / max(int(rows["placed"].sum()), 1)),
        "mean_km_outside_home": float(np.nanmean(rows["outside_km"]))
        if rows["outside"].any()
        else float("nan"),
        "occupancy_end": float(forecast.occupancy[-1].sum()),
        "free_end": float((forecast.capacity[-1] - forecast.occupancy[-1]).sum()),
        "moved": float(forecast.moved.sum()),
        "held_beyond_capacity_max": float(forecast.held_beyond.max(initial=0)),
    }
