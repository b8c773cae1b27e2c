"""GET /audit and GET /audit/verify: the hash chain holds, and tampering with the database
directly (edit, delete, reorder) is found at the right entry."""

from __future__ import annotations

import hashlib
import itertools
import json
import uuid
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select, text

from api import audit, canonical, db, tables
from api.auth import Role
from api.services.allocation import placements_digest


@pytest.fixture
def history(client: TestClient, as_role: Any, submit: Any, batch: list[dict[str, Any]]) -> str:
    """Seed, a run, its commit and an occupancy correction: five entries."""
    run_id = str(submit(batch).json()["run_id"])
    committed = client.post(f"/runs/{run_id}/commit", headers=as_role(Role.ALLOCATOR))
    assert committed.status_code == 200, committed.text
    facility = client.get("/facilities", headers=as_role(Role.ADMIN)).json()[0]
    client.patch(
        f"/facilities/{facility['facility_id']}",
        json={"occupied": facility["occupied"] - 1},
        headers=as_role(Role.ADMIN),
    )
    submit(batch[:5])
    return run_id


PLACEMENT_FIELDS = [c.key for c in tables.PlacementRow.__table__.columns if c.key != "run_id"]


def entries(client: TestClient, as_role: Any) -> list[dict[str, Any]]:
    response = client.get("/audit", params={"limit": 1000}, headers=as_role(Role.AUDITOR))
    assert response.status_code == 200
    return list(response.json()["items"])


def verify(client: TestClient, as_role: Any) -> dict[str, Any]:
    response = client.get("/audit/verify", headers=as_role(Role.AUDITOR))
    assert response.status_code == 200
    return dict(response.json())


def sql(app: FastAPI, statement: str, **params: Any) -> None:
    with app.state.store.engine.begin() as connection:
        connection.execute(text(statement), params)


def test_a_fresh_store_logs_its_seeding(client: TestClient, as_role: Any) -> None:
    [seeded] = entries(client, as_role)
    assert (seeded["sequence"], seeded["actor"], seeded["action"]) == (1, "system", "store.seeded")
    assert seeded["previous_digest"] == "0" * 64
    assert verify(client, as_role)["ok"] is True


def test_runs_commits_and_corrections_are_logged_in_order(
    client: TestClient, as_role: Any, history: str
) -> None:
    logged = entries(client, as_role)
    assert [(e["sequence"], e["action"], e["actor"]) for e in logged] == [
        (1, "store.seeded", "system"),
        (2, "run.created", "allocator:allocator-desk"),
        (3, "run.committed", "allocator:allocator-desk"),
        (4, "facility.occupancy-changed", "admin:admin-desk"),
        (5, "run.created", "allocator:allocator-desk"),
    ]
    assert logged[1]["payload"]["run_id"] == history
    assert logged[2]["payload"]["run_id"] == history
    for previous, entry in itertools.pairwise(logged):
        assert entry["previous_digest"] == previous["entry_digest"]
    assert verify(client, as_role) == {
        "ok": True,
        "entries": 5,
        "first_bad_sequence": None,
        "problem": None,
        "last_digest": logged[-1]["entry_digest"],
        "anchored_sequence": 5,
        "unanchored_entries": 0,
        "state_checked": True,
        "state_problems": [],
    }


def test_digests_follow_the_published_definition(
    client: TestClient, as_role: Any, history: str
) -> None:
    for entry in entries(client, as_role):
        canonical = json.dumps(
            entry["payload"], sort_keys=True, separators=(",", ":"), ensure_ascii=False
        )
        assert entry["payload_digest"] == hashlib.sha256(canonical.encode()).hexdigest()
        fields = {
            k: entry[k]
            for k in (
                "sequence",
                "recorded_at",
                "actor",
                "action",
                "payload_digest",
                "previous_digest",
            )
        }
        header = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        assert entry["entry_digest"] == hashlib.sha256(header.encode()).hexdigest()


def test_the_run_entry_binds_the_stored_placements_and_explanations(
    app: FastAPI, client: TestClient, as_role: Any, history: str
) -> None:
    created = entries(client, as_role)[1]

    def stored_digest() -> str:
        with app.state.store.sessions() as session:
            rows = session.scalars(
                select(tables.PlacementRow)
                .where(tables.PlacementRow.run_id == uuid.UUID(created["payload"]["run_id"]))
                .order_by(tables.PlacementRow.position)
            ).all()
            assert rows
            return placements_digest([{c: getattr(r, c) for c in PLACEMENT_FIELDS} for r in rows])

    assert stored_digest() == created["payload"]["placements_digest"]
    sql(
        app,
        "UPDATE placements SET explanation = REPLACE(explanation, 'placement', 'plaCement')"
        " WHERE position = 1",
    )
    assert stored_digest() != created["payload"]["placements_digest"]


def test_an_edited_payload_is_found(
    app: FastAPI, client: TestClient, as_role: Any, history: str
) -> None:
    sql(
        app,
        "UPDATE audit_log SET payload = REPLACE(payload, '\"placed\"', '\"placed_\"')"
        " WHERE sequence = 3",
    )
    assert verify(client, as_role) == {
        "ok": False,
        "entries": 2,
        "first_bad_sequence": 3,
        "problem": "the payload does not match its digest",
        "last_digest": entries(client, as_role)[1]["entry_digest"],
        "anchored_sequence": 2,
        "unanchored_entries": 0,
        "state_checked": False,
        "state_problems": [],
    }


def test_an_edit_with_a_recomputed_payload_digest_is_found(
    app: FastAPI, client: TestClient, as_role: Any, history: str
) -> None:
    forged = canonical.json_text({"facility_id": "F001", "occupied_before": 1, "occupied": 0})
    sql(
        app,
        "UPDATE audit_log SET payload = :payload, payload_digest = :digest WHERE sequence = 4",
        payload=forged,
        digest=canonical.sha256(forged),
    )
    result = verify(client, as_role)
    assert (result["ok"], result["first_bad_sequence"]) == (False, 4)
    assert result["problem"] == "the entry does not match its digest"


def test_an_edited_actor_is_found(
    app: FastAPI, client: TestClient, as_role: Any, history: str
) -> None:
    sql(app, "UPDATE audit_log SET actor = 'admin:someone-else' WHERE sequence = 2")
    result = verify(client, as_role)
    assert (result["ok"], result["first_bad_sequence"], result["problem"]) == (
        False,
        2,
        "the entry does not match its digest",
    )


def test_a_deleted_entry_is_found(
    app: FastAPI, client: TestClient, as_role: Any, history: str
) -> None:
    sql(app, "DELETE FROM audit_log WHERE sequence = 3")
    result = verify(client, as_role)
    assert (result["ok"], result["entries"], result["first_bad_sequence"], result["problem"]) == (
        False,
        2,
        4,
        "entry 3 is missing",
    )


def test_a_cut_tail_is_found(app: FastAPI, client: TestClient, as_role: Any, history: str) -> None:
    sql(app, "DELETE FROM audit_log WHERE sequence = 5")
    result = verify(client, as_role)
    assert (result["ok"], result["entries"], result["first_bad_sequence"], result["problem"]) == (
        False,
        4,
        5,
        "entries after 4 are missing",
    )


def test_two_swapped_entries_are_found(
    app: FastAPI, client: TestClient, as_role: Any, history: str
) -> None:
    columns = (
        "recorded_at",
        "actor",
        "action",
        "payload",
        "payload_digest",
        "previous_digest",
        "entry_digest",
    )
    with app.state.store.engine.begin() as connection:
        rows = {
            r.sequence: r
            for r in connection.execute(
                text(
                    f"SELECT sequence, {', '.join(columns)} FROM audit_log WHERE sequence IN (2, 3)"
                )
            )
        }
        assignments = ", ".join(f"{c} = :{c}" for c in columns)
        for target, source in ((2, 3), (3, 2)):
            values = {c: getattr(rows[source], c) for c in columns}
            connection.execute(
                text(f"UPDATE audit_log SET {assignments} WHERE sequence = :sequence"),
                {**values, "sequence": target},
            )
    result = verify(client, as_role)
    assert (result["ok"], result["entries"], result["first_bad_sequence"]) == (False, 1, 2)
    assert result["problem"] == "the entry does not follow the previous entry"


def test_the_log_pages(client: TestClient, as_role: Any, history: str) -> None:
    response = client.get("/audit", params={"offset": 1, "limit": 2}, headers=as_role(Role.ADMIN))
    assert response.status_code == 200
    body = response.json()
    assert body["total"] == 5
    assert [e["sequence"] for e in body["items"]] == [2, 3]


@pytest.mark.parametrize("role", [Role.ALLOCATOR, Role.REVIEWER, Role.ANALYST])
def test_only_auditors_and_admins_read_the_log(
    client: TestClient, as_role: Any, role: Role
) -> None:
    for url in ("/audit", "/audit/verify"):
        response = client.get(url, headers=as_role(role))
        assert response.status_code == 403
        assert response.json() == {"detail": "Not permitted for this role"}
    assert client.get("/audit/verify", headers=as_role(Role.ADMIN)).status_code == 200
    assert client.get("/audit").status_code == 401


def test_append_is_part_of_the_callers_transaction(
    app: FastAPI, client: TestClient, as_role: Any
) -> None:
    """Another module's decision that rolls back leaves no entry behind."""
    with app.state.store.sessions() as session:
        with pytest.raises(RuntimeError), db.writing(session):
            audit.append(session, "reviewer:desk", "transfer.decided", {"request": "T1"})
            raise RuntimeError("the decision failed")
        with db.writing(session):
            entry = audit.append(session, "reviewer:desk", "transfer.decided", {"request": "T2"})
    assert entry.sequence == 2
    logged = entries(client, as_role)
    assert [e["payload"] for e in logged[1:]] == [{"request": "T2"}]
    assert verify(client, as_role)["ok"] is True
