"""Capture every command's output on the bundled data and a scripted session of API responses.

`python -m tests.golden.capture OUT` writes one file per output into OUT; the golden test
compares a fresh capture with the committed one in `tests/golden/expected/`, so a change of
behaviour shows as a readable diff. Volatile values (run ids, timestamps, tokens, digests, time
figures) are replaced by placeholders first.
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path
from typing import Any

VOLATILE = [
    (re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"), "<uuid>"),
    (re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d+)?(\+00:00|Z)?"), "<time>"),
    (re.compile(r"\b[0-9a-f]{64}\b"), "<digest>"),
    (
        re.compile(
            r"(\"(?:solve_time_s|elapsed_s|seconds|duration_s|time_s)\": )"
            r"[0-9.e-]+"
        ),
        r"\1<s>",
    ),
    (re.compile(r"in \d+(\.\d+)? s\b"), "in <s> s"),
]

CLI_RUNS: list[tuple[str, list[str]]] = [
    ("cohort", ["generate-cohort", "--size", "400", "--seed", "3", "--out", "{tmp}/new.csv"]),
    (
        "allocate",
        [
            "allocate",
            "--convicts",
            "{tmp}/new.csv",
            "--out",
            "{tmp}/placements.csv",
            "--explain",
            "{tmp}/explanations.jsonl",
            "--summary-json",
            "{tmp}/summary.json",
        ],
    ),
    (
        "allocate-home-first-rail",
        [
            "allocate",
            "--convicts",
            "{tmp}/new.csv",
            "--out",
            "{tmp}/placements-hf.csv",
            "--objective",
            "home-first",
            "--distance",
            "rail",
        ],
    ),
    (
        "explain-en",
        [
            "explain",
            "--convicts",
            "{tmp}/new.csv",
            "--placements",
            "{tmp}/placements.csv",
            "--convict",
            "C000007",
        ],
    ),
    (
        "explain-ru",
        [
            "explain",
            "--convicts",
            "{tmp}/new.csv",
            "--placements",
            "{tmp}/placements.csv",
            "--convict",
            "C000011",
            "--lang",
            "ru",
        ],
    ),
    (
        "explain-json",
        [
            "explain",
            "--convicts",
            "{tmp}/new.csv",
            "--placements",
            "{tmp}/placements.csv",
            "--convict",
            "C000019",
            "--json",
        ],
    ),
    ("review-en", ["transfer", "review", "--convict", "P001092"]),
    ("review-ru", ["transfer", "review", "--convict", "P006585", "--lang", "ru"]),
    ("review-json", ["transfer", "review", "--convict", "P000500", "--json"]),
    (
        "campaign",
        ["transfers", "optimise", "--out", "{tmp}/moves.csv", "--json", "{tmp}/campaign.json"],
    ),
    (
        "benchmark",
        [
            "benchmark",
            "data/policies/baseline.toml",
            "data/policies/merge-medium-maximum.toml",
            "--out",
            "{tmp}/report",
            "--seeds",
            "2",
            "--weeks",
            "3",
            "--no-figures",
        ],
    ),
    ("bad-input", ["allocate", "--convicts", "{tmp}/bad.csv", "--out", "{tmp}/never.csv"]),
]

ENTRY = "import sys; from cli.main import main; sys.exit(main())"
OUTPUT_FILES = [
    "report/index.md",
    "new.csv",
    "placements.csv",
    "explanations.jsonl",
    "summary.json",
    "placements-hf.csv",
    "moves.csv",
    "campaign.json",
]


def scrub(text: str) -> str:
    for pattern, placeholder in VOLATILE:
        text = pattern.sub(placeholder, text)
    return text


def capture_cli(out: Path, tmp: Path) -> None:
    (tmp / "bad.csv").write_text(
        "convict_id,sex,age,security_level,home_region\nC1,X,30,medium,KZ-75\nC1,M,200,medium,KZ-99\n"
    )
    for name, args in CLI_RUNS:
        argv = [a.replace("{tmp}", str(tmp)) for a in args]
        done = subprocess.run(
            [
                sys.executable,
                "-c",
                ENTRY,
                *argv,
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        stderr = "\n".join(line for line in done.stderr.splitlines() if not line.startswith("\r"))
        text = f"exit {done.returncode}\n--- stdout\n{done.stdout}--- stderr\n{stderr}\n"
        (out / f"cli-{name}.txt").write_text(scrub(text.replace(str(tmp), "<tmp>")))
    for file in OUTPUT_FILES:
        (out / f"file-{file.replace('/', '-')}").write_text(scrub((tmp / file).read_text()))


def capture_api(out: Path, tmp: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient

    from api.app import create_app
    from api.settings import Settings
    from tests.api.conftest import cohort_records

    app = create_app(
        Settings(
            database_url=f"sqlite:///{tmp / 'golden.sqlite3'}",
            service_data_dir=tmp / "service-data",
        )
    )
    record: list[str] = []
    try:
        with TestClient(app) as client:
            _api_session(client, app, record)
    finally:
        app.state.benchmarks.close()
        app.state.store.close()
    (out / "api-session.txt").write_text(scrub("\n".join(record) + "\n"))
    del cohort_records


def _api_session(client: Any, app: Any, record: list[str]) -> None:
    from api.auth import Role, create_token
    from api.db import writing
    from tests.api.conftest import cohort_records

    with app.state.store.sessions() as session, writing(session):
        tokens = {r: create_token(session=session, role=r, name=f"{r.value}-desk") for r in Role}

    def call(method: str, url: str, role: Role | None = Role.ADMIN, **kw: Any) -> Any:
        headers = {"Authorization": f"Bearer {tokens[role]}"} if role else {}
        response = client.request(method, url, headers=headers, **kw)
        try:
            body: Any = response.json()
            shown = json.dumps(body, ensure_ascii=False, indent=1, sort_keys=True)
        except ValueError:
            body, shown = None, response.text
        record.append(f"### {method} {url} -> {response.status_code}\n{shown}")
        return body

    call("GET", "/health", None)
    call("GET", "/regions", None)
    call("GET", "/regions")
    call("GET", "/facilities/F001")
    call("GET", "/facilities/F999")
    run = call("POST", "/runs", Role.ALLOCATOR, json={"convicts": cohort_records(120, seed=5)})
    run_id = run["run_id"] if isinstance(run, dict) and "run_id" in run else run.get("id")
    call("GET", f"/runs/{run_id}/placements?limit=5", Role.AUDITOR)
    call("GET", f"/runs/{run_id}/placements?region=KZ-75&limit=3", Role.AUDITOR)
    first = cohort_records(120, seed=5)[0]["convict_id"]
    call("GET", f"/runs/{run_id}/placements/{first}/explanation?lang=ru", Role.REVIEWER)
    call("POST", f"/runs/{run_id}/commit", Role.ALLOCATOR)
    call("POST", f"/runs/{run_id}/commit", Role.ALLOCATOR)
    call("POST", "/runs", Role.ALLOCATOR, json={"convicts": [{"convict_id": "X"}]})
    call("POST", "/runs", Role.REVIEWER, json={"convicts": cohort_records(3)})
    call(
        "POST",
        "/transfer-requests",
        Role.REVIEWER,
        json={"convict_id": "P001092", "target_region": None, "received": "2026-01-05"},
    )
    call(
        "POST",
        "/transfer-requests",
        Role.REVIEWER,
        json={"convict_id": "P006585", "received": "2026-01-05"},
    )
    call("GET", "/transfer-requests", Role.AUDITOR)
    call("POST", "/transfer-campaigns", Role.ANALYST, json={})
    call("PATCH", "/facilities/F080", Role.ADMIN, json={"occupied": 3, "reason": "count"})
    call("GET", "/audit?limit=50", Role.AUDITOR)
    call("GET", "/audit/verify", Role.AUDITOR)


LARGE_BYTES = 100_000
"""Outputs larger than this are kept as their SHA-256 digest, not their text."""


def capture(out: Path, *, full: bool = False) -> None:
    """Write every output into `out`; large ones as `<name>.sha256` unless `full`."""
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        capture_cli(out, tmp)
        capture_api(out, tmp)
    for path in sorted(out.iterdir()):
        if not full and path.stat().st_size > LARGE_BYTES:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            path.with_name(path.name + ".sha256").write_text(digest + "\n")
            path.unlink()


def main() -> None:
    capture(Path(sys.argv[1]), full="--full" in sys.argv[2:])


if __name__ == "__main__":
    main()
