"""Every rule's kind, input column and English words, pinned: a change to any is a decision."""

from __future__ import annotations

import pytest

from optimizer.domain import SecurityLevel
from optimizer.rules import RULES, Rule, level_name, rule_citation, rule_name, rule_wording

RULE_TEXTS = [
    (
        "same-security-level",
        "eligibility",
        None,
        "type of facility",
        "The facility is of the type that the court set.",
        "Criminal Code art. 46 part 5",
    ),
    (
        "same-sex",
        "eligibility",
        None,
        "men and women apart",
        "Men and women serve in separate facilities.",
        "Penal Executive Code art. 94 part 1; UN Nelson Mandela Rules, rule 11(a)",
    ),
    (
        "same-age-category",
        "eligibility",
        None,
        "juveniles apart from adults",
        "Convicts under 18 at sentencing serve in juvenile facilities, adults in adult ones.",
        "Penal Executive Code art. 94 part 1 and art. 150; UN Nelson Mandela Rules, rule 11(d)",
    ),
    (
        "medical-profile",
        "eligibility",
        None,
        "medical profile",
        (
            "A specialised medical facility holds only convicts who need one of its profiles,"
            " and a convict who needs medical care serves in a facility with that profile."
        ),
        (
            "Penal Executive Code: article not found; MVD order No. 530 of 19 August 2014 "
            "(tuberculosis care in penal institutions)"
        ),
    ),
    (
        "former-officer-separation",
        "eligibility",
        None,
        "former officers apart",
        (
            "Former law-enforcement officers serve in facilities for former officers, and "
            "only they serve there."
        ),
        "Penal Executive Code art. 94 parts 2, 3 and 5",
    ),
    (
        "life-sentence-separation",
        "eligibility",
        None,
        "lifers apart",
        "Convicts sentenced to life serve in facilities for lifers, and only they serve there.",
        "Penal Executive Code art. 94 part 4 and art. 140 part 1",
    ),
    (
        "criminal-history-separation",
        "eligibility",
        None,
        "first-time apart from repeat",
        (
            "Convicts imprisoned for the first time are held apart from those who served a "
            "prison sentence before (separate facilities or isolated sections); minimum "
            "security is exempt."
        ),
        "Penal Executive Code art. 94 parts 2 and 3",
    ),
    (
        "court-sentence-only",
        "sentence",
        "security_level",
        "court sentences only",
        (
            "Mixed security is not a court sentence: convicts stay in a pre-trial detention "
            "centre (SIZO) for household work by an administrative decision, and the "
            "allocation places court sentences only."
        ),
        (
            "Penal Executive Code of 1997 art. 69 part 1 and art. 72 (household work in "
            "SIZO); the article of the 2014 code was not found"
        ),
    ),
    (
        "no-extreme-security-for-women",
        "sentence",
        "security_level",
        "no extreme security for women",
        "Women are not sentenced to extreme security.",
        "Criminal Code art. 46 part 5 (as amended on 17 March 2023)",
    ),
    (
        "juveniles-serve-medium-security",
        "sentence",
        "security_level",
        "juveniles in medium security",
        "Convicts under 18 at sentencing serve in medium-security institutions for minors.",
        (
            "Criminal Code art. 46 parts 5-6 (as amended on 17 March 2023); Penal Executive "
            "Code art. 150"
        ),
    ),
    (
        "no-life-sentence-for-women-or-juveniles",
        "sentence",
        "life_sentence",
        "no life sentence for women or juveniles",
        "Life imprisonment is not imposed on women or on those who offended under 18.",
        "Criminal Code art. 46 part 4",
    ),
    (
        "no-life-sentence-from-63",
        "sentence",
        "life_sentence",
        "no life sentence from 63",
        "Life imprisonment is not imposed on men aged 63 or more at sentencing.",
        "Criminal Code art. 46 part 4",
    ),
    (
        "life-sentence-extreme-security",
        "sentence",
        "security_level",
        "lifers in extreme security",
        "Convicts sentenced to life serve in extreme-security institutions.",
        "Penal Executive Code art. 140 part 1",
    ),
    (
        "capacity",
        "capacity",
        None,
        "population limit",
        "New placements never exceed a facility's free places (capacity minus occupied).",
        "Penal Executive Code art. 88 (population limit of the facility)",
    ),
    (
        "co-defendant-separation",
        "pairwise",
        None,
        "co-defendants apart",
        "Co-defendants in one case never serve in the same facility.",
        "Penal Executive Code: article not found (separate detention of accomplices)",
    ),
    (
        "home-region-first",
        "objective",
        None,
        "home region",
        "A convict serves in the home region unless it has no facility of the type or it is full.",
        "Penal Executive Code art. 88",
    ),
    (
        "close-to-home",
        "objective",
        None,
        "close to home",
        "Convicts are allocated as far as possible close to their homes.",
        "UN Nelson Mandela Rules, rule 59",
    ),
]


def test_every_rule_is_pinned_once() -> None:
    assert [row[0] for row in RULE_TEXTS] == list(RULES)


@pytest.mark.parametrize(("rule_id", "kind", "column", "name", "wording", "source"), RULE_TEXTS)
def test_a_rule_reads_as_decided(
    rule_id: str, kind: str, column: str | None, name: str, wording: str, source: str
) -> None:
    rule: Rule = RULES[rule_id]
    assert (rule.id, rule.kind.value, rule.column, rule.legal_source) == (
        rule_id,
        kind,
        column,
        source,
    )
    assert (rule_name(rule_id), rule_wording(rule_id), rule_citation(rule_id)) == (
        name,
        wording,
        source,
    )


@pytest.mark.parametrize(
    ("level", "en", "ru"),
    [
        ("minimum", "minimum security", "минимальной безопасности"),
        ("medium", "medium security", "средней безопасности"),
        ("maximum", "maximum security", "максимальной безопасности"),
        ("extreme", "extreme security", "чрезвычайной безопасности"),
        ("complete", "complete security", "полной безопасности"),
        ("mixed", "mixed security", "смешанной безопасности"),
    ],
)
def test_security_levels_are_named_in_english_by_default(level: str, en: str, ru: str) -> None:
    assert level_name(level) == en
    assert level_name(level, "ru") == ru
    assert {s.value for s in SecurityLevel} == {
        "minimum",
        "medium",
        "maximum",
        "extreme",
        "complete",
        "mixed",
    }


def test_a_rule_outside_the_list_is_refused() -> None:
    with pytest.raises(KeyError):
        rule_name("no-such-rule")
