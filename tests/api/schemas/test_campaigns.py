"""A campaign request: the limits it asks for, and its manifest links' token."""

from __future__ import annotations

import pytest

from api.schemas import TransferCampaignCreate
from optimizer.transfers.limits import CampaignScope


def test_the_limits_are_the_ones_asked_for() -> None:
    body = TransferCampaignCreate(scope=CampaignScope.EVERYONE, min_saved_km=300, max_weeks=6)
    limits = body.limits()
    assert (limits.scope, limits.min_saved_km, limits.max_moves, limits.max_weeks) == (
        CampaignScope.EVERYONE,
        300,
        None,
        6,
    )


def test_a_manifest_token_gives_back_the_same_limits() -> None:
    body = TransferCampaignCreate(min_saved_km=250, max_moves=40)
    again = TransferCampaignCreate.from_token(body.token())
    assert again.limits() == body.limits()


def test_a_token_that_names_no_campaign_is_refused() -> None:
    with pytest.raises(ValueError):
        TransferCampaignCreate.from_token("not-a-token")
