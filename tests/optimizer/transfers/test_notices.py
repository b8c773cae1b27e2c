"""Notices of a decision in the convict's language: facility and region names, the reason, the
deadline, and the bodies to appeal to (UN Nelson Mandela Rules, rule 68)."""

from __future__ import annotations

import datetime

import pytest

from optimizer.transfers import (
    Applicant,
    Casework,
    DecisionRecord,
    Evaluation,
    NoticeKind,
    Verdict,
    build_notice,
    evaluate_request,
    notice_kinds,
)
from tests.optimizer.transfers.test_free_choice import home_full, regions_in_three_languages
from tests.reading import assert_reads_in

APPEAL_BODIES = {
    "en": ("prosecutor", "court", "Commissioner for Human Rights"),
    "ru": ("прокурору", "в суд", "Уполномоченному по правам человека"),
    "kk": ("прокурорға", "сотқа", "Адам құқықтары жөніндегі уәкілге"),
}
CHOSEN_NAME = {"en": "Facility FL", "ru": "Учреждение Л", "kk": "Л мекемесі"}
REGION_NAME = {"en": "Almaty", "ru": "регион KZ-75", "kk": "KZ-75 өңірі"}
IDS = ["A", "FL", "FA", "KZ-75", "KZ-71", "KZ-79", "r1", "r2", "R-1"]


@pytest.fixture
def evaluation() -> Evaluation:
    population, facilities = home_full()
    return evaluate_request(population, facilities, regions_in_three_languages(), "A")


def casework(lang: str, person: str | None = "Айгуль") -> Casework:
    return Casework(
        Applicant.RELATIVE, datetime.date(2026, 11, 2), named_person=person, language=lang
    )


def granted(reason: str = "Ближе к семье.") -> DecisionRecord:
    return DecisionRecord(
        "R-1", Verdict.GRANT, "FL", reason, datetime.date(2026, 11, 10), "r1", "r2"
    )


@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
@pytest.mark.parametrize("kind", list(NoticeKind))
def test_a_notice_names_the_facility_the_reason_and_where_to_appeal_in_the_convicts_language(
    evaluation: Evaluation, lang: str, kind: NoticeKind
) -> None:
    notice = build_notice(evaluation, casework(lang), granted(), kind)
    assert notice.lang == lang
    text = notice.text
    assert CHOSEN_NAME[lang] in text and REGION_NAME[lang] in text
    assert "Ближе к семье." in text
    for body in APPEAL_BODIES[lang]:
        assert body in text
    assert ("Айгуль" in text) is (kind is NoticeKind.FAMILY)
    assert_reads_in(text, lang, IDS)


def test_the_deadline_is_stated_and_a_late_answer_says_so(evaluation: Evaluation) -> None:
    on_time = build_notice(evaluation, casework("en"), granted("Why."), NoticeKind.CONVICT)
    assert "The answer was due by" in on_time.text and "late" not in on_time.text
    late = DecisionRecord("R-1", Verdict.DENY, None, None, datetime.date(2026, 12, 1), "r1")
    text = build_notice(evaluation, casework("en"), late, NoticeKind.CONVICT).text
    assert "is late" in text
    assert "the convict continues to serve in Facility FA (FA)" in text
    assert "Reason: Every lawful facility in Shymkent" in text  # the review's own reasons, in words


def test_a_waiting_list_notice_names_the_home_region(evaluation: Evaluation) -> None:
    record = DecisionRecord("R-1", Verdict.WAIT_LIST, None, None, datetime.date(2026, 11, 5), "r1")
    text = build_notice(evaluation, casework("ru"), record, NoticeKind.CONVICT).text
    assert "региона «регион KZ-79»" in text and "в очередь" in text


def test_the_family_is_told_only_when_the_convict_named_someone(evaluation: Evaluation) -> None:
    assert notice_kinds(casework("ru")) == (NoticeKind.CONVICT, NoticeKind.FAMILY)
    nobody = casework("ru", None)
    assert notice_kinds(nobody) == (NoticeKind.CONVICT,)
    with pytest.raises(ValueError, match="named nobody"):
        build_notice(evaluation, nobody, granted(), NoticeKind.FAMILY)
