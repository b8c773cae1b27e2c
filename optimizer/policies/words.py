"""The words of a policy report in one language: sentences from the `policies` catalogue,
numbers as the locale writes them (Babel), and the names of regions, policies, security
levels, sexes and modes in that language.

Every rendered text of the benchmark and forecast reports goes through one `ReportWords`, so a
report in Russian or Kazakh carries no English heading, unit or name.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

import pandas as pd

from optimizer.i18n import Language, Translator, translator
from optimizer.policies.formats import missing
from optimizer.rules import level_name

DOMAIN = "policies"


class Titled(Protocol):
    """A policy or a scenario: a name, and a title in each language."""

    @property
    def name(self) -> str: ...

    def title_in(self, lang: str) -> str: ...


@dataclass(frozen=True)
class ReportWords:
    """One language's words for a report; `regions` maps a code to its name in the language,
    `titles` a policy or scenario name to its title in the language."""

    t: Translator
    regions: Mapping[str, str] = field(default_factory=dict)
    titles: Mapping[str, str] = field(default_factory=dict)

    @property
    def lang(self) -> Language:
        return self.t.lang

    def __call__(self, key: str, /, **fields: Any) -> str:
        return self.t(key, **fields)

    def plural(self, key: str, n: int, /, **fields: Any) -> str:
        return self.t.plural(key, n, **fields)

    def number(self, value: float, digits: int = 0) -> str:
        """A number in the locale's digits; a missing one reads as the catalogue's "n/a"."""
        return self.t("na") if missing(value) else self.t.number(float(value), digits)

    def percent(self, share: float, digits: int = 1) -> str:
        return self.t("na") if missing(share) else self.t.percent(float(share), digits)

    def km(self, value: float) -> str:
        return self.t("unit.km", value=self.number(value))

    def points(self, value: float) -> str:
        """A difference of shares in percentage points (the value already in points)."""
        return self.t("unit.pp", value=self.number(value, 1))

    def change_percent(self, value: float) -> str:
        """A relative change (0.05) as a percentage without its sign."""
        return self.percent(value, 1)

    def signed(self, value: float, fmt: Callable[[float], str]) -> str:
        """A change with its sign: '+' up, '−' down, '±' none."""
        if missing(value):
            return self.t("na")
        return ("+" if value > 0 else "−" if value < 0 else "±") + fmt(abs(value))

    def interval(self, mean: float, low: float, high: float, fmt: Callable[[float], str]) -> str:
        """'mean (low to high)', or the mean alone when there is no interval (one seed)."""
        if missing(low) or missing(high) or low == high:
            return fmt(mean)
        return self.t("interval", mean=fmt(mean), low=fmt(low), high=fmt(high))

    def region(self, code: str) -> str:
        """'KZ-71 Astana (city)' in the language: the ISO code and the region's name."""
        return f"{code} {self.regions.get(code, '')}".strip()

    def title(self, name: str) -> str:
        return self.titles.get(name, name)

    def mode(self, mode: str) -> str:
        return self.t(f"mode.{mode}")

    def level(self, level: str) -> str:
        return level_name(level, self.lang.value)

    def sex(self, sex: str) -> str:
        return self.t(f"sex.{sex}")

    def columns(self, frame: pd.DataFrame) -> pd.DataFrame:
        """A table with its column headings from the catalogue (`col.<name>`)."""
        return frame.rename(columns={c: self.t(f"col.{c}") for c in frame.columns})


def report_words(
    lang: str, regions: pd.DataFrame | None = None, titled: Iterable[Titled] = ()
) -> ReportWords:
    """The words of `lang`, region names from the regions table (`name_ru`, `name_kk`) and
    the titles of the policies or scenarios given."""
    t = translator(DOMAIN, lang)
    return ReportWords(
        t,
        region_names(regions, t.lang) if regions is not None else {},
        {item.name: item.title_in(t.lang.value) for item in titled},
    )


def region_names(regions: pd.DataFrame, lang: Language) -> dict[str, str]:
    """Region code -> name in `lang` (`name_<lang>` where the table has it, else `name`)."""
    column = "name" if lang is Language.EN else f"name_{lang.value}"
    if column not in regions:
        column = "name"
    names = regions[column].where(regions[column].notna(), regions["name"])
    return dict(zip(regions["region"].astype(str), names.astype(str), strict=True))


def local_texts(document: Mapping[str, Any], keys: Iterable[str]) -> dict[str, str]:
    """The translated texts a policy or scenario file gives (`title_ru`, `description_kk`),
    stripped; texts that are not strings are left to the caller's own check."""
    found = {}
    for key in keys:
        for lang in (Language.RU, Language.KK):
            value = document.get(f"{key}_{lang.value}")
            if isinstance(value, str) and value.strip():
                found[f"{key}_{lang.value}"] = value.strip()
    return found


def in_language(texts: Mapping[str, str], key: str, english: str, lang: str) -> str:
    """`key` in `lang` from a file's translated texts, or the English text."""
    if lang == Language.EN.value:
        return english
    return texts.get(f"{key}_{lang}", english)
