"""Each eligibility rule: an eligible and an ineligible case."""

from __future__ import annotations

import pandas as pd
import pytest

from optimizer.rules import (
    ELIGIBILITY_RULES,
    RULES,
    SENTENCE_RULES,
    class_standing,
    convict_classes,
    eligibility,
    first_failed_rule,
    level_name,
    rule_citation,
    rule_name,
    rule_wording,
    unlawful_sentences,
)
from tests.helpers import convict, convicts_table, facilities_table, facility

LIFER = {"security_level": "extreme", "life_sentence": True}
EXTREME = {"security_level": "extreme"}


@pytest.mark.parametrize(
    ("convict_fields", "facility_fields", "rule", "allowed"),
    [
        ({"security_level": "medium"}, {"security_level": "medium"}, "same-security-level", True),
        ({"security_level": "maximum"}, {"security_level": "medium"}, "same-security-level", False),
        ({"sex": "F"}, {"sex": "F"}, "same-sex", True),
        ({"sex": "F"}, {"sex": "M"}, "same-sex", False),
        ({"age": 17}, {"age_category": "juvenile"}, "same-age-category", True),
        ({"age": 18}, {"age_category": "juvenile"}, "same-age-category", False),
        (
            {"medical_need": "tuberculosis"},
            {"medical_profile": "tuberculosis"},
            "medical-profile",
            True,
        ),
        ({"medical_need": "tuberculosis"}, {"medical_profile": ""}, "medical-profile", False),
        ({"medical_need": ""}, {"medical_profile": "tuberculosis"}, "medical-profile", False),
        ({"medical_need": ""}, {"medical_profile": ""}, "medical-profile", True),
        (
            {"medical_need": "psychiatric"},
            {"medical_profile": "tuberculosis;psychiatric"},
            "medical-profile",
            True,
        ),
        (
            {"medical_need": "psychiatric"},
            {"medical_profile": "tuberculosis"},
            "medical-profile",
            False,
        ),
        (
            {"medical_need": ""},
            {"medical_profile": "tuberculosis;psychiatric"},
            "medical-profile",
            False,
        ),
        (
            {"former_officer": True},
            {"for_former_officers": True},
            "former-officer-separation",
            True,
        ),
        (
            {"former_officer": True},
            {"for_former_officers": False},
            "former-officer-separation",
            False,
        ),
        (
            {"former_officer": False},
            {"for_former_officers": True},
            "former-officer-separation",
            False,
        ),
        (LIFER, {**EXTREME, "for_life_sentences": True}, "life-sentence-separation", True),
        (LIFER, EXTREME, "life-sentence-separation", False),
        (
            {"security_level": "extreme"},
            {**EXTREME, "for_life_sentences": True},
            "life-sentence-separation",
            False,
        ),
        ({"security_level": "extreme"}, EXTREME, "life-sentence-separation", True),
        *[
            (
                {"criminal_history": history},
                {"criminal_history": held},
                "criminal-history-separation",
                history == held or held == "both",
            )
            for history in ("first-time", "repeat")
            for held in ("first-time", "repeat", "both")
        ],
        (
            {"criminal_history": "repeat", "security_level": "minimum"},
            {"criminal_history": "first-time", "security_level": "minimum"},
            "criminal-history-separation",
            True,
        ),
    ],
)
def test_rule(
    convict_fields: dict[str, object], facility_fields: dict[str, object], rule: str, allowed: bool
) -> None:
    classes, _ = convict_classes(convicts_table(convict("C1", **convict_fields)))
    facilities = facilities_table(facility("F1", **facility_fields))
    assert bool(eligibility(classes, facilities)[0, 0]) is allowed
    assert (first_failed_rule(classes, facilities)[0, 0] == rule) is not allowed


@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
def test_every_rule_has_a_name_wording_and_legal_source_in_each_language(lang: str) -> None:
    for rule in RULES.values():
        assert rule_name(rule.id, lang) and rule_wording(rule.id, lang)
        assert rule_citation(rule.id, lang)


def test_the_english_catalogue_cites_each_rule_as_rules_py_does() -> None:
    """One legal source per rule: the English citation is the rule's own."""
    for rule in RULES.values():
        assert rule_citation(rule.id, "en") == rule.legal_source


def test_every_rule_and_level_is_worded_in_russian_and_kazakh_as_the_codes_cite_them() -> None:
    assert rule_citation("capacity", "ru") == "ст. 88 УИК РК (лимит наполнения учреждения)"
    assert rule_citation("capacity", "kk") == "ҚР ҚАК 88-бабы (мекеменің толымдылық лимиті)"
    assert rule_citation("same-security-level", "ru") == "ч. 5 ст. 46 УК РК"
    assert level_name("medium", "ru") == "средней безопасности"
    assert level_name("medium", "kk") == "қауіпсіздігі орташа"
    with pytest.raises(ValueError):
        level_name("high", "en")
    assert {r.id for r in ELIGIBILITY_RULES} == {
        "same-security-level",
        "same-sex",
        "same-age-category",
        "medical-profile",
        "former-officer-separation",
        "life-sentence-separation",
        "criminal-history-separation",
    }
    for rule in SENTENCE_RULES:
        assert rule.permits is not None and rule.column is not None


def test_no_rule_cites_the_ambiguous_penal_code() -> None:
    """The codes are the Criminal Code and the Penal Executive Code, never a "Penal Code"."""
    for rule in RULES.values():
        assert "Penal Code" not in rule.legal_source
        assert "11(c)" not in rule.legal_source


@pytest.mark.parametrize(
    ("fields", "rule"),
    [
        ({}, ""),
        ({"security_level": "mixed"}, "court-sentence-only"),
        ({"sex": "F", "security_level": "extreme"}, "no-extreme-security-for-women"),
        ({"sex": "F", "security_level": "maximum"}, ""),
        ({"age": 16, "security_level": "maximum"}, "juveniles-serve-medium-security"),
        ({"age": 16, "security_level": "medium"}, ""),
        ({**LIFER, "sex": "F"}, "no-extreme-security-for-women"),
        (
            {**LIFER, "age": 17, "security_level": "medium"},
            "no-life-sentence-for-women-or-juveniles",
        ),
        ({**LIFER, "age": 62}, ""),
        ({**LIFER, "age": 63}, "no-life-sentence-from-63"),
        ({"life_sentence": True, "security_level": "maximum"}, "life-sentence-extreme-security"),
    ],
)
def test_sentence_rules(fields: dict[str, object], rule: str) -> None:
    """Each sentence the law forbids names its rule; lawful ones name none."""
    record = convict("C1", **fields)
    table = (
        convicts_table(convict("OK"))
        .iloc[[0]]
        .assign(**{k: v for k, v in record.items() if k != "convict_id"})
    )
    table["age_category"] = ["juvenile" if int(table["age"].iat[0]) < 18 else "adult"]
    table["life_sentence"] = table["life_sentence"].astype(bool)
    assert unlawful_sentences(table)[0] == rule


def test_life_sentence_for_a_woman_names_the_life_rule_when_the_level_is_lawful() -> None:
    classes = convict_classes(convicts_table(convict("C1")))[0].assign(
        sex="F", life_sentence=True, security_level="maximum"
    )
    assert unlawful_sentences(classes)[0] == "no-life-sentence-for-women-or-juveniles"


def test_class_standing_tells_network_gaps_from_unlawful_sentences() -> None:
    """Women sentenced to minimum: lawful, but no facility; mixed: unlawful; men: servable."""
    convicts = convicts_table(convict("MAN"), convict("WOMAN", sex="F", security_level="minimum"))
    classes, class_of = convict_classes(convicts)
    classes = pd.concat(
        [classes, classes.iloc[[0]].assign(security_level="mixed")], ignore_index=True
    )
    facilities = facilities_table(facility("F1"))
    standing = class_standing(classes, facilities)
    assert list(standing[class_of]) == ["servable", "network-gap"]
    assert standing[-1] == "unlawful-sentence"


def test_tables_without_the_new_columns_take_their_defaults() -> None:
    """A stored population from before criminal history and life sentences still classes."""
    convicts = convicts_table(convict("A")).drop(columns=["criminal_history", "life_sentence"])
    facilities = facilities_table(facility("F1")).drop(
        columns=["criminal_history", "for_life_sentences"]
    )
    classes, _ = convict_classes(convicts)
    assert classes["criminal_history"].iat[0] == "first-time"
    assert bool(eligibility(classes, facilities)[0, 0])


def test_interchangeable_convicts_share_a_class() -> None:
    convicts = convicts_table(convict("A"), convict("B", "KZ-75"), convict("C", sex="F"))
    classes, class_of = convict_classes(convicts)
    assert len(classes) == 2 and class_of[0] == class_of[1] != class_of[2]
