"""The console's languages: its own texts from gettext catalogues, numbers and dates by Babel.

The console speaks English, Russian and Kazakh; the person picks one and the choice is kept in
a cookie. Its own texts are in `locale/{ru,kk}/LC_MESSAGES/console.po` (the msgid is the English
text) compiled to `.mo`, and `locale/en` gives the vocabulary's codes in English prose; texts
of the engine (explanations, reviews) come from the engine in the same language.
"""

from __future__ import annotations

import gettext
from datetime import datetime
from enum import StrEnum
from functools import cache
from pathlib import Path

from babel.dates import format_datetime
from babel.numbers import format_decimal, format_percent

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "console"
LANGUAGE_COOKIE = "placement_lang"


class ConsoleLanguage(StrEnum):
    """The console's languages; the values are the codes of the cookie and of `lang=`."""

    EN = "en"
    RU = "ru"
    KK = "kk"


LANGUAGE_NAMES = {
    ConsoleLanguage.EN: "English",
    ConsoleLanguage.RU: "Русский",
    ConsoleLanguage.KK: "Қазақша",
}
"""Each language named in itself, as a language picker shows it."""


def console_language(code: str | None) -> ConsoleLanguage:
    """The language of a cookie or query value; English for none or an unknown one."""
    try:
        return ConsoleLanguage(code or ConsoleLanguage.EN.value)
    except ValueError:
        return ConsoleLanguage.EN


@cache
def translations(lang: ConsoleLanguage) -> gettext.NullTranslations:
    """The compiled catalogue of a language.

    English texts are their msgids; the English catalogue holds only the vocabulary's codes in
    prose (`no-eligible-facility` -> "no facility the law allows for this convict").
    """
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[lang.value])


def number(value: float | int | None, lang: ConsoleLanguage, digits: int = 0) -> str:
    """A number with the language's separators; an empty cell for none."""
    if value is None:
        return ""
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=pattern, locale=lang.value)


def percent(share: float | None, lang: ConsoleLanguage) -> str:
    if share is None:
        return ""
    return format_percent(share, format="#,##0.0%", locale=lang.value)


def moment(value: datetime | None, lang: ConsoleLanguage) -> str:
    """A stored UTC time as the language writes a date and time (UTC, stated)."""
    if value is None:
        return ""
    return format_datetime(value, format="medium", tzinfo=None, locale=lang.value) + " UTC"
