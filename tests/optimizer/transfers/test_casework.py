"""A request's casework: who applied, each ground's citation, the deadline and overdue flag."""

from __future__ import annotations

import datetime

import pytest

from cli.transfers import GROUNDS
from optimizer.transfers import (
    DEFAULT_ANSWER_DAYS,
    GROUND_SOURCE,
    Applicant,
    Casework,
    Ground,
    answer_deadline,
    ground_source,
)
from tests.helpers import convict, facility
from tests.optimizer.transfers.worlds import review, world

RECEIVED = datetime.date(2026, 11, 2)


@pytest.mark.parametrize("ground", list(Ground))
def test_every_ground_cites_its_source_and_is_reviewed(ground: Ground) -> None:
    """Each ground has a legal source, is offered by the command, and a request on it is
    reviewed with its ground and source in the JSON."""
    assert ground.value in GROUNDS
    source = ground_source(ground)
    assert "Penal Executive Code" in source or "Nelson Mandela" in source
    population, facilities = world(
        [facility("FA", "KZ-71"), facility("FS", "KZ-79")], [(convict("A", "KZ-79"), "FA")]
    )
    e = review(population, facilities, ground=ground, consent=True)
    assert e.as_dict()["ground"] == ground.value
    assert e.as_dict()["ground_source"] == source


def test_the_codes_article_88_grounds_cite_it_and_the_others_say_the_article_is_not_found() -> None:
    in_art_88 = {
        Ground.HOME_REGION,
        Ground.SAFETY,
        Ground.REORGANISATION,
        Ground.OPERATIONAL_NEED,
        Ground.KEEPING_ORDER,
    }
    for ground in in_art_88:
        assert "Penal Executive Code art. 88" in GROUND_SOURCE[ground]
    for ground in set(Ground) - in_art_88:
        assert "article not found" in GROUND_SOURCE[ground]


def test_every_applicant_is_a_word_of_the_domain() -> None:
    assert [a.value for a in Applicant] == ["convict", "relative", "lawyer", "ombudsman"]


def test_the_deadline_counts_calendar_days_from_the_day_received() -> None:
    assert answer_deadline(RECEIVED) == RECEIVED + datetime.timedelta(days=DEFAULT_ANSWER_DAYS)
    assert answer_deadline(RECEIVED, 30) == datetime.date(2026, 12, 2)


@pytest.mark.parametrize("days", [0, -1, 366])
def test_an_impossible_deadline_is_refused(days: int) -> None:
    with pytest.raises(ValueError, match="answer_days must be from 1 to 365"):
        Casework(Applicant.CONVICT, RECEIVED, answer_days=days)


@pytest.mark.parametrize(
    ("today", "answered", "overdue"),
    [
        (datetime.date(2026, 11, 17), None, False),  # the deadline day itself
        (datetime.date(2026, 11, 18), None, True),  # the day after, unanswered
        (datetime.date(2026, 12, 30), datetime.date(2026, 11, 10), False),  # answered in time
        (datetime.date(2026, 12, 30), datetime.date(2026, 11, 20), True),  # answered late
    ],
)
def test_a_request_is_overdue_after_its_deadline_on_a_fixed_clock(
    today: datetime.date, answered: datetime.date | None, overdue: bool
) -> None:
    case = Casework(Applicant.RELATIVE, RECEIVED)
    assert case.deadline == datetime.date(2026, 11, 17)
    assert case.overdue(today, answered) is overdue
    assert case.age_days(today) == (today - RECEIVED).days
