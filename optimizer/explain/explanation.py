"""Explanations from a Solution: why this facility, why not a closer one, what would change.

Every figure is exact. For a min-cost-flow run the explanations read the optimal residual
graph's shortest paths (kept on the Solution as `Potentials`), so nothing is solved again:

- forcing one convict of group g into facility f changes the weighted total by
  cost(g, f) + shortest residual path f -> g (the cheapest way to absorb the move);
- one more place at f changes it by min(0, shortest residual path sink -> f).

Weighted changes split back into (unplaced, away from home, metres) by `split_cost`. The tests
prove each figure by re-solving. Runs solved by the integer model (co-defendants) carry no
potentials; their explanations say so and leave the forced-move figures out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, cast

import numpy as np
import numpy.typing as npt
import pandas as pd

from optimizer.allocation import Solution, split_cost
from optimizer.explain.messages import message
from optimizer.rules import ELIGIBILITY_RULES, RULES, eligibility, first_failed_rule

SCHEMA = "placement-explanation/1"

IMPOSSIBLE = (0, 0, -1)
"""Marks a move that no reallocation can make room for (a facility with no place at all)."""

Explanation = dict[str, Any]


@dataclass
class _Run:
    """Facts shared by all explanations of one run, computed once."""

    solution: Solution
    regions: pd.DataFrame

    @classmethod
    def of(cls, solution: Solution, regions: pd.DataFrame) -> _Run:
        """The run facts of a solution, kept on it so that single explanations are cheap."""
        run = solution.derived.get("explain")
        if not isinstance(run, _Run) or run.regions is not regions:
            run = cls(solution, regions)
            solution.derived["explain"] = run
        return run

    @cached_property
    def convict_records(self) -> list[dict[str, Any]]:
        return cast(list[dict[str, Any]], self.solution.convicts.to_dict("records"))

    @cached_property
    def facility_records(self) -> list[dict[str, Any]]:
        facilities = self.solution.facilities[["facility_id", "name", "region"]]
        return cast(list[dict[str, Any]], facilities.to_dict("records"))

    @cached_property
    def unplaced_reasons(self) -> list[str]:
        return self.solution.placements["unplaced_reason"].tolist()

    @cached_property
    def group_class(self) -> list[int]:
        return self.solution.groups["class"].astype(int).tolist()

    @cached_property
    def left(self) -> list[int]:
        return cast(list[int], (self.solution.free - self.solution.used).tolist())

    @cached_property
    def facility_row(self) -> dict[str, int]:
        return {r["facility_id"]: j for j, r in enumerate(self.facility_records)}

    @cached_property
    def closer_items(self) -> dict[tuple[int, int], list[dict[str, Any]]]:
        """Per (group, facility), the entries for facilities closer than it; shared by convicts."""
        return {}

    @cached_property
    def region_name(self) -> dict[str, str]:
        return dict(zip(self.regions["region"], self.regions["name"], strict=True))

    @cached_property
    def allowed(self) -> npt.NDArray[np.bool_]:
        return eligibility(self.solution.classes, self.solution.facilities)

    @cached_property
    def excluded_by(self) -> list[dict[str, int]]:
        failed = first_failed_rule(self.solution.classes, self.solution.facilities)
        return [
            {
                rule.id: int((row == rule.id).sum())
                for rule in ELIGIBILITY_RULES
                if (row == rule.id).any()
            }
            for row in failed
        ]

    @cached_property
    def unplaced_per_group(self) -> npt.NDArray[np.int64]:
        s = self.solution
        return np.bincount(s.group_of[s.facility_of < 0], minlength=len(s.groups)).astype(np.int64)

    @cached_property
    def group_flows(self) -> dict[int, dict[int, int]]:
        """Per group, facility -> convicts placed there (from the placements themselves)."""
        s = self.solution
        placed = s.facility_of >= 0
        pairs = pd.DataFrame({"g": s.group_of[placed], "f": s.facility_of[placed]}).value_counts()
        flows: dict[int, dict[int, int]] = {}
        for g, f, n in pairs.reset_index().itertuples(index=False, name=None):
            flows.setdefault(int(g), {})[int(f)] = int(n)
        return flows

    @cached_property
    def used_by(self) -> dict[int, list[dict[str, Any]]]:
        """Per facility, who took its free places in this run, by home region."""
        s = self.solution
        placed = s.facility_of >= 0
        table = pd.DataFrame(
            {
                "facility": s.facility_of[placed],
                "region": s.convicts["home_region"].to_numpy()[placed],
                "km": s.distance_m[placed] / 1000.0,
            }
        )
        result: dict[int, list[dict[str, Any]]] = {}
        stats = (
            table.groupby(["facility", "region"])["km"].agg(["size", "mean", "max"]).reset_index()
        )
        stats = stats.sort_values(["facility", "size"], ascending=[True, False])
        for facility, region, size, mean_km, max_km in stats.itertuples(index=False, name=None):
            result.setdefault(int(facility), []).append(
                {
                    "home_region": region,
                    "convicts": int(size),
                    "mean_distance_km": round(float(mean_km), 1),
                    "max_distance_km": round(float(max_km), 1),
                }
            )
        return result

    @cached_property
    def class_shortage(self) -> list[dict[str, int]]:
        s = self.solution
        class_of = s.groups["class"].to_numpy()[s.group_of]
        convicts = np.bincount(class_of, minlength=len(s.classes))
        free = (self.allowed * s.free[None, :]).sum(axis=1)
        return [
            {"convicts": int(n), "free": int(f), "short": int(max(0, n - f))}
            for n, f in zip(convicts, free, strict=True)
        ]

    def forced_change(self, group: int, facility: int) -> tuple[int, int, int] | None:
        """(unplaced, away, metres) change in total if one of `group` is forced into `facility`."""
        return self._move_change(group, facility, extra_place=False)

    def one_more_place_change(self, group: int, facility: int) -> tuple[int, int, int] | None:
        """Change of the total if `facility` had one more place and one of `group` took it."""
        return self._move_change(group, facility, extra_place=True)

    def _move_change(
        self, group: int, facility: int, *, extra_place: bool
    ) -> tuple[int, int, int] | None:
        """cost(group, facility) + the cheapest residual path from the facility back to the group.

        With an extra place the facility also reaches the sink for nothing, so the path may
        start at the sink as well.
        """
        s = self.solution
        potentials = s.potentials
        if potentials is None:
            return None
        if self.co_defendant_there(group, facility):
            return (0, 0, 0)
        block, row = s.block_of_group(group)
        sink = potentials.sink_node
        starts = [facility, sink] if extra_place else [facility]
        used = np.searchsorted(block.facilities, list(self.group_flows.get(group, {})))
        between = potentials.between
        back = [between[start, block.facilities[used]] - block.cost[row, used] for start in starts]
        exits = [float(b.min()) for b in back if len(b)]
        if self.unplaced_per_group[group] > 0:
            exits += [float(between[start, sink]) - s.unplaced_penalty for start in starts]
        column = int(np.searchsorted(block.facilities, facility))
        change = float(block.cost[row, column]) + min(exits)
        return split_cost(change, s) if np.isfinite(change) else IMPOSSIBLE

    def co_defendant_there(self, group: int, facility: int) -> bool:
        """A co-defendant of this (interchangeable) convict holds the place: they would swap."""
        shared_case = self.solution.groups["case"].iat[group] != ""
        return bool(shared_case and self.group_flows.get(group, {}).get(facility, 0) > 0)

    def shadow_price(self, facility: int) -> tuple[int, int, int] | None:
        potentials = self.solution.potentials
        if potentials is None:
            return None
        return split_cost(
            min(0.0, float(potentials.between[potentials.sink_node, facility])), self.solution
        )


def _change(parts: tuple[int, int, int] | None, home_tier: bool = True) -> dict[str, Any] | None:
    """A change of the total as data; `possible` is false when no free place can be made."""
    if parts is None:
        return None
    if parts == IMPOSSIBLE:
        return {"possible": False}
    unplaced, away, metres = parts
    return {
        "possible": True,
        "total_distance_change_km": round(metres / 1000.0, 3),
        "unplaced_change": unplaced,
        "away_from_home_change": away if home_tier else None,
    }


def explain_convict(solution: Solution, regions: pd.DataFrame, convict: int) -> Explanation:
    """The structured explanation of one convict's placement (by row in the input)."""
    return _explain(_Run.of(solution, regions), convict)


def explain_all(solution: Solution, regions: pd.DataFrame) -> list[Explanation]:
    """Explanations for every convict, in input order."""
    run = _Run.of(solution, regions)
    return [_explain(run, i) for i in range(len(solution.convicts))]


def _explain(run: _Run, i: int) -> Explanation:
    s = run.solution
    c = run.convict_records[i]
    group = int(s.group_of[i])
    class_index = run.group_class[group]
    block, row = s.block_of_group(group)
    facilities = run.facility_records
    assigned = int(s.facility_of[i])
    left = run.left

    rules = ["same-security-level", "same-sex", "same-age-category"]
    if c["medical_need"]:
        rules.append("medical-profile")
    rules += ["former-officer-separation", "capacity"]
    if c["case_id"]:
        rules.append("co-defendant-separation")
    rules += ["home-region-first", "close-to-home"]

    home_region = c["home_region"]
    home_facilities = [
        int(f) for f in block.facilities if facilities[int(f)]["region"] == home_region
    ]
    explanation: Explanation = {
        "schema": SCHEMA,
        "convict_id": c["convict_id"],
        "profile": {
            "sex": c["sex"],
            "age": int(c["age"]),
            "age_category": c["age_category"],
            "security_level": c["security_level"],
            "home_region": home_region,
            "home_lat": float(c["home_lat"]),
            "home_lon": float(c["home_lon"]),
            "medical_need": c["medical_need"] or None,
            "former_officer": bool(c["former_officer"]),
            "case_id": c["case_id"] or None,
        },
        "rules": [_RULE_ENTRIES[r] for r in rules],
        "eligible": {
            "count": len(block.facilities),
            "total_facilities": len(facilities),
            "excluded_by_rule": run.excluded_by[class_index],
        },
        "home_region": {
            "region": home_region,
            "eligible_facilities": [facilities[f]["facility_id"] for f in home_facilities],
            "all_full": bool(home_facilities) and all(left[f] <= 0 for f in home_facilities),
        },
        "placement": None,
        "unplaced": None,
        "closer_facilities": [],
        "smallest_change": None,
        "method": s.method,
        "exact_by": "potentials" if s.potentials is not None else None,
    }

    distances = block.distance_m[row]
    if assigned >= 0:
        column = int(np.searchsorted(block.facilities, assigned))
        explanation["placement"] = {
            **facilities[assigned],
            "distance_km": round(float(distances[column]) / 1000.0, 3),
            "rank": int((distances < distances[column]).sum()) + 1,
            "in_home_region": facilities[assigned]["region"] == home_region,
        }
    else:
        explanation["unplaced"] = {
            "reason": run.unplaced_reasons[i],
            "shortage": run.class_shortage[class_index],
        }

    key = (group, assigned)
    if key not in run.closer_items:
        run.closer_items[key] = _closer_items(run, group, assigned)
    closer = run.closer_items[key]
    explanation["closer_facilities"] = closer

    if closer:
        nearest = run.facility_row[closer[0]["facility_id"]]
        explanation["smallest_change"] = {
            "kind": "one-more-place",
            "facility_id": closer[0]["facility_id"],
            "name": closer[0]["name"],
            "effect": _change(run.one_more_place_change(group, nearest), s.home_penalty > 0),
            "facility_shadow_price": _change(run.shadow_price(nearest), s.home_penalty > 0),
        }
    elif assigned >= 0:
        explanation["smallest_change"] = {"kind": "none-needed"}
    else:
        explanation["smallest_change"] = {"kind": "no-facility-of-type"}
    return explanation


def _closer_items(run: _Run, group: int, assigned: int) -> list[dict[str, Any]]:
    """Eligible facilities closer to home than the assigned one (all of them when unplaced)."""
    s = run.solution
    block, row = s.block_of_group(group)
    distances = block.distance_m[row]
    order = np.argsort(distances, kind="stable")
    if assigned >= 0:
        limit = distances[int(np.searchsorted(block.facilities, assigned))]
        order = order[distances[order] < limit]
    items = []
    for k in order:
        f = int(block.facilities[k])
        items.append(
            {
                **run.facility_records[f],
                "distance_km": round(float(distances[k]) / 1000.0, 3),
                "free_places_before": int(s.free[f]),
                "placed_in_run": int(s.used[f]),
                "full": run.left[f] <= 0,
                "used_by": run.used_by.get(f, []),
                "forced_move": _change(run.forced_change(group, f), s.home_penalty > 0),
            }
        )
    return items


_RULE_ENTRIES = {
    rule_id: {"id": rule_id, "wording": rule.wording, "legal_source": rule.legal_source}
    for rule_id, rule in RULES.items()
}


def run_facts(solution: Solution, regions: pd.DataFrame) -> dict[str, Any]:
    """Run level: each facility's shadow price and utilisation; each region's home share."""
    run = _Run.of(solution, regions)
    f = solution.facilities
    facilities = []
    for j in range(len(f)):
        capacity = int(f["capacity"].to_numpy()[j])
        occupied_after = int(f["occupied"].to_numpy()[j]) + int(solution.used[j])
        facilities.append(
            {
                "facility_id": f["facility_id"].iat[j],
                "region": f["region"].iat[j],
                "free_places_before": int(solution.free[j]),
                "placed_in_run": int(solution.used[j]),
                "utilisation": round(occupied_after / capacity, 4) if capacity else None,
                "one_more_place": _change(run.shadow_price(j), solution.home_penalty > 0),
            }
        )
    placed = solution.facility_of >= 0
    facility_region = f["region"].to_numpy()[np.maximum(solution.facility_of, 0)]
    home = solution.convicts["home_region"].to_numpy()
    regions_out = []
    for code in regions["region"]:
        mine = home == code
        n = int(mine.sum())
        at_home = int((mine & placed & (facility_region == code)).sum())
        regions_out.append(
            {
                "region": code,
                "convicts": n,
                "placed": int((mine & placed).sum()),
                "placed_home": at_home,
                "home_share": round(at_home / n, 4) if n else None,
            }
        )
    return {"facilities": facilities, "regions": regions_out, "method": solution.method}


def render_explanation(
    explanation: Explanation,
    lang: str = "en",
    regions: pd.DataFrame | Mapping[str, Sequence[str]] | None = None,
) -> str:
    """The explanation in words, from the message catalogue.

    `regions` (a table or a mapping with the columns `region` and `name`) names the regions.
    The words never depend on the order of keys in the stored data: a store may reorder them.
    """
    names = (
        dict(zip(regions["region"], regions["name"], strict=True)) if regions is not None else {}
    )
    p = explanation["profile"]
    words = {
        "sex_word": message(f"sex.{p['sex']}", lang),
        "age_word": message(f"age.{p['age_category']}", lang),
    }
    lines = [
        message("title", lang, convict_id=explanation["convict_id"]),
        message(
            "profile",
            lang,
            **words,
            age=p["age"],
            security_level=p["security_level"],
            home_region=p["home_region"],
            home_region_name=names.get(p["home_region"], p["home_region"]),
            need=message("need", lang, medical_need=p["medical_need"]) if p["medical_need"] else "",
            officer=message("officer", lang) if p["former_officer"] else "",
            case=message("case", lang, case_id=p["case_id"]) if p["case_id"] else "",
        ),
        message("rules", lang),
    ]
    lines += [
        message(
            "rule.line", lang, text=message(f"rule.{r['id']}", lang), legal_source=r["legal_source"]
        )
        for r in explanation["rules"]
    ]
    eligible = explanation["eligible"]
    excluded = ", ".join(
        message("excluded.item", lang, count=n, rule=rule)
        for rule, n in sorted(eligible["excluded_by_rule"].items(), key=_rule_order)
    ) or message("excluded.none", lang)
    lines.append(
        message(
            "eligible",
            lang,
            count=eligible["count"],
            total=eligible["total_facilities"],
            excluded=excluded,
        )
    )

    placement = explanation["placement"]
    if placement is not None:
        rank = placement["rank"]
        lines.append(
            message(
                "placed",
                lang,
                name=placement["name"],
                facility_id=placement["facility_id"],
                region_name=names.get(placement["region"], placement["region"]),
                distance_km=placement["distance_km"],
                rank=rank,
                rank_suffix=_ordinal_suffix(rank) if lang == "en" else "",
                count=eligible["count"],
                home=message("placed.home" if placement["in_home_region"] else "placed.away", lang),
            )
        )
    else:
        unplaced = explanation["unplaced"]
        need_short = (
            message("need_short", lang, medical_need=p["medical_need"]) if p["medical_need"] else ""
        )
        reason_text = message(
            f"reason.{unplaced['reason']}",
            lang,
            **words,
            security_level=p["security_level"],
            need_short=need_short,
            count=eligible["count"],
        )
        lines.append(message("unplaced", lang, reason_text=reason_text))
        if unplaced["shortage"]["short"] > 0:
            lines.append(message("shortage", lang, **unplaced["shortage"]))

    home = explanation["home_region"]
    if not home["eligible_facilities"]:
        lines.append(
            message(
                "home.none",
                lang,
                **words,
                home_region_name=names.get(home["region"], home["region"]),
            )
        )
    elif home["all_full"] and not (placement and placement["in_home_region"]):
        lines.append(message("home.full", lang, names=", ".join(home["eligible_facilities"])))

    closer = explanation["closer_facilities"]
    if placement is not None and not closer:
        lines.append(message("closer.none", lang))
    elif closer:
        lines.append(message("closer.head", lang))
        for item in closer:
            used_by = "; ".join(
                message(
                    "used.item",
                    lang,
                    convicts=u["convicts"],
                    region=names.get(u["home_region"], u["home_region"]),
                    mean_km=u["mean_distance_km"],
                )
                for u in item["used_by"]
            ) or message("used.none", lang)
            lines.append(
                message(
                    "closer.line",
                    lang,
                    name=item["name"],
                    facility_id=item["facility_id"],
                    distance_km=item["distance_km"],
                    state=message("closer.full" if item["full"] else "closer.open", lang),
                    free_before=item["free_places_before"],
                    used_by=used_by,
                    forced=_forced_words(item["forced_move"], lang),
                )
            )
    change = explanation["smallest_change"]
    if change and change["kind"] == "one-more-place" and change["effect"] is not None:
        lines.append(
            message(
                "change.one_place",
                lang,
                name=change["name"],
                facility_id=change["facility_id"],
                km=change["effect"]["total_distance_change_km"],
            )
        )
    elif change and change["kind"] == "none-needed":
        lines.append(message("change.none_needed", lang))
    if explanation["exact_by"] == "potentials":
        lines.append(message("exact.potentials", lang))
    return "\n".join(lines)


def _rule_order(item: tuple[str, int]) -> int:
    return list(RULES).index(item[0]) if item[0] in RULES else len(RULES)


def _forced_words(change: dict[str, Any] | None, lang: str) -> str:
    if change is None:
        return message("forced.unknown", lang)
    if not change["possible"]:
        return message("forced.impossible", lang)
    parts = []
    if change["unplaced_change"] > 0:
        parts.append(message("forced.unplace", lang, count=change["unplaced_change"]))
    if (change["away_from_home_change"] or 0) > 0:
        parts.append(message("forced.away", lang, count=change["away_from_home_change"]))
    km = change["total_distance_change_km"]
    parts.append(message("forced.km" if km >= 0 else "forced.km_saved", lang, km=abs(km)))
    return ", ".join(parts)


def _ordinal_suffix(n: int) -> str:
    if 10 <= n % 100 <= 20:
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
