"""The explanations' messages: the gettext domain `explain`, in every language.

Keys are stable; rule texts are keyed by rule id (`rule.same-sex`). Lookup, fallback, plural
forms and number formats are `optimizer.i18n`'s, shared with every other domain.
"""

from __future__ import annotations

from typing import Any

from optimizer.i18n import LANGUAGES, Translator, translate, translator

__all__ = ["DOMAIN", "LANGUAGES", "message", "messages"]

DOMAIN = "explain"
"""The gettext domain of explanations: `optimizer/locale/<lang>/LC_MESSAGES/explain.po`."""


def message(key: str, lang: str = "en", **fields: Any) -> str:
    """The catalogue text for `key` in `lang` (English when missing), filled with `fields`."""
    return translate(DOMAIN, key, lang, **fields)


def messages(lang: str = "en") -> Translator:
    """The catalogue in `lang` (English when missing), for rendering many messages."""
    return translator(DOMAIN, lang)
