"""Each eligibility rule: an eligible and an ineligible case."""

from __future__ import annotations

import pytest

from optimizer.rules import (
    ELIGIBILITY_RULES,
    RULES,
    convict_classes,
    eligibility,
    first_failed_rule,
)
from tests.helpers import convict, convicts_table, facilities_table, facility


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
        ({"medical_need": ""}, {"medical_profile": "tuberculosis"}, "medical-profile", True),
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
    ],
)
def test_rule(
    convict_fields: dict[str, object], facility_fields: dict[str, object], rule: str, allowed: bool
) -> None:
    classes, _ = convict_classes(convicts_table(convict("C1", **convict_fields)))
    facilities = facilities_table(facility("F1", **facility_fields))
    assert bool(eligibility(classes, facilities)[0, 0]) is allowed
    assert (first_failed_rule(classes, facilities)[0, 0] == rule) is not allowed


def test_every_rule_has_wording_and_a_legal_source() -> None:
    for rule in RULES.values():
        assert rule.wording and rule.legal_source
    assert {r.id for r in ELIGIBILITY_RULES} == {
        "same-security-level",
        "same-sex",
        "same-age-category",
        "medical-profile",
        "former-officer-separation",
    }


def test_interchangeable_convicts_share_a_class() -> None:
    convicts = convicts_table(convict("A"), convict("B", "KZ-75"), convict("C", sex="F"))
    classes, class_of = convict_classes(convicts)
    assert len(classes) == 2 and class_of[0] == class_of[1] != class_of[2]
