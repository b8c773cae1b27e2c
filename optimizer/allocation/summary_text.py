"""The allocation summary in words and tables, in each language (gettext domain `allocation`).

Numbers are written as the locale writes them (Babel), counted phrases take the catalogue's
plural forms, security levels are named as the 2014 codes name them, and home regions by
their names in the language (`name_ru`, `name_kk` of the regions table).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

import pandas as pd

from optimizer.i18n import Language, Translator, translator
from optimizer.rules import level_name


class NetworkGap(Protocol):
    """A class of convicts the law allows but no facility of the network fits."""

    @property
    def convicts(self) -> int: ...
    @property
    def security_level(self) -> str: ...
    @property
    def sex(self) -> str: ...
    @property
    def age_category(self) -> str: ...
    @property
    def medical_need(self) -> str: ...
    @property
    def former_officer(self) -> bool: ...
    @property
    def life_sentence(self) -> bool: ...


class Summary(Protocol):
    """What the words of a summary are made of (`summary.Summary`)."""

    @property
    def convicts(self) -> int: ...
    @property
    def placed(self) -> int: ...
    @property
    def placed_home(self) -> int: ...
    @property
    def unplaced_by_reason(self) -> Mapping[str, int]: ...
    @property
    def total_distance_km(self) -> float: ...
    @property
    def mean_distance_km(self) -> float: ...
    @property
    def median_distance_km(self) -> float: ...
    @property
    def max_distance_km(self) -> float: ...
    @property
    def beyond_1000_km(self) -> int: ...
    @property
    def by_level(self) -> pd.DataFrame: ...
    @property
    def by_region(self) -> pd.DataFrame: ...
    @property
    def method(self) -> str: ...
    @property
    def optimal(self) -> bool: ...
    @property
    def gap_to_bound(self) -> tuple[int, int, int] | None: ...
    @property
    def network_gaps(self) -> Sequence[NetworkGap]: ...


DOMAIN = "allocation"
"""The gettext domain of the summary: `optimizer/locale/<lang>/LC_MESSAGES/allocation.po`."""

TABLE_COLUMNS = ("convicts", "placed", "home_share", "mean_km", "max_km")


def render_summary(summary: Summary, lang: str = "en", regions: pd.DataFrame | None = None) -> str:
    """The summary's lines: totals, gap to a bound, unplaced by reason, the network's gaps, and
    the tables by security level and by home region."""
    say = translator(DOMAIN, lang)
    lines = _totals(say, summary)
    lines += _gaps(say, summary.network_gaps)
    level_names = {level: level_name(level, lang) for level in summary.by_level["security_level"]}
    lines += ["", say("by_level"), _table(say, summary.by_level, "security_level", level_names)]
    lines += [
        "",
        say("by_region"),
        _table(say, summary.by_region, "home_region", _region_names(regions, say.lang)),
    ]
    return "\n".join(lines)


def _totals(say: Translator, s: Summary) -> list[str]:
    share = s.placed_home / s.placed if s.placed else 0.0
    quality = say("quality.optimal") if s.optimal else say("quality.not_proven")
    lines = [
        say(
            "allocated",
            placed=say.number(s.placed),
            convicts=say.plural("count.convicts_of", s.convicts),
            quality=quality,
            method=_method(say, s.method),
        ),
        say("home", placed_home=say.number(s.placed_home), share=say.percent(share)),
        say(
            "distance",
            total=say.number(s.total_distance_km),
            mean=say.number(s.mean_distance_km),
            median=say.number(s.median_distance_km),
            max=say.number(s.max_distance_km),
            beyond=say.number(s.beyond_1000_km),
            limit=say.number(1000),
        ),
    ]
    if s.gap_to_bound is not None:
        unplaced, away, metres = s.gap_to_bound
        lines.append(
            say(
                "gap_to_bound",
                unplaced=say.number(unplaced),
                away=say.number(away),
                km=say.number(metres / 1000),
            )
        )
    for reason, count in s.unplaced_by_reason.items():
        lines.append(
            say(
                "unplaced",
                reason=say(f"reason.{reason}"),
                convicts=say.plural("count.convicts", count),
            )
        )
    return lines


def _method(say: Translator, method: str) -> str:
    try:
        return say(f"method.{method}")
    except KeyError:
        return method


def _gaps(say: Translator, gaps: Sequence[NetworkGap]) -> list[str]:
    if not gaps:
        return []
    return [say("gaps.head")] + [
        say("gaps.line", convicts=say.plural("count.convicts", gap.convicts), who=_who(say, gap))
        for gap in gaps
    ]


def _who(say: Translator, gap: NetworkGap) -> str:
    parts = [say(f"who.sex.{gap.sex}"), level_name(gap.security_level, say.lang.value)]
    parts[1] = say("who.level", level=parts[1])
    if gap.age_category == "juvenile":
        parts.append(say("who.juvenile"))
    if gap.medical_need:
        try:
            profile = say(f"who.medical.{gap.medical_need}")
        except KeyError:
            profile = gap.medical_need
        parts.append(say("who.medical", profile=profile))
    if gap.former_officer:
        parts.append(say("who.officer"))
    if gap.life_sentence:
        parts.append(say("who.life"))
    return ", ".join(parts)


def _region_names(regions: pd.DataFrame | None, lang: Language) -> dict[str, str]:
    if regions is None:
        return {}
    column = (
        "name"
        if lang is Language.EN or f"name_{lang.value}" not in regions
        else f"name_{lang.value}"
    )
    return {
        code: f"{code} {name}"
        for code, name in zip(regions["region"], regions[column], strict=True)
    }


def _table(say: Translator, table: pd.DataFrame, key: str, names: dict[str, str]) -> str:
    """A plain-text table with translated headers and the locale's numbers."""
    header = [say(f"column.{key}")] + [say(f"column.{c}") for c in TABLE_COLUMNS]
    rows = []
    for record in table.to_dict("records"):
        rows.append(
            [
                names.get(str(record[key]), str(record[key])),
                say.number(record["convicts"]),
                say.number(record["placed"]),
                say.percent(float(record["home_share"])),
                _km(say, record["mean_km"]),
                _km(say, record["max_km"]),
            ]
        )
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = []
    for row in [header, *rows]:
        cells = [row[0].ljust(widths[0])] + [
            c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)
        ]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def _km(say: Translator, value: float) -> str:
    return "–" if pd.isna(value) else say.number(float(value), 1)
