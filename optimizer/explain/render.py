"""An explanation in words, from the message catalogues (en, ru, kk).

The words are rendered from the typed `Explanation`; a published document (a dict, as a store
gives it back) is read into one first, so the words never depend on the order of its keys.
Rule wordings and citations come from the rules' catalogue (`optimizer.rules`), numbers from
Babel, counted phrases from the catalogue's plural forms, and names of regions and facilities
from the data set's `name_ru` / `name_kk` columns.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from optimizer.domain import Objective
from optimizer.explain.document import read_explanation
from optimizer.explain.explanation import (
    Blocker,
    Change,
    ChangeKind,
    CloserFacility,
    Effect,
    Explanation,
    NoChange,
    OneMorePlace,
    Placement,
    Profile,
    Unplaced,
    blocker_of,
    in_rule_order,
)
from optimizer.explain.messages import messages
from optimizer.i18n import Language, Translator
from optimizer.rules import level_name, rule_citation, rule_name, rule_wording

Names = pd.DataFrame | Mapping[str, Sequence[str]]
"""A table or a mapping with an id column (`region` or `facility_id`), `name` and, for the
other languages, `name_ru` and `name_kk`."""

HOME_RULE = "home-region-first"


@dataclass(frozen=True, slots=True)
class Words:
    """What every part of one rendering shares: the language, its messages and the names."""

    say: Translator
    regions: Mapping[str, str]
    facilities: Mapping[str, str]
    lang: str = ""
    rule_lines: dict[object, list[str]] = field(default_factory=dict)
    """The rule lines and eligible-set line already written, by what they say (the convicts of a
    class share them)."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "lang", self.say.lang.value)

    def region(self, code: str) -> str:
        return self.regions.get(code, code)

    def facility(self, facility_id: str, name: str) -> str:
        return self.facilities.get(facility_id, name)

    def km(self, value: float) -> str:
        return self.say.number(value)

    def count(self, key: str, n: int) -> str:
        return self.say.plural(f"count.{key}", n)


def words_for(lang: str, regions: Names | None = None, facilities: Names | None = None) -> Words:
    """The shared parts of renderings in `lang`: reuse one for many explanations."""
    say = messages(lang)
    return Words(
        say,
        local_names(regions, "region", say.lang),
        local_names(facilities, "facility_id", say.lang),
    )


def render_explanation(
    explanation: Explanation | Mapping[str, Any],
    lang: str = "en",
    regions: Names | None = None,
    facilities: Names | None = None,
    *,
    words: Words | None = None,
) -> str:
    """The explanation in words: a typed `Explanation` or its published document.

    `regions` and `facilities` (tables of the data set) name regions and facilities in the
    language; `words` (from `words_for`) replaces the three when many are rendered.
    """
    if not isinstance(explanation, Explanation):
        explanation = read_explanation(explanation)
    words = words or words_for(lang, regions, facilities)
    lines = _profile_lines(words, explanation)
    lines += _placement_lines(words, explanation)
    lines += _home_lines(words, explanation)
    lines += _closer_lines(words, explanation)
    lines += _change_lines(words, explanation)
    return "\n".join(lines)


def local_names(table: Names | None, key: str, lang: Language) -> dict[str, str]:
    """Id -> name in `lang`: `name_<lang>` where the table has it, else `name`."""
    if table is None:
        return {}
    column = f"name_{lang.value}" if lang is not Language.EN else "name"
    if column not in table:
        column = "name"
    return dict(zip(list(table[key]), list(table[column]), strict=True))


def _class_words(words: Words, profile: Profile) -> dict[str, str]:
    return {
        "sex_word": words.say(f"sex.{profile.sex.value}"),
        "age_word": words.say(f"age.{profile.age_category.value}.{profile.sex.value}"),
        "level": level_name(profile.security_level, words.lang),
    }


def _medical(words: Words, need: str) -> str:
    try:
        return words.say(f"medical.{need}")
    except KeyError:
        return need


def _profile_lines(words: Words, explanation: Explanation) -> list[str]:
    p = explanation.profile
    say = words.say
    need = say("need", profile=_medical(words, p.medical_need)) if p.medical_need else ""
    lines = [
        say("title", convict_id=explanation.convict_id),
        say(
            "profile",
            **_class_words(words, p),
            age=p.age,
            home_region=p.home_region,
            home_region_name=words.region(p.home_region),
            need=need,
            officer=say("officer") if p.former_officer else "",
            case=say("case", case_id=p.case_id) if p.case_id else "",
        ),
    ]
    eligible = explanation.eligible
    key = (tuple(rule.id for rule in explanation.rules), eligible)
    if key not in words.rule_lines:
        words.rule_lines[key] = _rule_lines(words, explanation)
    return lines + words.rule_lines[key]


def _rule_lines(words: Words, explanation: Explanation) -> list[str]:
    """The rules applied, with their legal sources, and the eligible set they leave."""
    say = words.say
    lines = [say("rules")]
    lines += [
        say(
            "rule.line",
            text=rule_wording(rule.id, words.lang),
            legal_source=rule_citation(rule.id, words.lang),
        )
        for rule in explanation.rules
    ]
    eligible = explanation.eligible
    excluded = "; ".join(
        say("excluded.item", count=words.km(n), rule=rule_name(rule, words.lang))
        for rule, n in in_rule_order(eligible.excluded_by_rule)
    )
    lines.append(
        say(
            "eligible",
            count=words.km(eligible.count),
            total=words.km(eligible.total_facilities),
            excluded=excluded or say("excluded.none"),
        )
    )
    return lines


def _placement_lines(words: Words, explanation: Explanation) -> list[str]:
    if explanation.placement is not None:
        return [_placed_line(words, explanation.placement, explanation.eligible.count)]
    assert explanation.unplaced is not None, "an explanation is placed or unplaced"
    return _unplaced_lines(words, explanation.unplaced, explanation)


def _rank(words: Words, rank: int, eligible: int) -> str:
    if eligible <= 1:
        return words.say("rank.only")
    if rank <= 1:
        return words.say("rank.first")
    return words.say.plural("rank.closer", rank - 1)


def _placed_line(words: Words, placement: Placement, eligible: int) -> str:
    home = "placed.home" if placement.in_home_region else "placed.away"
    return words.say(
        "placed",
        name=words.facility(placement.facility_id, placement.name),
        facility_id=placement.facility_id,
        region_name=words.region(placement.region),
        km=words.km(placement.distance_km),
        rank=_rank(words, placement.rank, eligible),
        home=words.say(home),
    )


def _unplaced_lines(words: Words, unplaced: Unplaced, explanation: Explanation) -> list[str]:
    p = explanation.profile
    say = words.say
    reason = unplaced.reason.value
    count = explanation.eligible.count
    if reason == "eligible-facilities-full" and count == 1:
        reason_text = say("reason.eligible-facilities-full.one")
    else:
        reason_text = say(
            f"reason.{reason}",
            **_class_words(words, p),
            need_short=(
                say("need_short", profile=_medical(words, p.medical_need)) if p.medical_need else ""
            ),
            officer_short=say("officer_short") if p.former_officer else "",
            count=words.km(count),
        )
    lines = [say("unplaced", reason_text=reason_text)]
    if unplaced.network_gap:
        lines.append(say("network_gap"))
    shortage = unplaced.shortage
    if shortage.short > 0 and count > 0:
        lines.append(
            say(
                "shortage",
                convicts=words.count("convicts", shortage.convicts),
                free=words.count("free_places", shortage.free),
                short=words.count("places", shortage.short),
            )
        )
    return lines


def _home_lines(words: Words, explanation: Explanation) -> list[str]:
    home = explanation.home_region
    placement = explanation.placement
    home_first = explanation.objective is Objective.HOME_FIRST
    if not home.eligible_facilities:
        cite = words.say("cite", legal_source=rule_citation(HOME_RULE, words.lang))
        return [
            words.say(
                "home.none",
                home_region_name=words.region(home.region),
                cite=cite if home_first else "",
            )
        ]
    placed_at_home = placement is not None and placement.in_home_region
    names = ", ".join(words.facility(f, f) for f in home.eligible_facilities)
    if home.all_full and not placed_at_home:
        return [words.say("home.full", names=names)]
    if not home_first and placement is not None and not placed_at_home and home.free_after > 0:
        return [
            words.say("home.room", free=words.count("free_places", home.free_after), names=names)
        ]
    return []


def _closer_lines(words: Words, explanation: Explanation) -> list[str]:
    closer = explanation.closer_facilities
    if not closer:
        return [words.say("closer.none")] if explanation.placement is not None else []
    head = "closer.head" if explanation.placement is not None else "closer.head_unplaced"
    return [words.say(head)] + [_closer_line(words, explanation, item) for item in closer]


def _closer_line(words: Words, explanation: Explanation, item: CloserFacility) -> str:
    return words.say(
        "closer.line",
        name=words.facility(item.facility_id, item.name),
        facility_id=item.facility_id,
        km=words.km(item.distance_km),
        why=_why_not(words, explanation, item),
    )


def _why_not(words: Words, explanation: Explanation, item: CloserFacility) -> str:
    """Why the convict is not in this closer facility: the first reason that holds."""
    say = words.say
    placement = explanation.placement
    blocker = blocker_of(
        item,
        explanation.objective,
        explanation.profile.home_region,
        placement is not None and placement.in_home_region,
    )
    if blocker is Blocker.CO_DEFENDANT:
        return say("why.co_defendant", ids=", ".join(item.co_defendants))
    if blocker is Blocker.HOME_REGION_FIRST:
        return say("why.outside_home", legal_source=rule_citation(HOME_RULE, words.lang))
    if blocker is Blocker.FULL_BEFORE:
        return say("why.full_before")
    move = _move_words(words, item.forced_move)
    if item.full:
        used_by = ", ".join(
            say(
                "used.item",
                convicts=words.count("convicts", use.convicts),
                region=words.region(use.home_region),
                km=words.km(use.mean_distance_km),
            )
            for use in item.used_by
        )
        return " ".join(
            [
                say(
                    "why.full",
                    free=words.count("free_places", item.free_places_before),
                    used_by=used_by,
                ),
                move,
            ]
        )
    left = item.free_places_before - item.placed_in_run
    return " ".join([say("why.open", left=words.count("free_places", left)), move])


def _move_words(words: Words, effect: Effect) -> str:
    if effect is None:
        return words.say("move.unknown")
    if not isinstance(effect, Change):
        return words.say("move.impossible")
    changes = _changes(words, effect)
    return words.say("move.change", changes=changes) if changes else words.say("move.equal")


def _changes(words: Words, effect: Change) -> str:
    """The clauses of a change of the run's totals, joined as the language joins them."""
    say = words.say
    parts = []
    if effect.unplaced_change:
        key = "delta.unplaced_more" if effect.unplaced_change > 0 else "delta.unplaced_less"
        parts.append(say.plural(key, abs(effect.unplaced_change)))
    away = effect.away_from_home_change or 0
    if away:
        parts.append(say.plural("delta.away_more" if away > 0 else "delta.away_less", abs(away)))
    km = effect.total_distance_change_km
    if round(km) != 0:
        key = "delta.km_more" if km > 0 else "delta.km_less"
        parts.append(say(key, km=words.km(abs(km))))
    text = parts[-1] if parts else ""
    for part in reversed(parts[:-1]):
        text = say("delta.join", first=part, second=text)
    return text


def _change_lines(words: Words, explanation: Explanation) -> list[str]:
    change = explanation.smallest_change
    lines = []
    if isinstance(change, NoChange):
        if change.kind is ChangeKind.NOT_CAPACITY:
            placed = explanation.placement is not None
            lines.append(
                words.say("change.not_capacity" if placed else "change.not_capacity_unplaced")
            )
    elif isinstance(change, OneMorePlace):
        lines.append(_one_place(words, change))
    if explanation.exact_by == "potentials":
        lines.append(words.say("exact"))
    return lines


def _one_place(words: Words, change: OneMorePlace) -> str:
    name = words.facility(change.facility_id, change.name)
    changes = _changes(words, change.effect) if isinstance(change.effect, Change) else ""
    if not changes:
        return words.say("change.one_place_unpriced", name=name, facility_id=change.facility_id)
    return words.say("change.one_place", name=name, facility_id=change.facility_id, changes=changes)
