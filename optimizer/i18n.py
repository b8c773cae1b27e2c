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
from babel.numbers import format_percent, get_decimal_symbol, get_group_symbol

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
        # The directory is passed as given (None for LOCALE_DIR): hashing a Path on every
        # lookup cost a tenth of the rendering time of all explanations.
        form = None if n is None else _plural_form(self.domain, self.lang, self.directory, n)
        return _message(self.domain, self.lang, self.directory, key, form)

    def number(self, value: float, digits: int = 0) -> str:
        """A number as this locale writes it (`#,##0` grouping), rounded to `digits` decimals."""
        group, decimal = _number_symbols(self.lang)
        text = f"{round(value, digits):,.{digits}f}"
        return text.replace(",", "\0").replace(".", decimal).replace("\0", group)

    def signed(self, value: float, digits: int = 0) -> str:
        """A change with its sign, as this locale writes the number: +59, −1 611, ±0."""
        rounded = round(value, digits)
        sign = "+" if rounded > 0 else "\u2212" if rounded < 0 else "\u00b1"
        return sign + self.number(abs(rounded), digits)

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


@functools.lru_cache(maxsize=65536)
def _message(
    domain: str, lang: Language, directory: Path | None, key: str, form: int | None
) -> str:
    """The text of `key` (in the plural form `form`), falling back to English; rendering many
    texts asks for the same few hundred messages again and again."""
    n = None if form is None else _representative(domain, lang, directory, form)
    for candidate in (lang, FALLBACK):
        catalogue = _catalogue(domain, candidate, directory or LOCALE_DIR)
        text = catalogue.gettext(key) if n is None else catalogue.ngettext(key, key, n)
        if text != key:
            return text
    raise KeyError(f"no message {key!r} in the {domain!r} catalogue")


@functools.lru_cache(maxsize=4096)
def _plural_form(domain: str, lang: Language, directory: Path | None, n: int) -> int:
    """The index of the plural form that `n` takes in the language's catalogue."""
    catalogue = _catalogue(domain, lang, directory or LOCALE_DIR)
    plural = getattr(catalogue, "plural", None)
    return int(plural(n)) if plural is not None else int(n != 1)


@functools.lru_cache(maxsize=256)
def _representative(domain: str, lang: Language, directory: Path | None, form: int) -> int:
    """A number that takes plural form `form` in the language's catalogue (for the lookup)."""
    for n in range(200):
        if _plural_form(domain, lang, directory, n) == form:
            return n
    return 1 if form == 0 else 2


@functools.cache
def _number_symbols(lang: Language) -> tuple[str, str]:
    """The locale's group and decimal symbols (`2 413,5` in Russian and Kazakh)."""
    return get_group_symbol(lang.value), get_decimal_symbol(lang.value)


def translator(domain: str, lang: str, directory: Path | None = None) -> Translator:
    """The messages of `domain` in `lang`; `ValueError` for an unknown language."""
    return Translator(domain, language(lang), directory)


def translate(domain: str, key: str, lang: str, /, **fields: Any) -> str:
    """The text for `key` in `lang`, filled with `fields`."""
    return translator(domain, lang)(key, **fields)
