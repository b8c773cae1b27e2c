"""One message lookup for every catalogue: the languages, the fallback rule and the formatting.

A catalogue maps a language code to its texts by key. A key missing in a language falls back
to English, so a language (Kazakh next) can be added one message at a time; a key missing in
English too is a programming error and raises `KeyError`. An unknown language is the caller's
error and raises `ValueError` naming the languages there are.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Language(StrEnum):
    """The languages the product speaks; the values are the codes callers pass."""

    EN = "en"
    RU = "ru"


FALLBACK = Language.EN
"""The language every catalogue is complete in."""

LANGUAGES: tuple[str, ...] = tuple(language.value for language in Language)
"""The language codes, in the order they are offered."""

Catalogue = Mapping[str, Mapping[str, str]]
"""Language code -> message key -> text with `str.format` fields."""

_BY_CODE: dict[str, Language] = {language.value: language for language in Language}


def language(code: str) -> Language:
    """The language of a code (a `Language` is a code too); `ValueError` for an unknown one."""
    found = _BY_CODE.get(code)
    if found is None:
        raise ValueError(f"unknown language {code!r}; expected one of {', '.join(LANGUAGES)}")
    return found


@dataclass(frozen=True, slots=True)
class Translator:
    """One catalogue in one language, resolved once for a text of many messages."""

    texts: Mapping[str, str]
    fallback: Mapping[str, str]

    def __call__(self, key: str, /, **fields: Any) -> str:
        """The text for `key` (English when the language lacks it), filled with `fields`."""
        template = self.texts.get(key)
        if template is None:
            template = self.fallback[key]
        return template.format(**fields)


def translator(catalogue: Catalogue, lang: str) -> Translator:
    """The messages of `catalogue` in `lang`, falling back to English."""
    return Translator(catalogue.get(language(lang), {}), catalogue[FALLBACK])


def translate(catalogue: Catalogue, key: str, lang: str, /, **fields: Any) -> str:
    """The text for `key` in `lang` (English when the language lacks it), filled with `fields`."""
    return translator(catalogue, lang)(key, **fields)
