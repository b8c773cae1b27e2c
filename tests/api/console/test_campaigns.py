"""The analyst's transfer campaign: a form over the API's request schema, the engine's campaign
in the page with its map and moves, the moves as CSV, each analysis audited."""

from __future__ import annotations

import io
import re
from collections.abc import Callable

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from api.auth import Role
from optimizer.data import read_facilities, read_regions
from optimizer.domain import DistanceKind
from optimizer.population import read_population
from optimizer.transfers import CampaignResult, optimise_transfers
from tests.api.console.conftest import form_token


@pytest.fixture(scope="module")
def engine_campaign() -> CampaignResult:
    """The engine's campaign over the bundled population, as a fresh store holds it."""
    regions = read_regions()
    facilities = read_facilities(None, regions)
    return optimise_transfers(read_population(None, regions, facilities), facilities, regions)


def analyse(client: TestClient, **values: str) -> object:
    form = client.get("/console/transfer-campaigns")
    return client.post(
        "/console/transfer-campaigns", data={"csrf": form_token(form.text), **values}
    )


def test_the_form_offers_the_request_schemas_fields(browser: Callable[[Role], TestClient]) -> None:
    page = browser(Role.ANALYST).get("/console/transfer-campaigns")
    assert page.status_code == 200
    assert '<select id="c-distance" name="distance">' in page.text
    for kind in DistanceKind:
        assert f'<option value="{kind.value}"' in page.text
    assert "moves_limit" not in page.text and "include_moves" not in page.text


def test_the_page_shows_the_engines_campaign(
    browser: Callable[[Role], TestClient], engine_campaign: CampaignResult
) -> None:
    analyst = browser(Role.ANALYST)
    page = analyse(analyst, distance="great-circle")
    assert page.status_code == 200  # type: ignore[attr-defined]
    text = page.text  # type: ignore[attr-defined]
    assert f"<dd>{engine_campaign.moved:,}</dd>" in text
    assert f"<dd>{engine_campaign.home_after:,}</dd>" in text
    if engine_campaign.moved:  # by default only convicts with an open request may move
        first = engine_campaign.moves.iloc[0]
        assert f'<th scope="row">{first.convict_id}</th>' in text
        moves = text.split('id="campaign-moves"')[1].split("</table>")[0]
        assert moves.count('<tr><th scope="row">') == min(100, engine_campaign.moved)
        assert '<g class="flows">' in text and "<line " in text
    log = browser(Role.AUDITOR).get("/console/audit?action=transfer-campaign.analysed")
    assert "Rows 1 to 1 of 1" in log.text


def test_the_csv_has_every_move(
    browser: Callable[[Role], TestClient], engine_campaign: CampaignResult
) -> None:
    answer = analyse(browser(Role.ANALYST), distance="great-circle", format="csv")
    assert answer.headers["content-type"].startswith("text/csv")  # type: ignore[attr-defined]
    moves = pd.read_csv(io.StringIO(answer.text))  # type: ignore[attr-defined]
    assert list(moves["convict_id"]) == list(engine_campaign.moves["convict_id"])
    assert list(moves.columns) == list(engine_campaign.moves.columns)


def test_a_bad_answer_is_refused_naming_the_field(browser: Callable[[Role], TestClient]) -> None:
    page = analyse(browser(Role.ANALYST), distance="by-air")
    assert page.status_code == 422  # type: ignore[attr-defined]
    assert "Distance: Input should be" in page.text  # type: ignore[attr-defined]


@pytest.mark.parametrize("role", [Role.ALLOCATOR, Role.REVIEWER, Role.AUDITOR])
def test_only_analysts_and_admins_analyse(
    browser: Callable[[Role], TestClient], role: Role
) -> None:
    assert browser(role).get("/console/transfer-campaigns").status_code == 403


def test_a_form_without_its_token_is_refused(browser: Callable[[Role], TestClient]) -> None:
    analyst = browser(Role.ANALYST)
    answer = analyst.post("/console/transfer-campaigns", data={"distance": "rail"})
    assert answer.status_code == 403


def test_the_page_shows_the_phased_plan_and_links_each_weeks_manifest(
    browser: Callable[[Role], TestClient],
) -> None:
    """A what-if of the 20 best long moves: weeks needed, a row per week, manifests by link."""
    analyst = browser(Role.ANALYST)
    page = analyse(analyst, scope="everyone", min_saved_km="1500", max_moves="20")
    assert page.status_code == 200, page.text  # type: ignore[attr-defined]
    text = page.text  # type: ignore[attr-defined]
    plan = text.split('id="campaign-weeks"')[1].split("</section>")[0]
    assert "Weeks needed" in plan
    links = re.findall(r'href="(/console/transfer-campaigns/weeks/week-\d+\.csv\?[^"]+)"', plan)
    assert links and plan.count('<tr><th scope="row">') == len(links)
    rows = 0
    for link in links:
        answer = analyst.get(link.replace("&amp;", "&"))
        assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
        rows += len(pd.read_csv(io.StringIO(answer.text)))
    assert rows == 20
