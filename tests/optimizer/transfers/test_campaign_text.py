"""The campaign in words, in en, ru and kk, with names in the reader's language."""

from __future__ import annotations

import re

import pytest

from optimizer.transfers import optimise_transfers
from optimizer.transfers.campaign_text import campaign_text
from optimizer.transfers.limits import CampaignLimits, CampaignScope
from tests.helpers import regions_table
from tests.optimizer.transfers.test_campaign import exchange_world
from tests.reading import assert_reads_in

SEATS = {"KZ-71": 1, "KZ-79": 1, "KZ-35": 1}


def campaign(scope: CampaignScope = CampaignScope.EVERYONE):  # type: ignore[no-untyped-def]
    population, facilities = exchange_world()
    facilities = facilities.assign(
        name_ru=[f"Колония {f}" for f in facilities["facility_id"]],
        name_kk=[f"{f} колониясы" for f in facilities["facility_id"]],
    )
    limits = CampaignLimits(min_saved_km=0, escort_seats=SEATS, scope=scope, max_moves=5)
    return optimise_transfers(population, facilities, regions_table(), limits=limits), facilities


def named_regions():  # type: ignore[no-untyped-def]
    regions = regions_table()
    return regions.assign(
        name_ru=[f"Регион {r}" for r in regions["region"]],
        name_kk=[f"{r} өңірі" for r in regions["region"]],
    )


@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
def test_the_summary_names_weeks_and_reads_in_the_language(lang: str) -> None:
    result, facilities = campaign()
    text = campaign_text(result, named_regions(), facilities, lang)
    weeks = {"en": "Weeks needed: 1", "ru": "Требуется недель: 1", "kk": "Қажетті апталар саны: 1"}
    assert weeks[lang] in text
    names = {"en": "Facility FA", "ru": "Колония FA", "kk": "FA колониясы"}
    assert names[lang] in text
    regions = {"en": "Astana (city) (KZ-71)", "ru": "Регион KZ-71", "kk": "KZ-71 өңірі"}
    assert regions[lang] in text
    assert_reads_in(text, lang, re.findall(r"\b(?:F[A-Z]|KZ-\d{2})\b", text))


def test_the_what_if_and_the_requests_scope_are_told_apart() -> None:
    what_if, facilities = campaign()
    assert "What-if analysis" in campaign_text(what_if, regions_table(), facilities)
    requests, _ = campaign(CampaignScope.REQUESTS)
    text = campaign_text(requests, regions_table(), facilities)
    assert "Only convicts with an open transfer request" in text
    assert "Nobody moves, so no week is needed." in text
