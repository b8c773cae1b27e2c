"""The transfer texts: every reason, ground and verdict has its words in every language."""

from __future__ import annotations

import pytest

from cli.transfers import GROUNDS
from optimizer.i18n import LANGUAGES, translator
from optimizer.rules import RULES, rule_name, rule_wording
from optimizer.rules import rule_citation as rule_source
from optimizer.transfers import REASON_RULE, Ground, Reason, Verdict
from optimizer.transfers.messages import DOMAIN, rule_citation, rule_line


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_reason_ground_and_verdict_has_its_words(lang: str) -> None:
    for key in (
        [r.value for r in Reason]
        + [f"ground.{g.value}" for g in Ground]
        + [f"recommend.{v.value}" for v in Verdict]
    ):
        assert translator(DOMAIN, lang).template(key)


def test_reasons_name_real_rules_and_grounds_match_the_command() -> None:
    assert all(rule is None or rule in RULES for rule in REASON_RULE.values())
    assert set(REASON_RULE) == set(Reason)
    assert tuple(g.value for g in Ground) == GROUNDS


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_rule_is_cited_by_its_words_and_legal_source_not_its_id(lang: str) -> None:
    rule = "home-region-first"
    citation, line = rule_citation(rule, lang), rule_line(rule, lang)
    assert rule_name(rule, lang) in citation and rule_wording(rule, lang) in line
    assert all(rule_source(rule, lang) in text and rule not in text for text in (citation, line))
