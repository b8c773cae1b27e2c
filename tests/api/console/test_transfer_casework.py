"""The reviewers' casework screens: the queue's deadline and overdue flag, the free choice of a
lawful facility through four eyes, the notices linked from the request, and an appeal that
reopens it. P006585's home region has no women's colony: the review recommends the nearest
lawful one with room (Atyrau, F021); Petropavlovsk's (F058) is lawful with room too."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from api.auth import Role
from tests.api.console.conftest import form_token
from tests.reading import assert_reads_in

WOMAN = "P006585"


def file(client: TestClient, **fields: str) -> str:
    token = form_token(client.get("/console/transfer-requests/new").text)
    data = {"csrf": token, "convict_id": WOMAN, "ground": "home-region", **fields}
    response = client.post("/console/transfer-requests", data=data)
    assert response.status_code == 200, response.text
    return str(response.url.path)


def test_the_queue_shows_received_deadline_and_overdue(
    browser: Callable[[Role], TestClient],
) -> None:
    client = browser(Role.REVIEWER)
    path = file(client, received="2026-01-05", applicant="relative")
    page = client.get(path).text
    assert "<dd>relative</dd>" in page and "2026-01-20" in page and "overdue" in page
    queue = client.get("/console/transfer-requests").text
    assert "Deadline" in queue and "2026-01-20" in queue and 'class="overdue"' in queue


def test_a_future_date_received_is_refused_on_the_form(
    browser: Callable[[Role], TestClient],
) -> None:
    client = browser(Role.REVIEWER)
    token = form_token(client.get("/console/transfer-requests/new").text)
    refused = client.post(
        "/console/transfer-requests",
        data={
            "csrf": token,
            "convict_id": WOMAN,
            "ground": "home-region",
            "received": "2999-01-01",
        },
    )
    assert refused.status_code == 422 and "cannot be in the future" in refused.text


def test_the_reviewer_chooses_a_lawful_facility_and_the_second_approves_with_notices(
    browser: Callable[[Role], TestClient],
) -> None:
    first = browser(Role.REVIEWER)
    path = file(first, named_person="Айгуль", language="ru")
    page = first.get(path).text
    assert '<option value="F021">' in page and '<option value="F058">' in page  # all lawful, room
    assert '<option value="F025">' not in page  # a men's colony is not
    proposed = first.post(
        f"{path}/decision",
        data={
            "csrf": form_token(page),
            "decision": "grant",
            "facility_id": "F058",
            "reason": "Сестра живёт в Петропавловске.",
        },
    )
    assert "waits for a second reviewer" in proposed.text
    second = browser(Role.ADMIN)
    approved = second.post(
        f"{path}/approval", data={"csrf": form_token(second.get(path).text), "approve": "true"}
    )
    assert "<dd>granted</dd>" in approved.text and "F058" in approved.text
    link = f"{path}/notices/convict.html"
    assert f'href="{link}"' in approved.text
    notice = second.get(link)
    assert notice.headers["content-language"] == "ru"
    assert "ЕС-164/6 Петропавловск (женская)" in notice.text and "прокурору" in notice.text
    pdf = second.get(f"{path}/notices/family.pdf")
    assert pdf.content.startswith(b"%PDF")
    words = notice.text.split("<h1>")[1].split("</article>")[0]
    for tag in ("</h1>", "<p>", "</p>"):
        words = words.replace(tag, " ")
    request_id = path.rsplit("/", 1)[1]
    assert request_id in words
    ids = [WOMAN, "F016", "F058", "admin-person", "reviewer-person"]
    assert_reads_in(words.replace(request_id, "№"), "ru", ids)


def test_an_appeal_reopens_the_request(browser: Callable[[Role], TestClient]) -> None:
    client = browser(Role.REVIEWER)
    path = file(client)
    page = client.get(path).text
    decided = client.post(f"{path}/decision", data={"csrf": form_token(page), "decision": "grant"})
    assert "Record an appeal against this decision" in decided.text
    reopened = client.post(
        f"{path}/appeal",
        data={
            "csrf": form_token(decided.text),
            "appellant": "the convict",
            "received": "2026-11-20",
            "grounds": "Her family lives nearer Petropavlovsk.",
        },
    )
    assert "<dd>reviewed, awaiting a decision</dd>" in reopened.text
    assert (
        "Her family lives nearer Petropavlovsk." in reopened.text
        and "decision set aside" in reopened.text
    )
    assert "Your decision" in reopened.text
