"""POST /runs, POST /runs/csv, GET /runs, GET /runs/{run_id}, POST /runs/{run_id}/commit."""

from __future__ import annotations

import io
from collections import Counter
from typing import Any

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from api import db
from api.app import create_app
from api.auth import Role
from api.settings import Settings
from optimizer.allocation import solve
from optimizer.data import read_facilities, read_regions, records_table, validate_convicts
from optimizer.domain import InputError

STALE = {"detail": "Occupancy changed since the run was solved"}


def occupancy(client: TestClient, as_role: Any) -> dict[str, int]:
    facilities = client.get("/facilities", headers=as_role(Role.ADMIN)).json()
    return {f["facility_id"]: f["occupied"] for f in facilities}


def placements(client: TestClient, as_role: Any, run_id: str) -> list[dict[str, Any]]:
    response = client.get(
        f"/runs/{run_id}/placements", params={"limit": 1000}, headers=as_role(Role.REVIEWER)
    )
    assert response.status_code == 200
    return list(response.json()["items"])


def csv_bytes(records: list[dict[str, Any]]) -> bytes:
    return pd.DataFrame(records).to_csv(index=False).encode("utf-8")


def test_a_submitted_run_is_solved_and_stored_without_touching_occupancy(
    client: TestClient, as_role: Any, submit: Any, batch: list[dict[str, Any]]
) -> None:
    before = occupancy(client, as_role)
    response = submit(batch)
    assert response.status_code == 201
    run = response.json()
    assert run["status"] == "solved"
    assert run["convicts"] == len(batch)
    assert run["summary"]["convicts"] == len(batch)
    assert run["summary"]["placed"] == run["placed"]
    assert run["objective"] == "home-first"
    assert run["distance"] == "great-circle"
    assert run["created_by"] == "allocator:allocator-desk"
    assert run["committed_at"] is None
    assert {f["facility_id"] for f in run["facts"]["facilities"]} == set(before)
    assert occupancy(client, as_role) == before
    read = client.get(f"/runs/{run['run_id']}", headers=as_role(Role.ANALYST))
    assert read.status_code == 200
    assert read.json() == run


def test_placements_are_the_engines_own_solution(
    client: TestClient, as_role: Any, submit: Any, batch: list[dict[str, Any]]
) -> None:
    run = submit(batch).json()
    regions = read_regions()
    expected = solve(
        validate_convicts(records_table(batch), regions), read_facilities(None, regions)
    ).placements
    stored = placements(client, as_role, run["run_id"])
    assert [p["convict_id"] for p in stored] == expected["convict_id"].tolist()
    assert [p["facility_id"] or "" for p in stored] == expected["facility_id"].tolist()
    assert run["placed"] == int((expected["facility_id"] != "").sum())


@pytest.mark.parametrize(
    ("objective", "distance"), [("home-first", "great-circle"), ("min-distance", "rail")]
)
def test_run_options_are_used_and_recorded(
    submit: Any, batch: list[dict[str, Any]], objective: str, distance: str
) -> None:
    response = submit(batch[:20], objective=objective, distance=distance)
    assert response.status_code == 201
    assert (response.json()["objective"], response.json()["distance"]) == (objective, distance)


def test_bad_convicts_get_the_same_problem_list_as_the_cli(
    submit: Any, batch: list[dict[str, Any]]
) -> None:
    bad = [dict(r) for r in batch[:5]]
    bad[1]["age"] = "forty"
    bad[2]["home_region"] = "KZ-99"
    bad[3]["sex"] = ""
    bad[4]["convict_id"] = bad[0]["convict_id"]
    with pytest.raises(InputError) as cli:
        validate_convicts(records_table(bad), read_regions(), file="convicts")
    response = submit(bad)
    assert response.status_code == 422
    expected = [
        {"file": p.file, "row": p.row, "column": p.column, "message": p.message}
        for p in cli.value.problems
    ]
    assert response.json() == {"detail": expected}
    assert {(p["row"], p["column"]) for p in expected} >= {
        (2, "age"),
        (3, "home_region"),
        (4, "sex"),
        (5, "convict_id"),
    }


def test_an_empty_batch_is_422(submit: Any) -> None:
    response = submit([])
    assert response.status_code == 422
    assert response.json() == {
        "detail": [
            {"file": "convicts", "row": None, "column": None, "message": "the table has no rows"}
        ]
    }


def test_an_unknown_objective_is_422_naming_the_field(
    submit: Any, batch: list[dict[str, Any]]
) -> None:
    response = submit(batch[:3], objective="cheapest")
    assert response.status_code == 422
    [problem] = response.json()["detail"]
    assert (problem["file"], problem["row"], problem["column"]) == ("request", None, "objective")


def test_a_non_scalar_cell_is_422_on_its_row(submit: Any, batch: list[dict[str, Any]]) -> None:
    records = [dict(r) for r in batch[:3]]
    records[2]["age"] = {"years": 30}
    response = submit(records)
    assert response.status_code == 422
    assert {(p["file"], p["row"], p["column"]) for p in response.json()["detail"]} == {
        ("convicts", 3, "age")
    }


def test_a_batch_over_the_limit_is_413(database_url: str, batch: list[dict[str, Any]]) -> None:
    app = create_app(Settings(database_url=database_url, max_batch_convicts=5))
    try:
        from api.auth import create_token

        with app.state.store.sessions() as session, db.writing(session):
            token = create_token(session=session, role=Role.ALLOCATOR, name="desk")
        with TestClient(app) as client:
            headers = {"Authorization": f"Bearer {token}"}
            assert (
                client.post("/runs", json={"convicts": batch[:5]}, headers=headers).status_code
                == 201
            )
            response = client.post("/runs", json={"convicts": batch[:6]}, headers=headers)
            assert response.status_code == 413
            assert response.json() == {"detail": "Batch exceeds the limit of 5 convicts"}
            upload = client.post(
                "/runs/csv",
                files={"file": ("batch.csv", csv_bytes(batch[:6]), "text/csv")},
                headers=headers,
            )
            assert upload.status_code == 413
            assert upload.json() == {"detail": "Batch exceeds the limit of 5 convicts"}
    finally:
        app.state.store.close()


def test_a_retry_with_the_same_idempotency_key_returns_the_same_run(
    client: TestClient, as_role: Any, submit: Any, batch: list[dict[str, Any]]
) -> None:
    first = submit(batch, headers={"Idempotency-Key": "batch-2024-w12"})
    again = submit(batch, headers={"Idempotency-Key": "batch-2024-w12"})
    assert first.status_code == 201
    assert again.status_code == 200
    assert again.json()["run_id"] == first.json()["run_id"]
    assert client.get("/runs", headers=as_role(Role.ADMIN)).json()["total"] == 1


def test_the_same_idempotency_key_with_another_batch_is_422(
    client: TestClient, as_role: Any, submit: Any, batch: list[dict[str, Any]]
) -> None:
    assert submit(batch, headers={"Idempotency-Key": "k1"}).status_code == 201
    response = submit(batch[:-1], headers={"Idempotency-Key": "k1"})
    assert response.status_code == 422
    assert response.json() == {
        "detail": [
            {
                "file": "request",
                "row": None,
                "column": "Idempotency-Key",
                "message": "Idempotency-Key was already used with a different request",
            }
        ]
    }
    other_options = submit(batch, objective="min-distance", headers={"Idempotency-Key": "k1"})
    assert other_options.status_code == 422
    assert client.get("/runs", headers=as_role(Role.ADMIN)).json()["total"] == 1


def test_a_csv_upload_gives_the_same_placements_as_json(
    client: TestClient, as_role: Any, submit: Any, batch: list[dict[str, Any]]
) -> None:
    from_json = submit(batch).json()
    response = client.post(
        "/runs/csv",
        files={"file": ("batch.csv", csv_bytes(batch), "text/csv")},
        headers=as_role(Role.ALLOCATOR),
    )
    assert response.status_code == 201
    from_csv = response.json()
    assert from_csv["run_id"] != from_json["run_id"]
    assert placements(client, as_role, from_csv["run_id"]) == placements(
        client, as_role, from_json["run_id"]
    )


def test_csv_options_come_as_query_fields_and_keys_work_too(
    client: TestClient, as_role: Any, batch: list[dict[str, Any]]
) -> None:
    def upload(body: bytes) -> Any:
        return client.post(
            "/runs/csv",
            params={"objective": "home-first", "distance": "rail"},
            files={"file": ("batch.csv", body, "text/csv")},
            headers=as_role(Role.ALLOCATOR) | {"Idempotency-Key": "csv-1"},
        )

    first = upload(csv_bytes(batch))
    assert first.status_code == 201
    assert (first.json()["objective"], first.json()["distance"]) == ("home-first", "rail")
    again = upload(csv_bytes(batch))
    assert again.status_code == 200
    assert again.json()["run_id"] == first.json()["run_id"]
    assert upload(csv_bytes(batch[:-1])).status_code == 422


def test_a_bad_csv_names_the_uploaded_file_row_and_column(
    client: TestClient, as_role: Any, batch: list[dict[str, Any]]
) -> None:
    records = [dict(r) for r in batch[:4]]
    records[3]["security_level"] = "strict"
    response = client.post(
        "/runs/csv",
        files={"file": ("week12.csv", csv_bytes(records), "text/csv")},
        headers=as_role(Role.ALLOCATOR),
    )
    assert response.status_code == 422
    [problem] = response.json()["detail"]
    assert (problem["file"], problem["row"], problem["column"]) == (
        "week12.csv",
        4,
        "security_level",
    )
    assert problem["message"].startswith("unknown security level 'strict'")


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "the file is empty"), (b"\xff\xfe\x00bad", None), (b"convict_id\n\x00\n", None)],
)
def test_an_unreadable_csv_is_422(
    client: TestClient, as_role: Any, content: bytes, message: str | None
) -> None:
    response = client.post(
        "/runs/csv",
        files={"file": ("x.csv", io.BytesIO(content), "text/csv")},
        headers=as_role(Role.ALLOCATOR),
    )
    assert response.status_code == 422
    [problem] = response.json()["detail"]
    assert (problem["file"], problem["row"], problem["column"]) == ("x.csv", None, None)
    if message is not None:
        assert problem["message"] == message


@pytest.mark.parametrize("role", [Role.REVIEWER, Role.ANALYST, Role.AUDITOR])
def test_only_allocators_submit_and_commit(
    client: TestClient, as_role: Any, submit: Any, batch: list[dict[str, Any]], role: Role
) -> None:
    response = client.post("/runs", json={"convicts": batch}, headers=as_role(role))
    assert response.status_code == 403
    assert response.json() == {"detail": "Not permitted for this role"}
    run_id = submit(batch).json()["run_id"]
    refused = client.post(f"/runs/{run_id}/commit", headers=as_role(role))
    assert refused.status_code == 403
    assert client.get(f"/runs/{run_id}", headers=as_role(role)).status_code == 200


def test_an_admin_may_submit(client: TestClient, as_role: Any, batch: list[dict[str, Any]]) -> None:
    response = client.post("/runs", json={"convicts": batch[:5]}, headers=as_role(Role.ADMIN))
    assert response.status_code == 201
    assert response.json()["created_by"] == "admin:admin-desk"


def test_an_unknown_run_is_404(client: TestClient, as_role: Any) -> None:
    unknown = "00000000-0000-4000-8000-000000000000"
    for response in (
        client.get(f"/runs/{unknown}", headers=as_role(Role.REVIEWER)),
        client.post(f"/runs/{unknown}/commit", headers=as_role(Role.ALLOCATOR)),
    ):
        assert response.status_code == 404
        assert response.json() == {"detail": "Run not found"}


def test_a_malformed_run_id_is_422(client: TestClient, as_role: Any) -> None:
    response = client.get("/runs/not-a-uuid", headers=as_role(Role.REVIEWER))
    assert response.status_code == 422
    assert response.json()["detail"][0]["column"] == "run_id"


def test_runs_are_listed_newest_first(
    client: TestClient, as_role: Any, submit: Any, batch: list[dict[str, Any]]
) -> None:
    ids = [submit(batch[:10]).json()["run_id"] for _ in range(3)]
    page = client.get("/runs", params={"limit": 2}, headers=as_role(Role.AUDITOR)).json()
    assert page["total"] == 3
    assert [r["run_id"] for r in page["items"]] == ids[::-1][:2]


def test_commit_adds_exactly_the_runs_placements_to_occupancy(
    client: TestClient, as_role: Any, submit: Any, batch: list[dict[str, Any]]
) -> None:
    before = occupancy(client, as_role)
    run = submit(batch).json()
    placed = Counter(p["facility_id"] for p in placements(client, as_role, run["run_id"]))
    placed.pop(None, None)
    response = client.post(f"/runs/{run['run_id']}/commit", headers=as_role(Role.ALLOCATOR))
    assert response.status_code == 200
    assert response.json()["status"] == "committed"
    assert response.json()["committed_by"] == "allocator:allocator-desk"
    assert response.json()["committed_at"] is not None
    after = occupancy(client, as_role)
    assert after == {f: before[f] + placed.get(f, 0) for f in before}
    assert sum(after.values()) - sum(before.values()) == run["placed"]


def test_committing_twice_is_409(
    client: TestClient, as_role: Any, submit: Any, batch: list[dict[str, Any]]
) -> None:
    run_id = submit(batch).json()["run_id"]
    assert client.post(f"/runs/{run_id}/commit", headers=as_role(Role.ALLOCATOR)).status_code == 200
    after_first = occupancy(client, as_role)
    response = client.post(f"/runs/{run_id}/commit", headers=as_role(Role.ALLOCATOR))
    assert response.status_code == 409
    assert response.json() == {"detail": "Run already committed"}
    assert occupancy(client, as_role) == after_first


def test_a_commit_after_an_occupancy_change_it_depends_on_is_409_and_changes_nothing(
    client: TestClient, as_role: Any, submit: Any, batch: list[dict[str, Any]]
) -> None:
    run_id = submit(batch).json()["run_id"]
    used = next(p["facility_id"] for p in placements(client, as_role, run_id) if p["facility_id"])
    current = occupancy(client, as_role)[used]
    patched = client.patch(
        f"/facilities/{used}", json={"occupied": current - 1}, headers=as_role(Role.ADMIN)
    )
    assert patched.status_code == 200
    before = occupancy(client, as_role)
    response = client.post(f"/runs/{run_id}/commit", headers=as_role(Role.ALLOCATOR))
    assert response.status_code == 409
    assert response.json() == STALE
    assert occupancy(client, as_role) == before
    assert (
        client.get(f"/runs/{run_id}", headers=as_role(Role.ALLOCATOR)).json()["status"] == "solved"
    )


def test_a_change_to_a_facility_the_run_does_not_use_does_not_block_it(
    client: TestClient, as_role: Any, submit: Any, batch: list[dict[str, Any]]
) -> None:
    run_id = submit(batch).json()["run_id"]
    used = {p["facility_id"] for p in placements(client, as_role, run_id)}
    unused = next(f for f in sorted(occupancy(client, as_role)) if f not in used)
    client.patch(f"/facilities/{unused}", json={"occupied": 0}, headers=as_role(Role.ADMIN))
    assert client.post(f"/runs/{run_id}/commit", headers=as_role(Role.ALLOCATOR)).status_code == 200


def test_of_two_runs_solved_on_the_same_occupancy_only_the_first_commits(
    client: TestClient, as_role: Any, submit: Any, batch: list[dict[str, Any]]
) -> None:
    others = [dict(r, convict_id=f"D{i:06d}") for i, r in enumerate(batch, start=1)]
    first = submit(batch).json()["run_id"]
    second = submit(others).json()["run_id"]
    assert client.post(f"/runs/{first}/commit", headers=as_role(Role.ALLOCATOR)).status_code == 200
    after_first = occupancy(client, as_role)
    response = client.post(f"/runs/{second}/commit", headers=as_role(Role.ALLOCATOR))
    assert response.status_code == 409
    assert response.json() == STALE
    assert occupancy(client, as_role) == after_first
    resubmitted = submit(others).json()["run_id"]
    assert (
        client.post(f"/runs/{resubmitted}/commit", headers=as_role(Role.ALLOCATOR)).status_code
        == 200
    )
