"""A transfer campaign is advice: nothing moves, the analysis is audited."""

from __future__ import annotations

from fastapi import FastAPI

from api import audit, store
from api.services.campaigns import analyse_campaign
from optimizer.domain import DistanceKind


def test_a_campaign_changes_nothing_but_the_log(app: FastAPI) -> None:
    with app.state.store.sessions() as session:
        before = store.population_counts(session=session)
        result = analyse_campaign(
            session=session, distance=DistanceKind.GREAT_CIRCLE, actor="a:b"
        ).result
        assert store.population_counts(session=session) == before
        [_, entry], _ = audit.list_entries(session=session, offset=0, limit=10)
    assert entry.action == "transfer-campaign.analysed"
    assert f'"moved":{result.moved}' in entry.payload
    assert f'"weeks_needed":{result.plan.weeks}' in entry.payload
