"""GET /audit/verify against an attacker who can rewrite the database: the chain is compared
with signed checkpoints kept outside it, and the state with what the log derives."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.engine import make_url

from api import canonical
from api.audit import entry_digest
from api.settings import Settings
from tests.api.routes.test_audit import entries, history, sql, verify

__all__ = ["history"]


def rewind_head(app: FastAPI, sequence: int) -> None:
    """What a careful attacker does after cutting the tail: the head row names the new end."""
    with app.state.store.engine.begin() as connection:
        digest = connection.execute(
            text("SELECT entry_digest FROM audit_log WHERE sequence = :s"), {"s": sequence}
        ).scalar_one()
        connection.execute(
            text("UPDATE audit_head SET sequence = :s, entry_digest = :d"),
            {"s": sequence, "d": digest},
        )


def test_a_cut_tail_with_a_rewound_head_is_missing_entries(
    app: FastAPI, client: TestClient, as_role: Any, history: str
) -> None:
    sql(app, "DELETE FROM audit_log WHERE sequence > 3")
    rewind_head(app, 3)
    result = verify(client, as_role)
    assert (result["ok"], result["entries"], result["first_bad_sequence"], result["problem"]) == (
        False,
        3,
        4,
        "entries after 3 are missing",
    )


def test_a_last_entry_rewritten_with_fresh_digests_differs_from_its_checkpoint(
    app: FastAPI, client: TestClient, as_role: Any, history: str
) -> None:
    last = entries(client, as_role)[-1]
    forged = canonical.json_text({**last["payload"], "placed": 0})
    payload_digest = canonical.sha256(forged)
    digest = entry_digest(
        sequence=last["sequence"],
        recorded_at=last["recorded_at"],
        actor=last["actor"],
        action=last["action"],
        payload_digest=payload_digest,
        previous_digest=last["previous_digest"],
    )
    sql(
        app,
        "UPDATE audit_log SET payload = :p, payload_digest = :pd, entry_digest = :d"
        " WHERE sequence = :s",
        p=forged,
        pd=payload_digest,
        d=digest,
        s=last["sequence"],
    )
    sql(app, "UPDATE audit_head SET entry_digest = :d", d=digest)
    result = verify(client, as_role)
    assert (result["ok"], result["first_bad_sequence"], result["problem"]) == (
        False,
        5,
        "entry 5 differs from its signed checkpoint",
    )
    assert result["anchored_sequence"] == 4


def test_a_database_restored_from_an_older_copy_is_missing_entries(
    tmp_path: Path,
    settings: Settings,
    app: FastAPI,
    client: TestClient,
    as_role: Any,
    submit: Any,
    batch: list[dict[str, Any]],
) -> None:
    if settings.database_url.startswith("sqlite"):
        path = Path(str(make_url(settings.database_url).database))
        backup = tmp_path / "backup.sqlite3"
        assert submit(batch[:5]).status_code == 201
        app.state.store.engine.dispose()
        shutil.copyfile(path, backup)
        assert submit(batch[5:10]).status_code == 201
        assert submit(batch[10:15]).status_code == 201
        app.state.store.engine.dispose()
        shutil.copyfile(backup, path)
        for suffix in ("-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    else:  # a PostgreSQL restore as the store sees it: the later rows were never written
        assert submit(batch[:5]).status_code == 201
        assert submit(batch[5:10]).status_code == 201
        assert submit(batch[10:15]).status_code == 201
        sql(
            app,
            "DELETE FROM placements WHERE run_id IN (SELECT run_id FROM runs)"
            " AND run_id NOT IN (SELECT run_id FROM runs ORDER BY created_at LIMIT 1)",
        )
        sql(
            app,
            "DELETE FROM run_facilities WHERE run_id NOT IN"
            " (SELECT run_id FROM runs ORDER BY created_at LIMIT 1)",
        )
        sql(
            app,
            "DELETE FROM runs WHERE run_id NOT IN"
            " (SELECT run_id FROM (SELECT run_id FROM runs ORDER BY created_at LIMIT 1) AS f)",
        )
        sql(app, "DELETE FROM audit_log WHERE sequence > 2")
        rewind_head(app, 2)
    result = verify(client, as_role)
    assert (result["ok"], result["entries"], result["problem"]) == (
        False,
        2,
        "entries after 2 are missing",
    )


@pytest.mark.parametrize(
    ("statement", "problem"),
    [
        (
            "UPDATE facilities SET occupied = occupied + 1 WHERE facility_id = 'F001'",
            "facility F001 has occupancy",
        ),
        (
            "UPDATE facilities SET capacity = capacity + 50 WHERE facility_id = 'F002'",
            "facility F002 has capacity",
        ),
        ("UPDATE runs SET status = 'committed' WHERE status = 'solved'", "is committed in the"),
        ("UPDATE runs SET status = 'solved' WHERE status = 'committed'", "is committed in the"),
        ("UPDATE runs SET placed = placed - 1 WHERE status = 'committed'", "places"),
        (
            "UPDATE placements SET facility_id = 'F001' WHERE position = 2",
            "differ from those the log recorded",
        ),
        (
            "UPDATE placements SET explanation = REPLACE(explanation, 'a', 'o') WHERE position = 3",
            "differ from those the log recorded",
        ),
    ],
)
def test_a_direct_edit_of_the_state_is_found(
    app: FastAPI, client: TestClient, as_role: Any, history: str, statement: str, problem: str
) -> None:
    assert verify(client, as_role)["ok"] is True
    sql(app, statement)
    result = verify(client, as_role)
    assert result["ok"] is False
    assert result["state_checked"] is True
    assert result["problem"] is None
    assert any(problem in p for p in result["state_problems"]), result["state_problems"]


def test_an_edited_checkpoint_line_is_found(
    settings: Settings, client: TestClient, as_role: Any, history: str
) -> None:
    _key, checkpoints = settings.audit_paths()
    lines = checkpoints.read_text().splitlines()
    # entries 2 to 5, and the seed entry where the store was seeded with this anchor
    assert len(lines) in (4, 5)
    [number] = [i for i, line in enumerate(lines) if '"sequence":3,' in line]
    lines[number] = lines[number].replace('"sequence":3,', '"sequence":30,')
    checkpoints.write_text("\n".join(lines) + "\n")
    result = verify(client, as_role)
    assert (result["ok"], result["problem"]) == (
        False,
        f"line {number + 1} of the checkpoint file is not a signed checkpoint",
    )


def test_the_key_stays_outside_the_store(app: FastAPI, settings: Settings, history: str) -> None:
    key_path, _ = settings.audit_paths()
    key = key_path.read_text().strip()
    assert len(bytes.fromhex(key)) == 32
    assert key_path.stat().st_mode & 0o077 == 0
    with app.state.store.engine.connect() as connection:
        for (payload,) in connection.execute(text("SELECT payload FROM audit_log")):
            assert key not in payload
