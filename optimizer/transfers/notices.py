"""The notices of a decision on a transfer request, in the convict's language.

Every decision is told to the convict and to the family member or person the convict named
(UN Nelson Mandela Rules, rule 68): which facility (named in the reader's language, with its
region: the data hold no postal address), the reason, the deadline, and how to appeal (the
prosecutor, the court, the Commissioner for Human Rights). The notice is a value of paragraphs;
laying it out as HTML or PDF is the service's.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from enum import StrEnum

from optimizer.i18n import Translator, translator
from optimizer.transfers.casework import Casework
from optimizer.transfers.domain import FacilityOption, Verdict
from optimizer.transfers.evaluation import Evaluation
from optimizer.transfers.messages import DOMAIN, check_language
from optimizer.transfers.render import reason_texts


class NoticeKind(StrEnum):
    CONVICT = "convict"
    FAMILY = "family"
    """To the family member or person the convict named (rule 68)."""


@dataclass(frozen=True, slots=True)
class DecisionRecord:
    """What a notice tells of a decision: what, where, why, when and by whom."""

    request_id: str
    verdict: Verdict
    facility_id: str | None
    reason: str | None
    decided_on: datetime.date
    decided_by: str
    approved_by: str | None = None


@dataclass(frozen=True, slots=True)
class Notice:
    kind: NoticeKind
    lang: str
    title: str
    paragraphs: tuple[str, ...]

    @property
    def text(self) -> str:
        return "\n\n".join((self.title, *self.paragraphs))


def notice_kinds(casework: Casework) -> tuple[NoticeKind, ...]:
    """The notices a decision produces: the convict's, and the family's when someone is named."""
    if casework.named_person:
        return (NoticeKind.CONVICT, NoticeKind.FAMILY)
    return (NoticeKind.CONVICT,)


def build_notice(
    evaluation: Evaluation,
    casework: Casework,
    record: DecisionRecord,
    kind: NoticeKind,
    lang: str | None = None,
) -> Notice:
    """The notice of `record` to `kind`, in `lang` (default: the convict's language)."""
    lang = lang or casework.language
    check_language(lang)
    if kind is NoticeKind.FAMILY and not casework.named_person:
        raise ValueError("the convict named nobody to be told of the decision")
    t = translator(DOMAIN, lang)
    e = evaluation
    current = _place(e, e.current, lang)
    if kind is NoticeKind.CONVICT:
        to = t("notice.to.convict", convict_id=e.convict_id, **current)
    else:
        to = t("notice.to.family", person=casework.named_person, convict_id=e.convict_id)
    request = t(
        "notice.request",
        applicant=t(f"applicant.{casework.applicant.value}"),
        received=t.date(casework.received),
        ground_text=t(f"ground.{e.ground.value}"),
    )
    late = casework.overdue(record.decided_on, record.decided_on)
    deadline_key = "notice.overdue" if late else "notice.deadline"
    paragraphs = (
        to,
        request,
        _decision(t, e, record, lang),
        t("notice.address"),
        t("notice.reason", reason=record.reason or " ".join(reason_texts(e, lang))),
        t(deadline_key, deadline=t.date(casework.deadline)),
        t("notice.appeal"),
        _signed(t, record),
    )
    return Notice(kind, lang, t(f"notice.title.{kind.value}"), paragraphs)


def _place(e: Evaluation, option: FacilityOption, lang: str) -> dict[str, str]:
    """A facility named in `lang` with its region: the data hold no postal address."""
    region_english = e.current_region_name if option.region == e.current.region else option.region
    return {
        "facility_name": e.name_in(option.facility_id, option.name, lang),
        "facility_id": option.facility_id,
        "region_name": e.name_in(option.region, region_english, lang),
    }


def _decision(t: Translator, e: Evaluation, record: DecisionRecord, lang: str) -> str:
    where = e.current
    if record.facility_id is not None:
        chosen = e.option(record.facility_id)
        if chosen is None:
            raise ValueError(f"the decision's facility {record.facility_id} is not in the review")
        where = chosen
    place = _place(e, where, lang)
    decided = t.date(record.decided_on)
    if record.verdict is Verdict.WAIT_LIST:
        place["region_name"] = e.name_in(e.home_region, e.home_region_name, lang)
    return t(f"notice.decision.{record.verdict.value}", decided=decided, **place)


def _signed(t: Translator, record: DecisionRecord) -> str:
    if record.approved_by:
        return t(
            "notice.signed.approved",
            decided_by=record.decided_by,
            approved_by=record.approved_by,
            request_id=record.request_id,
        )
    return t("notice.signed", decided_by=record.decided_by, request_id=record.request_id)
