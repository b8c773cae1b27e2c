"""An explanation in words, from the message catalogue (en, ru).

The words are rendered from the typed `Explanation`; a published document (a dict, as a store
gives it back) is read into one first, so the words never depend on the order of its keys.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from optimizer.explain.document import read_explanation
from optimizer.explain.explanation import (
    Change,
    ChangeKind,
    CloserFacility,
    Effect,
    Explanation,
    NoChange,
    Placement,
    Profile,
    Unplaced,
    in_rule_order,
)
from optimizer.explain.messages import messages
from optimizer.i18n import Translator

RegionNames = pd.DataFrame | Mapping[str, Sequence[str]]
"""A table or a mapping with the columns `region` (codes) and `name`."""


@dataclass(frozen=True, slots=True)
class _Words:
    """What every part of one rendering shares: the language and the region names."""

    lang: str
    names: Mapping[str, str]
    say: Translator

    def region(self, code: str) -> str:
        return self.names.get(code, code)


def render_explanation(
    explanation: Explanation | Mapping[str, Any],
    lang: str = "en",
    regions: RegionNames | None = None,
) -> str:
    """The explanation in words: a typed `Explanation` or its published document.

    `regions` (a table or a mapping with the columns `region` and `name`) names the regions.
    """
    if not isinstance(explanation, Explanation):
        explanation = read_explanation(explanation)
    words = _Words(lang, _region_names(regions), messages(lang))
    lines = _profile_lines(words, explanation)
    lines += _placement_lines(words, explanation)
    lines += _home_lines(words, explanation)
    lines += _closer_lines(words, explanation)
    lines += _change_lines(words, explanation)
    return "\n".join(lines)


def _region_names(regions: RegionNames | None) -> dict[str, str]:
    if regions is None:
        return {}
    if isinstance(regions, pd.DataFrame):
        codes, names = regions["region"].tolist(), regions["name"].tolist()
    else:
        codes, names = list(regions["region"]), list(regions["name"])
    return dict(zip(codes, names, strict=True))


def _class_words(words: _Words, profile: Profile) -> dict[str, str]:
    return {
        "sex_word": words.say(f"sex.{profile.sex.value}"),
        "age_word": words.say(f"age.{profile.age_category.value}"),
    }


def _profile_lines(words: _Words, explanation: Explanation) -> list[str]:
    p = explanation.profile
    say = words.say
    lines = [
        say("title", convict_id=explanation.convict_id),
        say(
            "profile",
            **_class_words(words, p),
            age=p.age,
            security_level=p.security_level.value,
            home_region=p.home_region,
            home_region_name=words.region(p.home_region),
            need=say("need", medical_need=p.medical_need) if p.medical_need else "",
            officer=say("officer") if p.former_officer else "",
            case=say("case", case_id=p.case_id) if p.case_id else "",
        ),
        say("rules"),
    ]
    lines += [
        say("rule.line", text=say(f"rule.{rule.id}"), legal_source=rule.legal_source)
        for rule in explanation.rules
    ]
    eligible = explanation.eligible
    by_rule = in_rule_order(eligible.excluded_by_rule)
    excluded = ", ".join(say("excluded.item", count=n, rule=rule) for rule, n in by_rule)
    lines.append(
        say(
            "eligible",
            count=eligible.count,
            total=eligible.total_facilities,
            excluded=excluded or say("excluded.none"),
        )
    )
    return lines


def _placement_lines(words: _Words, explanation: Explanation) -> list[str]:
    if explanation.placement is not None:
        return [_placed_line(words, explanation.placement, explanation.eligible.count)]
    assert explanation.unplaced is not None, "an explanation is placed or unplaced"
    return _unplaced_lines(words, explanation.unplaced, explanation)


def _placed_line(words: _Words, placement: Placement, eligible: int) -> str:
    home = "placed.home" if placement.in_home_region else "placed.away"
    return words.say(
        "placed",
        name=placement.name,
        facility_id=placement.facility_id,
        region_name=words.region(placement.region),
        distance_km=placement.distance_km,
        rank=placement.rank,
        rank_suffix=_ordinal_suffix(placement.rank) if words.lang == "en" else "",
        count=eligible,
        home=words.say(home),
    )


def _unplaced_lines(words: _Words, unplaced: Unplaced, explanation: Explanation) -> list[str]:
    p = explanation.profile
    need_short = words.say("need_short", medical_need=p.medical_need) if p.medical_need else ""
    reason_text = words.say(
        f"reason.{unplaced.reason.value}",
        **_class_words(words, p),
        security_level=p.security_level.value,
        need_short=need_short,
        count=explanation.eligible.count,
    )
    lines = [words.say("unplaced", reason_text=reason_text)]
    shortage = unplaced.shortage
    if shortage.short > 0:
        lines.append(
            words.say(
                "shortage", convicts=shortage.convicts, free=shortage.free, short=shortage.short
            )
        )
    return lines


def _home_lines(words: _Words, explanation: Explanation) -> list[str]:
    home = explanation.home_region
    placement = explanation.placement
    if not home.eligible_facilities:
        return [
            words.say(
                "home.none",
                **_class_words(words, explanation.profile),
                home_region_name=words.region(home.region),
            )
        ]
    placed_at_home = placement is not None and placement.in_home_region
    if home.all_full and not placed_at_home:
        return [words.say("home.full", names=", ".join(home.eligible_facilities))]
    return []


def _closer_lines(words: _Words, explanation: Explanation) -> list[str]:
    closer = explanation.closer_facilities
    if not closer:
        return [words.say("closer.none")] if explanation.placement is not None else []
    return [words.say("closer.head")] + [_closer_line(words, item) for item in closer]


def _closer_line(words: _Words, item: CloserFacility) -> str:
    used_by = "; ".join(
        words.say(
            "used.item",
            convicts=use.convicts,
            region=words.region(use.home_region),
            mean_km=use.mean_distance_km,
        )
        for use in item.used_by
    )
    return words.say(
        "closer.line",
        name=item.name,
        facility_id=item.facility_id,
        distance_km=item.distance_km,
        state=words.say("closer.full" if item.full else "closer.open"),
        free_before=item.free_places_before,
        used_by=used_by or words.say("used.none"),
        forced=_forced_words(words, item.forced_move),
    )


def _forced_words(words: _Words, effect: Effect) -> str:
    if effect is None:
        return words.say("forced.unknown")
    if not isinstance(effect, Change):
        return words.say("forced.impossible")
    parts = []
    if effect.unplaced_change > 0:
        parts.append(words.say("forced.unplace", count=effect.unplaced_change))
    if (effect.away_from_home_change or 0) > 0:
        parts.append(words.say("forced.away", count=effect.away_from_home_change))
    km = effect.total_distance_change_km
    parts.append(words.say("forced.km" if km >= 0 else "forced.km_saved", km=abs(km)))
    return ", ".join(parts)


def _change_lines(words: _Words, explanation: Explanation) -> list[str]:
    change = explanation.smallest_change
    lines = []
    if isinstance(change, NoChange):
        if change.kind is ChangeKind.NONE_NEEDED:
            lines.append(words.say("change.none_needed"))
    elif isinstance(change.effect, Change):
        lines.append(
            words.say(
                "change.one_place",
                name=change.name,
                facility_id=change.facility_id,
                km=change.effect.total_distance_change_km,
            )
        )
    if explanation.exact_by == "potentials":
        lines.append(words.say("exact.potentials"))
    return lines


def _ordinal_suffix(n: int) -> str:
    if 10 <= n % 100 <= 20:
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
