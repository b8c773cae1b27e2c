"""The transfer texts: the gettext domain `transfers`, in every language.

Keys are the stable reason codes of `transfers.Reason` and the ids of the review's other lines.
Rule texts and legal citations come from the rules' own catalogue (`optimizer.rules`, domain
`rules`), so a rule reads the same everywhere, in each language.
"""

from __future__ import annotations

from typing import Any

from optimizer.i18n import language, translate
from optimizer.rules import rule_citation as cite_rule
from optimizer.rules import rule_name, rule_wording

DOMAIN = "transfers"
"""The gettext domain of transfer texts: `optimizer/locale/<lang>/LC_MESSAGES/transfers.po`."""


def check_language(lang: str) -> None:
    """`ValueError` naming the languages there are, unless `lang` is one of them."""
    language(lang)


def transfer_message(key: str, lang: str = "en", **fields: Any) -> str:
    """The catalogue text for `key` in `lang` (English when missing), filled with `fields`."""
    return translate(DOMAIN, key, lang, **fields)


def rule_line(rule_id: str, lang: str = "en") -> str:
    """A rule in words with its legal source, as a line of a list (the id stays in the JSON)."""
    return transfer_message(
        "rule.line", lang, text=rule_wording(rule_id, lang), legal_source=cite_rule(rule_id, lang)
    )


def rule_citation(rule_id: str, lang: str = "en") -> str:
    """A rule's short name and legal source, to cite inside a sentence."""
    return transfer_message(
        "rule.cite", lang, name=rule_name(rule_id, lang), legal_source=cite_rule(rule_id, lang)
    )
