"""A readable summary of an allocation run: totals, by security level, by home region, and the
gaps of the network (sentences the law allows that no facility of the network can take)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from optimizer.allocation.solve import Solution
from optimizer.allocation.summary_text import render_summary
from optimizer.rules import CLASS_COLUMNS, ClassStanding, class_standing, convict_classes


@dataclass(frozen=True, slots=True)
class NetworkGap:
    """Convicts of one class whose sentence the law allows but no facility of the network fits:
    a gap of the network, not of the person."""

    convicts: int
    security_level: str
    sex: str
    age_category: str
    medical_need: str
    former_officer: bool
    criminal_history: str
    life_sentence: bool

    def as_dict(self) -> dict[str, object]:
        return {
            "convicts": self.convicts,
            "security_level": self.security_level,
            "sex": self.sex,
            "age_category": self.age_category,
            "medical_need": self.medical_need or None,
            "former_officer": self.former_officer,
            "criminal_history": self.criminal_history,
            "life_sentence": self.life_sentence,
        }


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
    network_gaps: tuple[NetworkGap, ...] = ()

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
            "network_gaps": [gap.as_dict() for gap in self.network_gaps],
            "by_level": self.by_level.to_dict(orient="records"),
            "by_region": self.by_region.to_dict(orient="records"),
        }

    def text(self, lang: str = "en", regions: pd.DataFrame | None = None) -> str:
        """The summary in words and tables, in `lang`; `regions` names the home regions."""
        return render_summary(self, lang, regions)


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
        network_gaps=network_gaps(solution),
    )


def network_gaps(solution: Solution) -> tuple[NetworkGap, ...]:
    """The classes of this batch that the law allows but the network cannot take, by size."""
    classes, class_of = convict_classes(solution.convicts)
    standing = class_standing(classes, solution.facilities)
    counts = np.bincount(class_of, minlength=len(classes))
    gaps = []
    for k in np.flatnonzero(standing == ClassStanding.NETWORK_GAP.value):
        row = {column: classes[column].iat[int(k)] for column in CLASS_COLUMNS}
        gaps.append(
            NetworkGap(
                convicts=int(counts[k]),
                security_level=str(row["security_level"]),
                sex=str(row["sex"]),
                age_category=str(row["age_category"]),
                medical_need=str(row["medical_need"]),
                former_officer=bool(row["former_officer"]),
                criminal_history=str(row["criminal_history"]),
                life_sentence=bool(row["life_sentence"]),
            )
        )
    return tuple(sorted(gaps, key=lambda gap: -gap.convicts))
