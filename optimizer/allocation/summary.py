"""A readable summary of an allocation run: totals, by security level, by home region."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from optimizer.allocation.solve import Solution


@dataclass(frozen=True)
class Summary:
    convicts: int
    placed: int
    placed_home: int
    unplaced_by_reason: dict[str, int]
    total_distance_km: float
    mean_distance_km: float
    median_distance_km: float
    max_distance_km: float
    beyond_1000_km: int
    by_level: pd.DataFrame
    by_region: pd.DataFrame
    method: str
    optimal: bool
    gap_to_bound: tuple[int, int, int] | None = None
    """(unplaced, away from home, metres) at most above the optimum, when not proven."""

    def as_dict(self) -> dict[str, object]:
        return {
            "convicts": self.convicts,
            "placed": self.placed,
            "placed_home": self.placed_home,
            "unplaced_by_reason": self.unplaced_by_reason,
            "total_distance_km": self.total_distance_km,
            "mean_distance_km": self.mean_distance_km,
            "median_distance_km": self.median_distance_km,
            "max_distance_km": self.max_distance_km,
            "beyond_1000_km": self.beyond_1000_km,
            "method": self.method,
            "optimal": self.optimal,
            **({} if self.gap_to_bound is None else {"gap_to_bound": list(self.gap_to_bound)}),
            "by_level": self.by_level.to_dict(orient="records"),
            "by_region": self.by_region.to_dict(orient="records"),
        }

    def text(self) -> str:
        share = self.placed_home / self.placed if self.placed else 0.0
        lines = [
            f"Allocated {self.placed:,} of {self.convicts:,} convicts "
            f"({'optimal' if self.optimal else 'best found, optimality not proven'}, "
            f"{self.method}).",
            f"Placed in their home region: {self.placed_home:,} ({share:.1%}).",
            f"Distance from home: total {self.total_distance_km:,.0f} km, mean "
            f"{self.mean_distance_km:,.0f} km, median {self.median_distance_km:,.0f} km, "
            f"max {self.max_distance_km:,.0f} km; {self.beyond_1000_km:,} beyond 1,000 km.",
        ]
        if self.gap_to_bound is not None:
            unplaced, away, metres = self.gap_to_bound
            lines.append(
                f"Gap to a lower bound of the optimum: at most {unplaced:,} more unplaced, "
                f"{away:,} more away from home, {metres / 1000:,.0f} km more."
            )
        for reason, count in self.unplaced_by_reason.items():
            lines.append(f"Unplaced ({reason}): {count:,}.")
        lines += ["", "By security level:", self.by_level.to_string(index=False)]
        lines += ["", "By home region:", self.by_region.to_string(index=False)]
        return "\n".join(lines)


def summarize(solution: Solution) -> Summary:
    convicts = solution.convicts
    placed = solution.facility_of >= 0
    km = solution.distance_m[placed] / 1000.0
    facility_region = solution.facilities["region"].to_numpy()[np.maximum(solution.facility_of, 0)]
    at_home = placed & (facility_region == convicts["home_region"].to_numpy())
    frame = pd.DataFrame(
        {
            "security_level": convicts["security_level"].to_numpy(),
            "home_region": convicts["home_region"].to_numpy(),
            "placed": placed,
            "at_home": at_home,
            "km": np.where(placed, solution.distance_m / 1000.0, np.nan),
        }
    )

    def table(key: str) -> pd.DataFrame:
        grouped = frame.groupby(key, sort=True)
        result = pd.DataFrame(
            {
                "convicts": grouped.size(),
                "placed": grouped["placed"].sum(),
                "home_share": (
                    grouped["at_home"].sum() / grouped["placed"].sum().clip(lower=1)
                ).round(3),
                "mean_km": grouped["km"].mean().round(1),
                "max_km": grouped["km"].max().round(1),
            }
        )
        return result.reset_index()

    reasons = solution.placements["unplaced_reason"]
    return Summary(
        convicts=len(convicts),
        placed=int(placed.sum()),
        placed_home=int(at_home.sum()),
        unplaced_by_reason={
            str(k): int(v) for k, v in reasons[reasons != ""].value_counts().sort_index().items()
        },
        total_distance_km=round(float(km.sum()), 3),
        mean_distance_km=round(float(km.mean()), 1) if len(km) else 0.0,
        median_distance_km=round(float(np.median(km)), 1) if len(km) else 0.0,
        max_distance_km=round(float(km.max()), 1) if len(km) else 0.0,
        beyond_1000_km=int((km > 1000.0).sum()),
        by_level=table("security_level"),
        by_region=table("home_region"),
        method=solution.method,
        optimal=solution.optimal,
        gap_to_bound=solution.gap_to_bound,
    )
