"""POST /benchmarks, GET /benchmarks[/{job_id}], GET /benchmarks/{job_id}/report: policy
benchmarks as background jobs with stored progress, and their reports.

Runs are kept small (one seed, a week or two of small batches). Where a test must see a job
while it runs, the real `run_benchmark` is wrapped so that it pauses at its first progress step
until the test lets it go: events, not clocks.
"""

from __future__ import annotations

import hashlib
import threading
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

import optimizer.policies.simulate
from api.auth import Role
from api.services.benchmark_runner import STOPPED_MESSAGE

SMALL = {"seeds": 1, "weeks": 2, "batch": 40, "mode": "flow"}
MERGE = {"name": "merged", "merge": [{"levels": ["medium", "maximum"]}]}
WAIT_S = 120.0
"""A bound on waiting for a background job, so that a broken job fails the test, not hangs it."""


class Gate:
    """Pauses the wrapped benchmark at its first progress step until `release`."""

    def __init__(self) -> None:
        self.reached = threading.Event()
        self.released = threading.Event()
        self.first: tuple[float, str] | None = None

    def release(self) -> None:
        self.released.set()


@pytest.fixture
def gate(monkeypatch: pytest.MonkeyPatch) -> Iterator[Gate]:
    real = optimizer.policies.run_benchmark
    gate = Gate()

    def paused(*args: Any, progress: Any = None, **kwargs: Any) -> Any:
        def report(fraction: float, message: str) -> None:
            progress(fraction, message)
            if gate.first is None:
                gate.first = (fraction, message)
                gate.reached.set()
                assert gate.released.wait(WAIT_S)

        return real(*args, progress=report, **kwargs)

    monkeypatch.setattr(optimizer.policies, "run_benchmark", paused)
    yield gate
    gate.release()


def start(client: TestClient, as_role: Any, **body: Any) -> Any:
    return client.post("/benchmarks", json=body, headers=as_role(Role.ANALYST))


def job(client: TestClient, as_role: Any, job_id: str) -> dict[str, Any]:
    response = client.get(f"/benchmarks/{job_id}", headers=as_role(Role.ANALYST))
    assert response.status_code == 200
    return dict(response.json())


def finish(app: FastAPI, job_id: str) -> None:
    app.state.benchmarks.wait(uuid.UUID(job_id), WAIT_S)


def report(client: TestClient, as_role: Any, job_id: str, **params: str) -> Any:
    return client.get(f"/benchmarks/{job_id}/report", params=params, headers=as_role(Role.ANALYST))


def test_a_job_is_queued_runs_with_progress_and_reports(
    app: FastAPI, client: TestClient, as_role: Any, gate: Gate
) -> None:
    response = start(client, as_role, policies=["baseline", MERGE], **SMALL)
    assert response.status_code == 202
    created = response.json()
    job_id = created["job_id"]
    assert response.headers["location"] == f"/benchmarks/{job_id}"
    assert (created["status"], created["progress"], created["created_by"]) == (
        "queued",
        0.0,
        "analyst:analyst-desk",
    )
    assert created["request"]["policies"] == ["baseline", MERGE]

    assert gate.reached.wait(WAIT_S)
    running = job(client, as_role, job_id)
    assert gate.first == (0.0, "flow: baseline, seed 0")
    assert (running["status"], running["progress"], running["message"]) == (
        "running",
        0.0,
        "flow: baseline, seed 0",
    )
    assert running["started_at"] is not None
    assert report(client, as_role, job_id).json() == {"detail": "Benchmark not finished"}
    assert report(client, as_role, job_id).status_code == 409

    gate.release()
    finish(app, job_id)
    done = job(client, as_role, job_id)
    assert (done["status"], done["progress"]) == ("done", 1.0)
    assert done["message"].startswith("Report written; without a lawful place (mean over seeds): ")
    assert len(done["message"]) <= 300
    assert done["finished_at"] is not None

    markdown = report(client, as_role, job_id)
    assert markdown.status_code == 200
    assert markdown.headers["content-type"] == "text/markdown; charset=utf-8"
    assert markdown.text.startswith("# Policy benchmark")
    assert "**merged**" in markdown.text
    assert done["report_digest"] == hashlib.sha256(markdown.text.encode()).hexdigest()
    html = report(client, as_role, job_id, format="html")
    assert html.headers["content-type"].startswith("text/html")
    assert html.text.startswith("<!DOCTYPE html>")
    metrics = report(client, as_role, job_id, format="json").json()
    assert metrics["job_id"] == job_id
    assert {(m["mode"], m["policy"], m["seed"]) for m in metrics["metrics"]} == {
        ("flow", "baseline", 0),
        ("flow", "merged", 0),
    }
    assert {e["policy"] for e in metrics["effects"]} == {"merged"}
    assert {s["metric"] for s in metrics["summary"]} >= {"home_share", "mean_km"}
    assert list(metrics)[1:3] == ["unplaced", "unplaced_by_group"], "who is unplaced comes first"
    assert {(u["mode"], u["policy"]) for u in metrics["unplaced"]} == {
        ("flow", "baseline"),
        ("flow", "merged"),
    }
    assert markdown.text.index("Who is left without a lawful place") < markdown.text.index(" km")


def test_the_report_stays_in_the_services_data_directory(
    app: FastAPI, client: TestClient, as_role: Any, settings: Any
) -> None:
    job_id = start(client, as_role, policies=["baseline"], **SMALL).json()["job_id"]
    finish(app, job_id)
    folder = settings.service_data_dir / "benchmarks" / job_id
    assert (folder / "index.md").read_text(encoding="utf-8") == report(client, as_role, job_id).text
    assert {p.name for p in folder.iterdir()} >= {"index.md", "index.html", "metrics.csv"}


def test_a_job_waits_its_turn(app: FastAPI, client: TestClient, as_role: Any, gate: Gate) -> None:
    first = start(client, as_role, policies=["baseline"], **SMALL).json()["job_id"]
    assert gate.reached.wait(WAIT_S)
    second = start(client, as_role, policies=["single-cell"], **SMALL).json()["job_id"]
    assert job(client, as_role, second)["status"] == "queued"
    assert report(client, as_role, second).json() == {"detail": "Benchmark not finished"}
    listed = client.get("/benchmarks", headers=as_role(Role.ADMIN)).json()
    assert [j["job_id"] for j in listed["items"]] == [second, first]
    gate.release()
    finish(app, second)
    assert [job(client, as_role, j)["status"] for j in (first, second)] == ["done", "done"]


def test_both_modes_over_the_stored_population(
    app: FastAPI, client: TestClient, as_role: Any
) -> None:
    job_id = start(
        client, as_role, policies=["baseline", "merge-medium-maximum"], seeds=1, weeks=1, batch=20
    ).json()["job_id"]
    finish(app, job_id)
    assert job(client, as_role, job_id)["status"] == "done"
    metrics = report(client, as_role, job_id, format="json").json()["metrics"]
    steady = [m for m in metrics if m["mode"] == "steady-state"]
    assert {m["policy"] for m in steady} == {"baseline", "merge-medium-maximum"}
    total = sum(
        f["occupied"] for f in client.get("/facilities", headers=as_role(Role.ADMIN)).json()
    )
    assert all(m["placed"] + m["unplaced"] == total for m in steady)
    assert (
        "population: today's population (population file)" in report(client, as_role, job_id).text
    )


def test_a_failing_job_is_failed_and_audited(
    app: FastAPI, client: TestClient, as_role: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_: Any, **__: Any) -> Any:
        raise RuntimeError("C000001 broke it")

    monkeypatch.setattr(optimizer.policies, "run_benchmark", broken)
    job_id = start(client, as_role, policies=["baseline"], **SMALL).json()["job_id"]
    finish(app, job_id)
    failed = job(client, as_role, job_id)
    assert (failed["status"], failed["message"]) == (
        "failed",
        "The benchmark failed (RuntimeError)",
    )
    assert (
        report(client, as_role, job_id).status_code,
        report(client, as_role, job_id).json(),
    ) == (
        409,
        {"detail": "Benchmark failed"},
    )
    entries = client.get("/audit", params={"limit": 1000}, headers=as_role(Role.AUDITOR)).json()
    actions = [e["action"] for e in entries["items"]]
    assert actions[-2:] == ["benchmark.requested", "benchmark.failed"]
    assert "C000001" not in str(entries)
    assert client.get("/audit/verify", headers=as_role(Role.AUDITOR)).json()["ok"] is True


def test_stopping_the_service_stops_a_running_job(
    app: FastAPI, client: TestClient, as_role: Any, gate: Gate
) -> None:
    job_id = start(client, as_role, policies=["baseline", MERGE], **SMALL).json()["job_id"]
    queued = start(client, as_role, policies=["baseline"], **SMALL).json()["job_id"]
    assert gate.reached.wait(WAIT_S)
    runner = app.state.benchmarks
    closing = threading.Thread(target=runner.close)
    closing.start()
    while not runner.stopping:
        closing.join(0.01)
    gate.release()
    closing.join(WAIT_S)
    assert not closing.is_alive()
    for stopped in (job_id, queued):
        assert (
            job(client, as_role, stopped)["status"],
            job(client, as_role, stopped)["message"],
        ) == (
            "failed",
            STOPPED_MESSAGE,
        )


@pytest.mark.parametrize(
    ("policies", "problems"),
    [
        (
            ["baseline", "no-such-policy"],
            [
                {
                    "file": "request",
                    "row": None,
                    "column": "policies[1]",
                    "message": "unknown policy 'no-such-policy'; expected one of baseline, "
                    "merge-maximum-extreme, merge-medium-maximum-single-cell, "
                    "merge-medium-maximum, single-cell",
                }
            ],
        ),
        (
            [{"merge": [{"levels": ["medium"]}], "close": ["F999"]}],
            [
                {
                    "file": "policies[0]",
                    "row": None,
                    "column": "close[0]",
                    "message": "unknown facility id 'F999'",
                },
                {
                    "file": "policies[0]",
                    "row": None,
                    "column": "merge[0].levels",
                    "message": "must name at least two different levels",
                },
            ],
        ),
        (
            ["baseline", {"name": "baseline"}],
            [
                {
                    "file": "request",
                    "row": None,
                    "column": "policies[1]",
                    "message": (
                        "the policy changes nothing; name the bundled policy 'baseline' to "
                        "compare with today"
                    ),
                },
                {
                    "file": "request",
                    "row": None,
                    "column": "policies",
                    "message": "policy name 'baseline' is repeated",
                },
            ],
        ),
    ],
)
def test_bad_policies_are_422_with_every_problem(
    client: TestClient, as_role: Any, policies: list[Any], problems: list[dict[str, Any]]
) -> None:
    response = start(client, as_role, policies=policies, **SMALL)
    assert (response.status_code, response.json()) == (422, {"detail": problems})
    assert client.get("/benchmarks", headers=as_role(Role.ANALYST)).json()["total"] == 0


@pytest.mark.parametrize(
    ("body", "column"),
    [
        ({"policies": []}, "policies"),
        ({"policies": ["baseline"], "seeds": 0}, "seeds"),
        ({"policies": ["baseline"], "mode": "sideways"}, "mode"),
        ({"policies": [{"name": "bad\x00name"}]}, "policies"),
    ],
)
def test_bad_settings_are_422(
    client: TestClient, as_role: Any, body: dict[str, Any], column: str
) -> None:
    response = start(client, as_role, **body)
    assert response.status_code == 422
    assert {(p["file"], p["column"]) for p in response.json()["detail"]} == {("request", column)}


def test_an_unknown_job_is_404(client: TestClient, as_role: Any) -> None:
    unknown = "00000000-0000-4000-8000-000000000000"
    for url in (f"/benchmarks/{unknown}", f"/benchmarks/{unknown}/report"):
        response = client.get(url, headers=as_role(Role.ANALYST))
        assert (response.status_code, response.json()) == (404, {"detail": "Benchmark not found"})


@pytest.mark.parametrize("role", [Role.ALLOCATOR, Role.REVIEWER, Role.AUDITOR])
def test_only_analysts_and_admins_run_and_read_benchmarks(
    client: TestClient, as_role: Any, role: Role
) -> None:
    unknown = "00000000-0000-4000-8000-000000000000"
    for response in (
        client.post("/benchmarks", json={"policies": ["baseline"]}, headers=as_role(role)),
        client.get("/benchmarks", headers=as_role(role)),
        client.get(f"/benchmarks/{unknown}", headers=as_role(role)),
        client.get(f"/benchmarks/{unknown}/report", headers=as_role(role)),
    ):
        assert (response.status_code, response.json()) == (
            403,
            {"detail": "Not permitted for this role"},
        )
    assert client.get("/benchmarks").status_code == 401


@pytest.mark.parametrize(
    ("policy", "column", "message"),
    [
        (
            {"name": "too-big", "capacity": [{"factor": 1e308, "levels": ["maximum"]}]},
            "policies[0].capacity",
            "the policy gives a facility more than 100000 places",
        ),
        (
            {"name": "tenfold", "capacity": [{"factor": 1000, "levels": ["medium"]}]},
            "policies[0].capacity",
            "the policy gives a facility more than 100000 places",
        ),
        (
            {},
            "policies[0]",
            "the policy changes nothing; name the bundled policy 'baseline' to compare with today",
        ),
        (
            {"name": "nothing"},
            "policies[0]",
            "the policy changes nothing; name the bundled policy 'baseline' to compare with today",
        ),
    ],
)
def test_a_policy_that_cannot_run_is_refused_when_submitted(
    client: TestClient, as_role: Any, policy: dict[str, Any], column: str, message: str
) -> None:
    response = start(client, as_role, policies=[policy], **SMALL)
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {"file": "request", "row": None, "column": column, "message": message}
    ]
    assert client.get("/benchmarks", headers=as_role(Role.ANALYST)).json()["total"] == 0
