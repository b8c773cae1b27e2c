"""The words of a review and of a campaign: the catalogue's sentences, in the review's order."""

from __future__ import annotations

import datetime

import pandas as pd
import pytest

from optimizer.population import read_population
from optimizer.transfers import (
    Applicant,
    Casework,
    DecisionRecord,
    Evaluation,
    Ground,
    NoticeKind,
    Verdict,
    build_notice,
    evaluate_request,
    optimise_transfers,
)
from optimizer.transfers.campaign_text import campaign_text
from optimizer.transfers.limits import CampaignLimits, CampaignScope
from optimizer.transfers.messages import transfer_message
from optimizer.transfers.render import reason_texts, render_evaluation
from tests.helpers import convict, facility, regions_table
from tests.optimizer.transfers.worlds import full, review, world
from tests.reading import assert_reads_in

UNLAWFUL = "P006585"
"""A woman whose home region has no women's facility: the request fails two rules in three
facilities, and lawful facilities closer to home are offered instead."""
SWAPPING = "P001077"
"""A man whose home region's facility is full: ten swaps make room for him."""


def test_a_grant_reads_situation_lawfulness_candidates_reason_and_recommendation() -> None:
    population, facilities = world(
        [full("FA", "KZ-71"), facility("FS", "KZ-79", capacity=2)], [(convict("A", "KZ-79"), "FA")]
    )
    lines = render_evaluation(review(population, facilities), "en").split("\n")
    assert lines[0] == transfer_message("title", "en", convict_id="A")
    assert lines[2].startswith("Asks for a transfer to Shymkent (city) (KZ-79)")
    assert lines[3] == transfer_message("lawful.yes", "en")
    assert lines[4] == transfer_message("candidates.head", "en")
    assert lines[5].startswith("- Facility FS (FS), 0 km from home (\u2212997 km), 2 free places")
    assert lines[-1] == "Recommendation: grant, transfer to Facility FS (FS)."


def test_an_unlawful_target_lists_its_rules_and_where_to_look_instead() -> None:
    population, facilities = world(
        [full("FA", "KZ-71"), facility("FS", "KZ-79", security_level="maximum", capacity=2)],
        [(convict("A", "KZ-79"), "FA")],
    )
    text = render_evaluation(review(population, facilities), "en")
    assert transfer_message("lawful.no", "en") in text
    assert "- Facility FS (FS, maximum security): rules it fails: type of facility." in text
    assert transfer_message("alternatives.none", "en") in text
    assert text.endswith("Recommendation: deny.")
    assert "no-facility-of-type" not in text and "same-security-level" not in text


def test_a_missing_consent_lists_no_rules_and_no_alternatives() -> None:
    population, facilities = world(
        [full("FA", "KZ-71"), facility("FS", "KZ-79", capacity=2)], [(convict("A", "KZ-79"), "FA")]
    )
    e = review(population, facilities, ground=Ground.OPERATIONAL_NEED)
    text = render_evaluation(e, "ru")
    assert transfer_message("lawful.no", "ru") not in text
    assert transfer_message("alternatives.none", "ru") not in text


@pytest.fixture(scope="module")
def national_reviews(
    national_regions: pd.DataFrame, national_facilities: pd.DataFrame
) -> dict[str, Evaluation]:
    """Reviews of requests to go home on the bundled national data: one unlawful, one swapping."""
    population = read_population(None, national_regions, national_facilities)
    return {
        cid: evaluate_request(population, national_facilities, national_regions, cid)
        for cid in (UNLAWFUL, SWAPPING)
    }


def identifiers(e: Evaluation) -> set[str]:
    """The ids a review may quote: convicts, facilities and ISO region codes."""
    facilities = {o.facility_id for o in (e.current, *e.options, *e.alternatives, *e.choices)}
    moves = [m for s in e.swaps for m in s.moves]
    return (
        {e.convict_id, e.home_region, e.target_region, e.current.region}
        | facilities
        | {o.region for o in (*e.options, *e.alternatives, *e.choices)}
        | {m.convict_id for m in moves}
        | {f for m in moves for f in (m.from_facility, m.to_facility)}
    )


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_a_national_review_and_its_notice_quote_no_latin_words_but_ids(
    national_reviews: dict[str, Evaluation], lang: str
) -> None:
    """Rules by their words, levels by their names, numbers in the locale, no reason codes."""
    unlawful, swapping = national_reviews[UNLAWFUL], national_reviews[SWAPPING]
    assert not unlawful.lawful and unlawful.failed_rules and swapping.swaps
    for e in (unlawful, swapping):
        text = render_evaluation(e, lang)
        assert_reads_in(text, lang, identifiers(e))
        assert "\u2212" in text and not any(f"{d},{d}" in text for d in "0123456789")
        # A decision without its own reason gives the review's reasons in the notice.
        denied = DecisionRecord("R-1", Verdict.DENY, None, None, datetime.date(2026, 11, 10), "r1")
        casework = Casework(Applicant.CONVICT, datetime.date(2026, 11, 2), language=lang)
        notice = build_notice(e, casework, denied, NoticeKind.CONVICT)
        assert " ".join(reason_texts(e, lang)) in notice.text
        assert_reads_in(notice.text, lang, {*identifiers(e), "R-1", "r1"})


def test_an_unknown_language_is_refused() -> None:
    population, facilities = world([full("FA", "KZ-71")], [(convict("A", "KZ-79"), "FA")])
    with pytest.raises(ValueError, match="unknown language"):
        render_evaluation(review(population, facilities), "de")


def test_the_campaign_text_sums_up_moves_home_and_km_per_region() -> None:
    population, facilities = world(
        [full("FA", "KZ-71"), full("FS", "KZ-79"), facility("FK", "KZ-35", capacity=1)],
        [(convict("A", "KZ-79"), "FA"), (convict("B", "KZ-71"), "FS")],
    )
    everyone = CampaignLimits(scope=CampaignScope.EVERYONE)
    result = optimise_transfers(population, facilities, regions_table(), limits=everyone)
    text = campaign_text(result, regions_table(), facilities)
    lines = text.split("\n")
    assert lines[5] == "In their home region: 0 now, 1 after (+1)."
    assert lines[7] == "Into places free today: 1; into places freed by others moving out: 1."
    assert "By home region, where someone moves:" in lines
    assert lines[-1] == "Shymkent (city) (KZ-79): in the home region 0 → 1, moves 1, 997 km saved."
    assert text == campaign_text(result, regions_table(), facilities)
