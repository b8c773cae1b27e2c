"""The hard rules of placement: one named predicate per rule, with its legal source.

This module alone decides which facilities a convict may be placed in, and which sentences the
law allows at all. The model, the explanations, the transfer review, the input validation and
the API all ask it, by rule id. `data/README.md` (section "Legal sources") quotes each source.

A rule's words live in one place, the gettext domain `rules`
(`optimizer/locale/<lang>/LC_MESSAGES/rules.po`): its short name (`name.<id>`), its wording
(`rule.<id>`) and its legal citation in each language (`source.<id>`; the English one is
`Rule.legal_source`, which a test holds equal to the catalogue). `rule_wording`,
`rule_name` and `rule_citation` read them; nothing else words a rule.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import numpy.typing as npt
import pandas as pd

from optimizer.domain import AgeCategory, CriminalHistory, FacilityHistory, SecurityLevel, Sex
from optimizer.i18n import translate

BoolMatrix = npt.NDArray[np.bool_]
BoolArray = npt.NDArray[np.bool_]

CLASS_COLUMNS = (
    "security_level",
    "sex",
    "age_category",
    "medical_need",
    "former_officer",
    "criminal_history",
    "life_sentence",
)
"""Convicts equal in these columns are eligible for exactly the same facilities."""

CLASS_DEFAULTS: dict[str, str | bool] = {
    "criminal_history": CriminalHistory.FIRST_TIME.value,
    "life_sentence": False,
}
"""Values taken for class columns that a table from before them lacks (as the input contract's
defaults for files without the column)."""

FACILITY_DEFAULTS: dict[str, str | bool] = {
    "criminal_history": FacilityHistory.BOTH.value,
    "for_life_sentences": False,
}
"""Values taken for facility columns that a table from before them lacks."""

PROFILE_SEPARATOR = ";"
"""A facility's `medical_profile` may list several profiles: `tuberculosis;psychiatric`."""

LIFE_SENTENCE_MAX_AGE = 62
"""Life imprisonment is not imposed on men aged 63 or more at sentencing (Criminal Code art. 46
part 4, as reported by Tengrinews in May 2024; see data/README.md)."""

CODE = "Criminal Code"
PENAL = "Penal Executive Code"


class RuleKind(StrEnum):
    ELIGIBILITY = "eligibility"
    """Decides, convict class by facility, whether a placement is allowed at all."""
    SENTENCE = "sentence"
    """Decides whether the law allows a sentence for a person at all; a breach is bad input."""
    CAPACITY = "capacity"
    PAIRWISE = "pairwise"
    OBJECTIVE = "objective"


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    kind: RuleKind
    legal_source: str
    """The legal source in English; `rule_citation` gives it in any language."""
    allows: Callable[[pd.DataFrame, pd.DataFrame], BoolMatrix] | None = None
    """For eligibility rules: classes (rows) x facilities (columns) -> allowed."""
    permits: Callable[[pd.DataFrame], BoolArray] | None = None
    """For sentence rules: convicts or classes (rows) -> the law allows the sentence."""
    column: str | None = None
    """For sentence rules: the input column that a breach is reported in."""


class ClassStanding(StrEnum):
    """What the law and the network say about a convict class as a whole."""

    SERVABLE = "servable"
    """The law allows the sentence and some facility of the network fits the class."""
    NETWORK_GAP = "network-gap"
    """The law allows the sentence, but the network has no facility of that kind."""
    UNLAWFUL = "unlawful-sentence"
    """The law does not allow the sentence for such a person: bad input, not a placement."""


def _equal(
    column_in_class: str, column_in_facility: str
) -> Callable[[pd.DataFrame, pd.DataFrame], BoolMatrix]:
    def allows(classes: pd.DataFrame, facilities: pd.DataFrame) -> BoolMatrix:
        left = classes[column_in_class].to_numpy()[:, None]
        right = facilities[column_in_facility].to_numpy()[None, :]
        return np.asarray(left == right)

    return allows


def facility_profiles(profile: str) -> frozenset[str]:
    """The medical profiles a facility's `medical_profile` cell lists (none when empty)."""
    return frozenset(p.strip() for p in str(profile).split(PROFILE_SEPARATOR) if p.strip())


def _medical_profile_allows(classes: pd.DataFrame, facilities: pd.DataFrame) -> BoolMatrix:
    """Both ways: a need goes only where the profile is listed, no need only to no profile."""
    profiles = [facility_profiles(p) for p in facilities["medical_profile"]]
    needs = classes["medical_need"].to_numpy().astype(str)
    rows = {
        need: np.array([(need in p) if need else not p for p in profiles], dtype=bool)
        for need in set(needs.tolist())
    }
    allowed = np.ones((len(classes), len(facilities)), dtype=bool)
    for i, need in enumerate(needs):
        allowed[i] = rows[need]
    return allowed


def _officer_separation_allows(classes: pd.DataFrame, facilities: pd.DataFrame) -> BoolMatrix:
    return _equal("former_officer", "for_former_officers")(classes, facilities)


def _life_sentence_allows(classes: pd.DataFrame, facilities: pd.DataFrame) -> BoolMatrix:
    left = classes["life_sentence"].to_numpy(bool)[:, None]
    right = facilities["for_life_sentences"].to_numpy(bool)[None, :]
    return np.asarray(left == right)


def _criminal_history_allows(classes: pd.DataFrame, facilities: pd.DataFrame) -> BoolMatrix:
    """Same history or a facility with sections for both; minimum security is exempt."""
    history = classes["criminal_history"].to_numpy()[:, None]
    held = facilities["criminal_history"].to_numpy()[None, :]
    exempt = (facilities["security_level"].to_numpy() == SecurityLevel.MINIMUM.value)[None, :]
    return np.asarray(exempt | (held == FacilityHistory.BOTH.value) | (held == history))


def _not_mixed(convicts: pd.DataFrame) -> BoolArray:
    return np.asarray(convicts["security_level"].to_numpy() != SecurityLevel.MIXED.value)


def _no_extreme_for_women(convicts: pd.DataFrame) -> BoolArray:
    woman = convicts["sex"].to_numpy() == Sex.FEMALE.value
    extreme = convicts["security_level"].to_numpy() == SecurityLevel.EXTREME.value
    return np.asarray(~(woman & extreme))


def _juveniles_medium_only(convicts: pd.DataFrame) -> BoolArray:
    juvenile = convicts["age_category"].to_numpy() == AgeCategory.JUVENILE.value
    medium = convicts["security_level"].to_numpy() == SecurityLevel.MEDIUM.value
    return np.asarray(~juvenile | medium)


def _life_only_for_adult_men(convicts: pd.DataFrame) -> BoolArray:
    life = convicts["life_sentence"].to_numpy(bool)
    adult_man = (convicts["sex"].to_numpy() == Sex.MALE.value) & (
        convicts["age_category"].to_numpy() == AgeCategory.ADULT.value
    )
    return np.asarray(~life | adult_man)


def _life_not_for_older_men(convicts: pd.DataFrame) -> BoolArray:
    """Classes carry no age: this one is checked on convict rows, at the edge."""
    life = convicts["life_sentence"].to_numpy(bool)
    if "age" not in convicts.columns:
        return np.ones(len(convicts), dtype=bool)
    return np.asarray(~life | (convicts["age"].to_numpy() <= LIFE_SENTENCE_MAX_AGE))


def _life_in_extreme_security(convicts: pd.DataFrame) -> BoolArray:
    life = convicts["life_sentence"].to_numpy(bool)
    extreme = convicts["security_level"].to_numpy() == SecurityLevel.EXTREME.value
    return np.asarray(~life | extreme)


_ELIGIBILITY = (
    Rule(
        "same-security-level",
        RuleKind.ELIGIBILITY,
        f"{CODE} art. 46 part 5",
        _equal("security_level", "security_level"),
    ),
    Rule(
        "same-sex",
        RuleKind.ELIGIBILITY,
        f"{PENAL} art. 94 part 1; UN Nelson Mandela Rules, rule 11(a)",
        _equal("sex", "sex"),
    ),
    Rule(
        "same-age-category",
        RuleKind.ELIGIBILITY,
        f"{PENAL} art. 94 part 1 and art. 150; UN Nelson Mandela Rules, rule 11(d)",
        _equal("age_category", "age_category"),
    ),
    Rule(
        "medical-profile",
        RuleKind.ELIGIBILITY,
        f"{PENAL}: article not found; MVD order No. 530 of 19 August 2014 (tuberculosis care "
        "in penal institutions)",
        _medical_profile_allows,
    ),
    Rule(
        "former-officer-separation",
        RuleKind.ELIGIBILITY,
        f"{PENAL} art. 94 parts 2, 3 and 5",
        _officer_separation_allows,
    ),
    Rule(
        "life-sentence-separation",
        RuleKind.ELIGIBILITY,
        f"{PENAL} art. 94 part 4 and art. 140 part 1",
        _life_sentence_allows,
    ),
    Rule(
        "criminal-history-separation",
        RuleKind.ELIGIBILITY,
        f"{PENAL} art. 94 parts 2 and 3",
        _criminal_history_allows,
    ),
)

_SENTENCES = (
    Rule(
        "court-sentence-only",
        RuleKind.SENTENCE,
        f"{PENAL} of 1997 art. 69 part 1 and art. 72 (household work in SIZO); the article of "
        "the 2014 code was not found",
        permits=_not_mixed,
        column="security_level",
    ),
    Rule(
        "no-extreme-security-for-women",
        RuleKind.SENTENCE,
        f"{CODE} art. 46 part 5 (as amended on 17 March 2023)",
        permits=_no_extreme_for_women,
        column="security_level",
    ),
    Rule(
        "juveniles-serve-medium-security",
        RuleKind.SENTENCE,
        f"{CODE} art. 46 parts 5-6 (as amended on 17 March 2023); {PENAL} art. 150",
        permits=_juveniles_medium_only,
        column="security_level",
    ),
    Rule(
        "no-life-sentence-for-women-or-juveniles",
        RuleKind.SENTENCE,
        f"{CODE} art. 46 part 4",
        permits=_life_only_for_adult_men,
        column="life_sentence",
    ),
    Rule(
        "no-life-sentence-from-63",
        RuleKind.SENTENCE,
        f"{CODE} art. 46 part 4",
        permits=_life_not_for_older_men,
        column="life_sentence",
    ),
    Rule(
        "life-sentence-extreme-security",
        RuleKind.SENTENCE,
        f"{PENAL} art. 140 part 1",
        permits=_life_in_extreme_security,
        column="security_level",
    ),
)

_OTHERS = (
    Rule(
        "capacity",
        RuleKind.CAPACITY,
        f"{PENAL} art. 88 (population limit of the facility)",
    ),
    Rule(
        "co-defendant-separation",
        RuleKind.PAIRWISE,
        f"{PENAL}: article not found (separate detention of accomplices)",
    ),
    Rule(
        "home-region-first",
        RuleKind.OBJECTIVE,
        f"{PENAL} art. 88",
    ),
    Rule(
        "close-to-home",
        RuleKind.OBJECTIVE,
        "UN Nelson Mandela Rules, rule 59",
    ),
)

RULES: dict[str, Rule] = {rule.id: rule for rule in (*_ELIGIBILITY, *_SENTENCES, *_OTHERS)}

ELIGIBILITY_RULES = tuple(r for r in RULES.values() if r.kind is RuleKind.ELIGIBILITY)
SENTENCE_RULES = tuple(r for r in RULES.values() if r.kind is RuleKind.SENTENCE)


DOMAIN = "rules"
"""The gettext domain of the rules' names, wordings, citations and the security levels."""


def rule_wording(rule_id: str, lang: str = "en") -> str:
    """What the rule requires, in one sentence, in `lang`."""
    return translate(DOMAIN, f"rule.{RULES[rule_id].id}", lang)


def rule_name(rule_id: str, lang: str = "en") -> str:
    """The rule's short name in `lang`, to count by it ("excluded: 58 by type of facility")."""
    return translate(DOMAIN, f"name.{RULES[rule_id].id}", lang)


def rule_citation(rule_id: str, lang: str = "en") -> str:
    """The rule's legal source as the codes are cited in `lang` (УИК РК, ҚР ҚАК)."""
    return translate(DOMAIN, f"source.{RULES[rule_id].id}", lang)


def level_name(level: str, lang: str = "en") -> str:
    """A security level as the 2014 codes call it, to follow "facility" ("medium security",
    "средней безопасности", "қауіпсіздігі орташа")."""
    return translate(DOMAIN, f"level.{SecurityLevel(level).value}", lang)


def eligibility(classes: pd.DataFrame, facilities: pd.DataFrame) -> BoolMatrix:
    """Classes (rows) x facilities (columns): may a convict of the class serve there?"""
    classes, facilities = with_class_defaults(classes), with_facility_defaults(facilities)
    allowed = np.ones((len(classes), len(facilities)), dtype=bool)
    for rule in ELIGIBILITY_RULES:
        assert rule.allows is not None
        allowed &= rule.allows(classes, facilities)
    return allowed


def first_failed_rule(classes: pd.DataFrame, facilities: pd.DataFrame) -> npt.NDArray[np.object_]:
    """Classes x facilities: the id of the first eligibility rule that excludes it, or ''."""
    classes, facilities = with_class_defaults(classes), with_facility_defaults(facilities)
    failed = np.full((len(classes), len(facilities)), "", dtype=object)
    for rule in ELIGIBILITY_RULES:
        assert rule.allows is not None
        blocked = ~rule.allows(classes, facilities) & (failed == "")
        failed[blocked] = rule.id
    return failed


def unlawful_sentences(
    convicts: pd.DataFrame, skip: frozenset[str] = frozenset()
) -> npt.NDArray[np.object_]:
    """Per row (convict or class): the id of the first sentence rule it breaks, or ''."""
    convicts = with_class_defaults(convicts)
    failed = np.full(len(convicts), "", dtype=object)
    for rule in SENTENCE_RULES:
        assert rule.permits is not None
        if rule.id in skip:
            continue
        failed[~rule.permits(convicts) & (failed == "")] = rule.id
    return failed


def class_standing(classes: pd.DataFrame, facilities: pd.DataFrame) -> npt.NDArray[np.object_]:
    """Per class: unlawful sentence, a gap of the network (lawful, but no facility fits), or
    servable. A network gap is the network's shortfall, not the person's."""
    unlawful = unlawful_sentences(classes) != ""
    fits = eligibility(classes, facilities).any(axis=1)
    standing = np.where(fits, ClassStanding.SERVABLE.value, ClassStanding.NETWORK_GAP.value)
    return np.where(unlawful, ClassStanding.UNLAWFUL.value, standing).astype(object)


def with_class_defaults(convicts: pd.DataFrame) -> pd.DataFrame:
    """The table itself, or a copy with the class columns it lacks at their defaults."""
    missing = {c: v for c, v in CLASS_DEFAULTS.items() if c not in convicts.columns}
    return convicts.assign(**missing) if missing else convicts


def with_facility_defaults(facilities: pd.DataFrame) -> pd.DataFrame:
    """The table itself, or a copy with the facility columns it lacks at their defaults."""
    missing = {c: v for c, v in FACILITY_DEFAULTS.items() if c not in facilities.columns}
    return facilities.assign(**missing) if missing else facilities


def convict_classes(convicts: pd.DataFrame) -> tuple[pd.DataFrame, npt.NDArray[np.intp]]:
    """The distinct classes among convicts and, per convict, the index of its class."""
    convicts = with_class_defaults(convicts)
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
