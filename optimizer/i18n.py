"""The product's languages: gettext catalogues for words, Babel for numbers, plurals and dates.

Every text the engine shows lives in a gettext catalogue, one per domain (`explain`,
`transfers`, ...) and language: `optimizer/locale/<lang>/LC_MESSAGES/<domain>.po`, compiled to
`.mo` beside it (`scripts/catalogues compile`). Message ids are stable keys (`title`,
`rule.same-sex`); English is a catalogue like the others, so no sentence is written in code.
A key missing in a language falls back to English; a key missing in English is a programming
error (`KeyError`). Counted phrases use the catalogue's plural forms (Russian has three,
Kazakh two); numbers are written the way each locale writes them (`2 413 км`, `2,413 km`).
"""

from __future__ import annotations

import datetime
import functools
import gettext
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any, overload

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_decimal, format_percent

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
"""Where the catalogues are: `<lang>/LC_MESSAGES/<domain>.po` and `.mo`."""


class Language(StrEnum):
    """The languages the product speaks; the values are the codes callers pass."""

    EN = "en"
    RU = "ru"
    KK = "kk"


FALLBACK = Language.EN
"""The language every catalogue is complete in."""

LANGUAGES: tuple[str, ...] = tuple(language.value for language in Language)
"""The language codes, in the order they are offered."""

_BY_CODE: dict[str, Language] = {language.value: language for language in Language}


def language(code: str) -> Language:
    """The language of a code (a `Language` is a code too); `ValueError` for an unknown one."""
    found = _BY_CODE.get(code)
    if found is None:
        raise ValueError(f"unknown language {code!r}; expected one of {', '.join(LANGUAGES)}")
    return found


@overload
def negotiate(accept_language: str | None) -> Language: ...
@overload
def negotiate(accept_language: str | None, default: Language) -> Language: ...
@overload
def negotiate(accept_language: str | None, default: None) -> Language | None: ...
def negotiate(accept_language: str | None, default: Language | None = FALLBACK) -> Language | None:
    """The best of our languages for an HTTP `Accept-Language` header (RFC 9110 weights)."""
    ranked: list[tuple[float, int, Language]] = []
    for position, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        code = tag.strip().lower().split("-")[0]
        weight = 1.0
        if params.strip().startswith("q="):
            try:
                weight = float(params.strip()[2:])
            except ValueError:
                weight = 0.0
        if code in _BY_CODE and weight > 0:
            ranked.append((-weight, position, _BY_CODE[code]))
    return min(ranked)[2] if ranked else default


@functools.cache
def _catalogue(domain: str, lang: Language, directory: Path) -> gettext.NullTranslations:
    path = directory / lang.value / "LC_MESSAGES" / f"{domain}.mo"
    if not path.exists():
        if lang is FALLBACK:
            raise FileNotFoundError(f"no English catalogue for the domain {domain!r}: {path}")
        return gettext.NullTranslations()
    with path.open("rb") as file:
        return gettext.GNUTranslations(file)


@dataclass(frozen=True, slots=True)
class Translator:
    """One domain's messages in one language, with that locale's numbers."""

    domain: str
    lang: Language
    directory: Path | None = None
    """Where the domain's catalogues are, if not under `LOCALE_DIR` (the service keeps its own
    under `api/locale`)."""

    def __call__(self, key: str, /, **fields: Any) -> str:
        """The text for `key`, filled with `fields` (`str.format`)."""
        return self._text(key, None).format(**fields)

    def plural(self, key: str, n: int, /, **fields: Any) -> str:
        """The text for `key` in the plural form for `n`; `{n}` is `n` in the locale's digits."""
        return self._text(key, n).format(n=self.number(n), **fields)

    def template(self, key: str) -> str:
        """The text for `key` before its fields are filled in."""
        return self._text(key, None)

    def _text(self, key: str, n: int | None) -> str:
        for lang in (self.lang, FALLBACK):
            catalogue = _catalogue(self.domain, lang, self.directory or LOCALE_DIR)
            text = catalogue.gettext(key) if n is None else catalogue.ngettext(key, key, n)
            if text != key:
                return text
        raise KeyError(f"no message {key!r} in the {self.domain!r} catalogue")

    def number(self, value: float, digits: int = 0) -> str:
        """A number as this locale writes it, rounded to `digits` decimals."""
        pattern = "#,##0" + ("." + "0" * digits if digits else "")
        return format_decimal(round(value, digits), format=pattern, locale=self._locale)

    def percent(self, share: float, digits: int = 1) -> str:
        """A share (0.5) as this locale writes a percentage (50.0%, 50,0 %)."""
        pattern = Locale.parse(self._locale).percent_formats[None].pattern
        decimals = "#,##0" + ("." + "0" * digits if digits else "")
        return format_percent(share, format=pattern.replace("#,##0", decimals), locale=self._locale)

    def date(self, day: datetime.date) -> str:
        """A date in words, as this locale writes it (6 December 2026, 6 декабря 2026 г.)."""
        return format_date(day, "long", locale=self._locale)

    @property
    def _locale(self) -> str:
        return self.lang.value


def translator(domain: str, lang: str, directory: Path | None = None) -> Translator:
    """The messages of `domain` in `lang`; `ValueError` for an unknown language."""
    return Translator(domain, language(lang), directory)


def translate(domain: str, key: str, lang: str, /, **fields: Any) -> str:
    """The text for `key` in `lang`, filled with `fields`."""
    return translator(domain, lang)(key, **fields)
