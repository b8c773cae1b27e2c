"""The transfer message catalogue: both languages, every reason, ground and verdict."""

from __future__ import annotations

import string

from cli.transfers import GROUNDS
from optimizer.explain.messages import LANGUAGES
from optimizer.rules import RULES
from optimizer.transfers import REASON_RULE, Ground, Reason, Verdict
from optimizer.transfers.messages import TRANSFER_CATALOGUE


def fields_of(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_every_message_exists_in_both_languages_with_the_same_fields() -> None:
    english, russian = TRANSFER_CATALOGUE["en"], TRANSFER_CATALOGUE["ru"]
    assert english.keys() == russian.keys()
    for key, template in english.items():
        assert fields_of(template) == fields_of(russian[key]), key


def test_every_reason_ground_and_verdict_has_its_words() -> None:
    for language in LANGUAGES:
        catalogue = TRANSFER_CATALOGUE[language]
        assert all(r.value in catalogue for r in Reason)
        assert all(f"ground.{g.value}" in catalogue for g in Ground)
        assert all(f"recommend.{v.value}" in catalogue for v in Verdict)
    assert all(rule is None or rule in RULES for rule in REASON_RULE.values())
    assert set(REASON_RULE) == set(Reason)
    assert tuple(g.value for g in Ground) == GROUNDS
