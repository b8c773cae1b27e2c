"""The committee's screens, through the pages: upload, problems, the run, placements,
explanations, commit and the stale-commit refusal."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from api import store
from api.auth import Role
from tests.api.console.conftest import batch_csv, form_token


def upload(client: TestClient, csv_text: str, **fields: str) -> Any:
    token = form_token(client.get("/console/runs/new").text)
    data = {"csrf": token, "objective": "home-first", "distance": "great-circle", **fields}
    return client.post(
        "/console/runs", data=data, files={"file": ("batch.csv", csv_text.encode(), "text/csv")}
    )


def test_a_good_batch_is_solved_and_shown_with_figures_and_map(
    browser: Callable[[Role], TestClient], batch: list[dict[str, Any]]
) -> None:
    client = browser(Role.ALLOCATOR)
    page = upload(client, batch_csv(batch))
    assert page.status_code == 200
    assert page.url.path.startswith("/console/runs/")
    assert "<dt>Convicts</dt><dd>60</dd>" in page.text
    assert "<svg" in page.text and 'class="regions"' in page.text
    assert page.text.count('data-region="KZ-') == 20  # every region of the geometry
    assert '<path class="country"' in page.text and '<path class="rail"' in page.text
    assert ">Akmola</text>" in page.text  # regions are named on the map
    assert "© OpenStreetMap contributors" in page.text
    assert "<line " in page.text and "<circle " in page.text
    assert "Region outlines are not available" not in page.text
    assert "Status: <strong>solved, not yet committed</strong>" in page.text
    assert '<th scope="row">medium security</th>' in page.text  # prose, not the code
    assert "Commit this run" in page.text


def test_pasted_rows_are_a_batch_too(
    browser: Callable[[Role], TestClient], batch: list[dict[str, Any]]
) -> None:
    client = browser(Role.ALLOCATOR)
    token = form_token(client.get("/console/runs/new").text)
    page = client.post("/console/runs", data={"csrf": token, "pasted": batch_csv(batch[:5])})
    assert "<dt>Convicts</dt><dd>5</dd>" in page.text


def test_a_bad_batch_lists_every_problem_by_row_and_column_and_stores_nothing(
    app: FastAPI, browser: Callable[[Role], TestClient], batch: list[dict[str, Any]]
) -> None:
    client = browser(Role.ALLOCATOR)
    rows = [dict(r) for r in batch[:4]]
    rows[1]["age"] = "abc"
    rows[3]["sex"] = "X"
    page = upload(client, batch_csv(rows))
    assert page.status_code == 422
    assert "The batch has 2 problems; nothing was stored." in page.text
    assert '<td class="n">2</td><td>age</td>' in page.text
    assert '<td class="n">4</td><td>sex</td>' in page.text
    with app.state.store.sessions() as session:
        assert store.list_runs(session=session, offset=0, limit=1)[1] == 0


def test_the_problems_of_a_bad_batch_are_in_the_page_language(
    browser: Callable[[Role], TestClient], batch: list[dict[str, Any]]
) -> None:
    client = browser(Role.ALLOCATOR)
    client.get("/console/language?lang=ru")
    rows = [dict(r) for r in batch[:2]]
    rows[1]["age"] = "abc"
    page = upload(client, batch_csv(rows))
    assert page.status_code == 422
    assert '<td class="n">2</td><td>age</td><td>«abc» не является числом</td>' in page.text


def test_an_empty_form_asks_for_a_file(browser: Callable[[Role], TestClient]) -> None:
    client = browser(Role.ALLOCATOR)
    token = form_token(client.get("/console/runs/new").text)
    page = client.post("/console/runs", data={"csrf": token})
    assert page.status_code == 422
    assert "Choose a CSV file or paste the rows." in page.text


def test_placements_are_paged_and_filtered_on_the_server(
    browser: Callable[[Role], TestClient], make_batch: Callable[..., list[dict[str, Any]]]
) -> None:
    client = browser(Role.ALLOCATOR)
    run_page = upload(client, batch_csv(make_batch(120)))
    base = run_page.url.path
    first = client.get(f"{base}/placements")
    assert "Rows 1 to 50 of 120" in first.text
    assert "Page 1 of 3" in first.text and 'rel="next"' in first.text
    last = client.get(f"{base}/placements?page=3")
    assert "Rows 101 to 120 of 120" in last.text and 'rel="next"' not in last.text
    filtered = client.get(f"{base}/placements?home_region=KZ-75")
    assert "of 120" not in filtered.text
    assert filtered.text.count("<td>KZ-75</td>") >= 1


def test_an_explanation_opens_in_russian_and_in_kazakh(
    browser: Callable[[Role], TestClient], batch: list[dict[str, Any]]
) -> None:
    client = browser(Role.ALLOCATOR)
    base = upload(client, batch_csv(batch)).url.path
    convict = batch[0]["convict_id"]
    english = client.get(f"{base}/placements/{convict}")
    assert f"Why {convict} is placed there" in english.text
    client.get("/console/language?lang=ru")
    russian = client.get(f"{base}/placements/{convict}")
    assert f"Почему {convict} размещён именно там" in russian.text
    assert 'lang="ru"' in russian.text
    client.get("/console/language?lang=kk")
    kazakh = client.get(f"{base}/placements/{convict}")
    assert f"Неліктен {convict} дәл сонда орналастырылды" in kazakh.text
    assert 'class="engine-text" lang="' in kazakh.text


def test_commit_says_what_will_change_then_commits(
    browser: Callable[[Role], TestClient], batch: list[dict[str, Any]]
) -> None:
    client = browser(Role.ALLOCATOR)
    base = upload(client, batch_csv(batch)).url.path
    confirm = client.get(f"{base}/commit")
    assert "Committing adds" in confirm.text and "What will change" in confirm.text
    done = client.post(f"{base}/commit", data={"csrf": form_token(confirm.text)})
    assert "The run is committed" in done.text
    assert "Commit this run" not in done.text


def test_a_stale_commit_is_refused_in_plain_words(
    browser: Callable[[Role], TestClient], batch: list[dict[str, Any]]
) -> None:
    first, second = browser(Role.ALLOCATOR), browser(Role.ALLOCATOR)
    one = upload(first, batch_csv(batch[:30])).url.path
    two = upload(second, batch_csv(batch[30:])).url.path
    confirm_two = second.get(f"{two}/commit")
    confirm_one = first.get(f"{one}/commit")
    first.post(f"{one}/commit", data={"csrf": form_token(confirm_one.text)})
    refused = second.post(f"{two}/commit", data={"csrf": form_token(confirm_two.text)})
    assert refused.status_code == 409
    assert "The run was not committed" in refused.text
    assert "Upload the batch again" in refused.text
    assert "(changed)" in refused.text


def test_readers_may_not_upload_or_commit(
    browser: Callable[[Role], TestClient], batch: list[dict[str, Any]]
) -> None:
    allocator = browser(Role.ALLOCATOR)
    base = upload(allocator, batch_csv(batch[:3])).url.path
    auditor = browser(Role.AUDITOR)
    assert auditor.get(base).status_code == 200
    assert "Commit this run" not in auditor.get(base).text
    assert auditor.get(f"{base}/commit").status_code == 403


def test_an_unknown_run_is_a_page_not_json(browser: Callable[[Role], TestClient]) -> None:
    page = browser(Role.AUDITOR).get("/console/runs/00000000-0000-0000-0000-000000000000")
    assert page.status_code == 404
    assert "Run not found" in page.text and "<html" in page.text
