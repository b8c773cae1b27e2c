"""The analysts' screens: start a benchmark, follow its progress, read and download its
report."""

from __future__ import annotations

import re
import time
from collections.abc import Callable

from fastapi.testclient import TestClient

from api.auth import Role
from tests.api.console.conftest import form_token

SMALL = {"policies": ["baseline"], "seeds": "1", "weeks": "2", "batch": "40", "mode": "flow"}


def start(client: TestClient, **fields: object) -> TestClient:
    token = form_token(client.get("/console/benchmarks/new").text)
    return client.post("/console/benchmarks", data={"csrf": token, **SMALL, **fields})  # type: ignore[return-value,arg-type]


def wait_until_done(client: TestClient, path: str, timeout_s: float = 300) -> str:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        fragment = client.get(path, headers={"HX-Request": "true"}).text
        if "<strong>finished</strong>" in fragment or "<strong>failed</strong>" in fragment:
            return fragment
        time.sleep(0.5)
    raise AssertionError("the benchmark did not finish")


def test_a_benchmark_runs_with_progress_and_opens_its_report(
    browser: Callable[[Role], TestClient],
) -> None:
    client = browser(Role.ANALYST)
    page = start(client)
    path = page.url.path
    assert re.fullmatch(r"/console/benchmarks/[0-9a-f-]{36}", path)
    assert "<progress" in page.text
    fragment = wait_until_done(client, path)
    assert "<html" not in fragment and "<strong>finished</strong>" in fragment
    report_page = client.get(path)
    assert '<iframe class="report"' in report_page.text
    report = client.get(f"{path}/report/index.html")
    assert report.status_code == 200 and "<h1>" in report.text
    csv = client.get(f"{path}/report/metrics_summary.csv")
    assert csv.status_code == 200 and "attachment" in csv.headers["content-disposition"]
    assert client.get(f"{path}/report/..%2F..%2Fsecret").status_code == 404
    assert path in client.get("/console/benchmarks").text
    client.get("/console/language?lang=kk")
    assert f"{path}/report/index.kk.html" in client.get(path).text, "the report in Kazakh"
    kazakh = client.get(f"{path}/report/index.kk.html")
    assert kazakh.status_code == 200 and '<html lang="kk">' in kazakh.text
    assert "Заңды орынсыз кім қалады" in kazakh.text, "who is left unplaced comes first"


def test_a_bad_request_is_answered_with_its_problems(browser: Callable[[Role], TestClient]) -> None:
    page = start(browser(Role.ANALYST), seeds="0")
    assert page.status_code == 422
    assert "seeds" in page.text


def test_only_analysts_and_admins_run_benchmarks(browser: Callable[[Role], TestClient]) -> None:
    assert browser(Role.REVIEWER).get("/console/benchmarks").status_code == 403
