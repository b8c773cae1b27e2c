"""The hard rules of placement: one named predicate per rule, with its wording and legal source.

This module alone decides which facilities a convict may be placed in. The model, the
explanations, the transfer review and the API all ask it, by rule id.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import numpy.typing as npt
import pandas as pd

BoolMatrix = npt.NDArray[np.bool_]

CLASS_COLUMNS = ("security_level", "sex", "age_category", "medical_need", "former_officer")
"""Convicts equal in these columns are eligible for exactly the same facilities."""


class RuleKind(StrEnum):
    ELIGIBILITY = "eligibility"
    """Decides, convict class by facility, whether a placement is allowed at all."""
    CAPACITY = "capacity"
    PAIRWISE = "pairwise"
    OBJECTIVE = "objective"


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    kind: RuleKind
    wording: str
    legal_source: str
    allows: Callable[[pd.DataFrame, pd.DataFrame], BoolMatrix] | None = None
    """For eligibility rules: classes (rows) x facilities (columns) -> allowed."""


def _equal(
    column_in_class: str, column_in_facility: str
) -> Callable[[pd.DataFrame, pd.DataFrame], BoolMatrix]:
    def allows(classes: pd.DataFrame, facilities: pd.DataFrame) -> BoolMatrix:
        left = classes[column_in_class].to_numpy()[:, None]
        right = facilities[column_in_facility].to_numpy()[None, :]
        return np.asarray(left == right)

    return allows


def _medical_profile_allows(classes: pd.DataFrame, facilities: pd.DataFrame) -> BoolMatrix:
    need = classes["medical_need"].to_numpy()[:, None]
    profile = facilities["medical_profile"].to_numpy()[None, :]
    return np.asarray((need == "") | (need == profile))


def _officer_separation_allows(classes: pd.DataFrame, facilities: pd.DataFrame) -> BoolMatrix:
    return _equal("former_officer", "for_former_officers")(classes, facilities)


RULES: dict[str, Rule] = {
    rule.id: rule
    for rule in (
        Rule(
            "same-security-level",
            RuleKind.ELIGIBILITY,
            "The facility is of the security level that the court set.",
            "Criminal Code art. 46",
            _equal("security_level", "security_level"),
        ),
        Rule(
            "same-sex",
            RuleKind.ELIGIBILITY,
            "Men and women serve in separate facilities.",
            "UN Nelson Mandela Rules, rule 11(a)",
            _equal("sex", "sex"),
        ),
        Rule(
            "same-age-category",
            RuleKind.ELIGIBILITY,
            "Convicts under 18 at sentencing serve in juvenile facilities, adults in adult ones.",
            "UN Nelson Mandela Rules, rule 11(c); Penal Executive Code art. 150",
            _equal("age_category", "age_category"),
        ),
        Rule(
            "medical-profile",
            RuleKind.ELIGIBILITY,
            "A convict who needs medical care serves in a facility with that medical profile.",
            "Penal Executive Code (specialised medical facilities)",
            _medical_profile_allows,
        ),
        Rule(
            "former-officer-separation",
            RuleKind.ELIGIBILITY,
            "Former law-enforcement officers serve in facilities for former officers, and only "
            "they serve there.",
            "Penal Executive Code (separate detention of former law-enforcement officers)",
            _officer_separation_allows,
        ),
        Rule(
            "capacity",
            RuleKind.CAPACITY,
            "New placements never exceed a facility's free places (capacity minus occupied).",
            "Penal Code art. 88 (population limit of the facility)",
        ),
        Rule(
            "co-defendant-separation",
            RuleKind.PAIRWISE,
            "Co-defendants in one case never serve in the same facility.",
            "Penal Executive Code (separate detention of accomplices)",
        ),
        Rule(
            "home-region-first",
            RuleKind.OBJECTIVE,
            "A convict serves in the home region unless it has no facility of the type or it "
            "is full.",
            "Penal Code art. 88",
        ),
        Rule(
            "close-to-home",
            RuleKind.OBJECTIVE,
            "Convicts are allocated as far as possible close to their homes.",
            "UN Nelson Mandela Rules, rule 59",
        ),
    )
}

ELIGIBILITY_RULES = tuple(r for r in RULES.values() if r.kind is RuleKind.ELIGIBILITY)


def eligibility(classes: pd.DataFrame, facilities: pd.DataFrame) -> BoolMatrix:
    """Classes (rows) x facilities (columns): may a convict of the class serve there?"""
    allowed = np.ones((len(classes), len(facilities)), dtype=bool)
    for rule in ELIGIBILITY_RULES:
        assert rule.allows is not None
        allowed &= rule.allows(classes, facilities)
    return allowed


def first_failed_rule(classes: pd.DataFrame, facilities: pd.DataFrame) -> npt.NDArray[np.object_]:
    """Classes x facilities: the id of the first eligibility rule that excludes it, or ''."""
    failed = np.full((len(classes), len(facilities)), "", dtype=object)
    for rule in ELIGIBILITY_RULES:
        assert rule.allows is not None
        blocked = ~rule.allows(classes, facilities) & (failed == "")
        failed[blocked] = rule.id
    return failed


def convict_classes(convicts: pd.DataFrame) -> tuple[pd.DataFrame, npt.NDArray[np.intp]]:
    """The distinct classes among convicts and, per convict, the index of its class."""
    codes = convicts.groupby(list(CLASS_COLUMNS), sort=True, observed=True).ngroup().to_numpy()
    classes = (
        convicts.loc[:, list(CLASS_COLUMNS)]
        .assign(_class=codes)
        .drop_duplicates("_class")
        .sort_values("_class")
        .drop(columns="_class")
        .reset_index(drop=True)
    )
    return classes, codes.astype(np.intp)
