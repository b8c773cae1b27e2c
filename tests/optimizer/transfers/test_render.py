"""The words of a review and of a campaign: the catalogue's sentences, in the review's order."""

from __future__ import annotations

import pytest

from optimizer.transfers import Ground, optimise_transfers
from optimizer.transfers.campaign_text import campaign_text
from optimizer.transfers.limits import CampaignLimits, CampaignScope
from optimizer.transfers.messages import transfer_message
from optimizer.transfers.render import render_evaluation
from tests.helpers import convict, facility, regions_table
from tests.optimizer.transfers.worlds import full, review, world


def test_a_grant_reads_situation_lawfulness_candidates_reason_and_recommendation() -> None:
    population, facilities = world(
        [full("FA", "KZ-71"), facility("FS", "KZ-79", capacity=2)], [(convict("A", "KZ-79"), "FA")]
    )
    lines = render_evaluation(review(population, facilities), "en").split("\n")
    assert lines[0] == transfer_message("title", "en", convict_id="A")
    assert lines[2].startswith("Asks for a transfer to Shymkent (city) (KZ-79)")
    assert lines[3] == transfer_message("lawful.yes", "en")
    assert lines[4] == transfer_message("candidates.head", "en")
    assert lines[5].startswith("- Facility FS (FS), 0 km from home (-997 km), 2 free places")
    assert lines[-2] == "Recommendation: grant, transfer to Facility FS (FS)."
    assert lines[-1] == "Reason codes: room-available."


def test_an_unlawful_target_lists_its_rules_and_where_to_look_instead() -> None:
    population, facilities = world(
        [full("FA", "KZ-71"), facility("FS", "KZ-79", security_level="maximum", capacity=2)],
        [(convict("A", "KZ-79"), "FA")],
    )
    text = render_evaluation(review(population, facilities), "en")
    assert transfer_message("lawful.no", "en") in text
    assert "- Facility FS (FS, maximum): same-security-level." in text
    assert transfer_message("alternatives.none", "en") in text
    assert text.endswith("Recommendation: deny.\nReason codes: no-facility-of-type.")


def test_a_missing_consent_lists_no_rules_and_no_alternatives() -> None:
    population, facilities = world(
        [full("FA", "KZ-71"), facility("FS", "KZ-79", capacity=2)], [(convict("A", "KZ-79"), "FA")]
    )
    e = review(population, facilities, ground=Ground.OPERATIONAL_NEED)
    text = render_evaluation(e, "ru")
    assert transfer_message("lawful.no", "ru") not in text
    assert transfer_message("alternatives.none", "ru") not in text


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
