"""The auditors' and admins' screens: the log, filtered and verified; occupancy corrections
with their reason; accounts and tokens."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from api.auth import Role
from tests.api.console.conftest import form_token, sign_in


def correct(client: TestClient, facility_id: str, occupied: int, reason: str) -> TestClient:
    page = client.get("/console/facilities")
    data = {"csrf": form_token(page.text), "occupied": str(occupied), "reason": reason}
    return client.post(f"/console/facilities/{facility_id}/occupancy", data=data)  # type: ignore[return-value]


def test_an_occupancy_correction_is_audited_with_its_reason(
    browser: Callable[[Role], TestClient],
) -> None:
    admin = browser(Role.ADMIN)
    done = correct(admin, "F001", 0, "Count after the inspection")
    assert "Occupancy of F001 corrected." in done.text
    auditor = browser(Role.AUDITOR)
    log = auditor.get("/console/audit?action=facility.occupancy-changed")
    assert "Count after the inspection" in log.text
    assert "Rows 1 to 1 of 1" in log.text


def test_an_impossible_occupancy_is_refused_in_words(browser: Callable[[Role], TestClient]) -> None:
    page = correct(browser(Role.ADMIN), "F001", 10**6, "typo")
    assert page.status_code == 422
    assert "outside 0 to the facility" in page.text


def test_the_log_verifies_intact(browser: Callable[[Role], TestClient]) -> None:
    correct(browser(Role.ADMIN), "F001", 0, "recount")
    page = browser(Role.AUDITOR).get("/console/audit?verify=true")
    assert "The log is intact" in page.text


def test_readers_see_facilities_without_the_correction_form(
    browser: Callable[[Role], TestClient],
) -> None:
    page = browser(Role.ALLOCATOR).get("/console/facilities")
    assert "F001" in page.text and "Correct the occupancy" not in page.text


def test_an_admin_creates_and_revokes_accounts_and_issues_tokens(
    browser: Callable[[Role], TestClient], client: TestClient
) -> None:
    admin = browser(Role.ADMIN)
    page = admin.get("/console/accounts")
    created = admin.post(
        "/console/accounts",
        data={
            "csrf": form_token(page.text),
            "name": "aigerim",
            "role": "reviewer",
            "password": "long enough pw",
        },
    )
    assert "aigerim" in created.text
    short = admin.post(
        "/console/accounts",
        data={
            "csrf": form_token(page.text),
            "name": "short",
            "role": "reviewer",
            "password": "short",
        },
    )
    assert short.status_code == 422 and "the password must be" in short.text
    assert sign_in(client, "aigerim", "long enough pw").status_code == 303
    issued = admin.post(
        "/console/tokens",
        data={"csrf": form_token(page.text), "name": "gateway", "role": "auditor"},
    )
    token = issued.text.split("<p><code>")[1].split("</code>")[0]
    assert client.get("/audit", headers={"Authorization": f"Bearer {token}"}).status_code == 200


def _issue(admin: TestClient, name: str, role: str) -> str:
    page = admin.get("/console/accounts")
    issued = admin.post(
        "/console/tokens", data={"csrf": form_token(page.text), "name": name, "role": role}
    )
    return issued.text.split("<p><code>")[1].split("</code>")[0]


def _token_row(page: str, name: str) -> str:
    tokens = page.split('<table id="tokens">')[1].split("</table>")[0]
    return next(row for row in tokens.split("<tr>") if f'<th scope="row">{name}</th>' in row)


def test_a_revoked_token_is_refused_by_the_api_and_listed_as_revoked(
    browser: Callable[[Role], TestClient], client: TestClient
) -> None:
    admin = browser(Role.ADMIN)
    token = _issue(admin, "gateway", "auditor")
    kept = _issue(admin, "archive", "auditor")
    bearer = {"Authorization": f"Bearer {token}"}
    assert client.get("/audit", headers=bearer).status_code == 200
    listing = admin.get("/console/accounts")
    assert token not in listing.text and kept not in listing.text  # the secret is never shown again
    row = _token_row(listing.text, "gateway")
    assert "auditor" in row and "Revoke" in row
    token_id = row.split("/console/tokens/")[1].split("/revoke")[0]
    revoked = admin.post(
        f"/console/tokens/{token_id}/revoke", data={"csrf": form_token(listing.text)}
    )
    assert revoked.status_code == 200
    assert "Revoke" not in _token_row(revoked.text, "gateway")
    assert "UTC" in _token_row(revoked.text, "gateway").split("</td>")[-2]
    refused = client.get("/audit", headers=bearer)
    assert refused.status_code == 401
    assert client.get("/audit", headers={"Authorization": f"Bearer {kept}"}).status_code == 200
    again = admin.post(
        f"/console/tokens/{token_id}/revoke", data={"csrf": form_token(listing.text)}
    )
    assert again.status_code == 200
    log = browser(Role.AUDITOR).get("/console/audit?action=token.revoked")
    assert "Rows 1 to 1 of 1" in log.text and token_id in log.text
    issued_log = browser(Role.AUDITOR).get("/console/audit?action=token.issued")
    assert "Rows 1 to 2 of 2" in issued_log.text and "gateway" in issued_log.text


def test_revoking_needs_the_form_token_and_a_known_token(
    browser: Callable[[Role], TestClient],
) -> None:
    admin = browser(Role.ADMIN)
    _issue(admin, "gateway", "auditor")
    listing = admin.get("/console/accounts")
    token_id = _token_row(listing.text, "gateway").split("/console/tokens/")[1].split("/")[0]
    forged = admin.post(f"/console/tokens/{token_id}/revoke", data={"csrf": "forged"})
    assert forged.status_code == 403
    assert "Revoke" in _token_row(admin.get("/console/accounts").text, "gateway")
    unknown = admin.post(
        "/console/tokens/00000000-0000-0000-0000-000000000000/revoke",
        data={"csrf": form_token(listing.text)},
    )
    assert unknown.status_code == 404 and "Token not found" in unknown.text


def test_refusals_on_the_admin_screens_are_in_the_page_language(
    browser: Callable[[Role], TestClient],
) -> None:
    admin = browser(Role.ADMIN)
    admin.cookies.set("placement_lang", "ru")
    page = correct(admin, "F001", 10**6, "опечатка")
    assert page.status_code == 422
    assert "1000000 — вне пределов от 0 до лимита наполнения учреждения" in page.text
    listing = admin.get("/console/accounts")
    short = admin.post(
        "/console/accounts",
        data={"csrf": form_token(listing.text), "name": "n", "role": "reviewer", "password": "x"},
    )
    assert short.status_code == 422
    assert "пароль должен содержать от" in short.text and "placement:" not in short.text
