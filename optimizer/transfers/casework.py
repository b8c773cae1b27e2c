"""The casework of a transfer request: who applied, when, on which ground, and by when the
answer is due.

Each ground cites its source. The Penal Executive Code art. 88 gives the grounds for a transfer
within the same type of facility (home region, safety, reorganisation or closure, operational
need with consent, keeping order); the family ground rests on the Nelson Mandela Rules (59, 68)
and the health ground on the medical separation rule, the sources holding no article of the Code
for either (see `data/README.md`). Nor do the sources give the statutory term for answering a
convict's application: `DEFAULT_ANSWER_DAYS` is a setting, not a citation.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from enum import StrEnum

from optimizer.rules import RULES
from optimizer.transfers.domain import TRANSFER_GROUND_SOURCE, Ground

DEFAULT_ANSWER_DAYS = 15
"""Calendar days from receipt to the answer unless configured otherwise (no article found)."""

MAX_ANSWER_DAYS = 365


class Applicant(StrEnum):
    """Who filed the request: the convict, a relative, a lawyer, or the Ombudsman."""

    CONVICT = "convict"
    RELATIVE = "relative"
    LAWYER = "lawyer"
    OMBUDSMAN = "ombudsman"


GROUND_SOURCE: dict[Ground, str] = {
    Ground.HOME_REGION: f"{TRANSFER_GROUND_SOURCE} part 1; UN Nelson Mandela Rules, rule 59",
    Ground.FAMILY: "UN Nelson Mandela Rules, rules 59 and 68 (Penal Executive Code: article "
    "not found)",
    Ground.HEALTH: f"{RULES['medical-profile'].legal_source} (Penal Executive Code transfer "
    "article: not found)",
    Ground.SAFETY: TRANSFER_GROUND_SOURCE,
    Ground.REORGANISATION: TRANSFER_GROUND_SOURCE,
    Ground.OPERATIONAL_NEED: f"{TRANSFER_GROUND_SOURCE} (with the convict's consent)",
    Ground.KEEPING_ORDER: TRANSFER_GROUND_SOURCE,
}
"""The legal source of each ground, as the sources give it (`data/README.md`)."""


def ground_source(ground: Ground) -> str:
    return GROUND_SOURCE[ground]


def answer_deadline(
    received: datetime.date, answer_days: int = DEFAULT_ANSWER_DAYS
) -> datetime.date:
    """The last day for the answer: `answer_days` calendar days after the day received."""
    check_answer_days(answer_days)
    return received + datetime.timedelta(days=answer_days)


def check_answer_days(answer_days: int) -> None:
    if not 1 <= answer_days <= MAX_ANSWER_DAYS:
        raise ValueError(f"answer_days must be from 1 to {MAX_ANSWER_DAYS}, got {answer_days}")


@dataclass(frozen=True, slots=True)
class Casework:
    """What the law and the reviewer need beside the review: applicant, dates, notes."""

    applicant: Applicant
    received: datetime.date
    answer_days: int = DEFAULT_ANSWER_DAYS
    notes: str = ""
    named_person: str | None = None
    """The family member or person the convict named to be told of the decision (rule 68)."""
    language: str = "ru"
    """The convict's language, in which the notices are written."""

    def __post_init__(self) -> None:
        check_answer_days(self.answer_days)

    @property
    def deadline(self) -> datetime.date:
        return answer_deadline(self.received, self.answer_days)

    def age_days(self, today: datetime.date) -> int:
        return (today - self.received).days

    def overdue(self, today: datetime.date, answered: datetime.date | None = None) -> bool:
        """Unanswered after the deadline, or answered after it."""
        return (answered or today) > self.deadline
