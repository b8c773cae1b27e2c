"""The placement service over HTTP, with 1 and 2 worker processes, measured by `wrk`.

For each worker count, starts `placement serve` on 127.0.0.1 over a temporary SQLite store and
1. submits a weekly batch (2,000 convicts) once, timed end to end beside the engine's own solve
   and explain_all in this process;
2. submits runs of 200 convicts from 1 and from 10 concurrent clients (p50 / p99, runs/s);
3. reads explanations with `wrk` at 1, 10 and 50 connections (p50 / p99, requests/s): a load
   generator in C, because Python client threads share the two cores with the server and hide
   its real figures;
4. submits a 50,000-convict run and reports the peak resident memory (VmHWM) of the worker
   processes.

`wrk` is installed with apt-get when missing and run as root; otherwise the script says what
to install and stops.

    python benchmarks/service.py [--workers 1,2] [--size 2000] [--submit-size 200]
        [--big 50000] [--seed 1] [--cases]

Batches carry no co-defendants unless `--cases` is given: the figures are then the service's
own (validation, min-cost flow, explanations, storage, HTTP), not the integer model's.
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CONNECTIONS = (1, 10, 50)
SUBMITTERS = (1, 10)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--workers", default="1,2", help="worker counts to compare")
    parser.add_argument("--size", type=int, default=2000, help="convicts in the weekly batch")
    parser.add_argument("--submit-size", type=int, default=200, help="convicts per submission")
    parser.add_argument("--big", type=int, default=50_000, help="convicts in the memory run")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--cases",
        action="store_true",
        help="keep co-defendants (their integer model then dominates every solve)",
    )
    args = parser.parse_args()
    if not ensure_wrk():
        return 2
    batch = cohort(args.size, args.seed, cases=args.cases)
    engine_solve_s, engine_explain_s, method = engine_times(batch)
    rows: list[tuple[str, str, str]] = [
        ("engine: solve + explain_all", f"{engine_solve_s + engine_explain_s:.3f} s", method)
    ]
    for workers in [int(w) for w in args.workers.split(",")]:
        with tempfile.TemporaryDirectory(prefix="placement-bench-") as folder:
            rows += measure(Path(folder), workers, batch, args)
    print_table(rows)
    return 0


def ensure_wrk() -> bool:
    if shutil.which("wrk"):
        return True
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("installing wrk (apt-get install wrk) ...", file=sys.stderr)
        subprocess.run(["apt-get", "update", "-q"], capture_output=True, check=False)
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], capture_output=True, check=False)
        if shutil.which("wrk"):
            return True
    print(
        "benchmarks/service.py needs the load generator wrk: install it with "
        "`sudo apt-get install wrk` (Debian/Ubuntu) or `brew install wrk`, then run again",
        file=sys.stderr,
    )
    return False


def measure(
    folder: Path, workers: int, batch: list[dict[str, Any]], args: argparse.Namespace
) -> list[tuple[str, str, str]]:
    rows: list[tuple[str, str, str]] = []
    tag = f"{workers} worker{'s' if workers > 1 else ''}"
    with serve(folder, workers) as (base, token, server):
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        started = time.perf_counter()
        status, answer = request(base, "POST", "/runs", json.dumps({"convicts": batch}), headers)
        if status != 201:
            raise RuntimeError(f"POST /runs answered {status}: {answer[:300]!r}")
        rows.append(
            (
                f"{tag}: POST /runs, {len(batch):,} convicts",
                f"{time.perf_counter() - started:.2f} s",
                "once",
            )
        )
        run = json.loads(answer)
        for clients in SUBMITTERS:
            rows.append(submissions(base, headers, clients, args, tag))
        paths = [
            f"/runs/{run['run_id']}/placements/{record['convict_id']}/explanation"
            + ("?lang=ru" if i % 2 else "")
            for i, record in enumerate(batch)
        ]
        for connections in CONNECTIONS:
            rows.append(wrk_load(base, headers, paths, connections, folder, tag))
        big = cohort(args.big, args.seed + 1, cases=args.cases)
        started = time.perf_counter()
        status, _ = request(base, "POST", "/runs", json.dumps({"convicts": big}), headers)
        took = time.perf_counter() - started
        peak = max(peak_memory_mb(pid) for pid in worker_pids(server.pid, workers))
        rows.append(
            (
                f"{tag}: POST /runs, {len(big):,} convicts",
                f"{took:.1f} s, peak worker memory {peak:,.0f} MB",
                f"status {status}",
            )
        )
    return rows


def submissions(
    base: tuple[str, int],
    headers: dict[str, str],
    clients: int,
    args: argparse.Namespace,
    tag: str,
) -> tuple[str, str, str]:
    """Each of `clients` threads submits 3 runs of `--submit-size` convicts, one after another."""
    size = args.submit_size
    bodies = [
        json.dumps({"convicts": cohort(size, args.seed + 100 + i, cases=args.cases)})
        for i in range(clients * 3)
    ]
    timings: list[float] = []
    failures = 0
    lock = threading.Lock()

    def client(share: list[str]) -> None:
        nonlocal failures
        for body in share:
            began = time.perf_counter()
            status, _ = request(base, "POST", "/runs", body, headers)
            with lock:
                timings.append(time.perf_counter() - began)
                failures += status != 201

    threads = [threading.Thread(target=client, args=(bodies[i::clients],)) for i in range(clients)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - began
    ms = sorted(t * 1000 for t in timings)
    p99 = ms[min(len(ms) - 1, math.ceil(0.99 * len(ms)) - 1)]
    return (
        f"{tag}: POST /runs ({size} convicts), {clients} client{'s' if clients > 1 else ''}",
        f"{statistics.median(ms):,.0f} / {p99:,.0f} ms",
        f"{len(ms) / wall:.2f} runs/s over {len(ms)} runs"
        + (f", {failures} failed" if failures else ""),
    )


def worker_pids(pid: int, workers: int) -> list[int]:
    """The processes that answer requests: the server itself, or its worker children."""
    if workers == 1:
        return [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [int(c) for c in children] or [pid]


def peak_memory_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cohort(size: int, seed: int, *, cases: bool) -> list[dict[str, Any]]:
    from optimizer.cohort import generate_cohort
    from optimizer.data import read_regions

    table = generate_cohort(size, seed, read_regions())
    if not cases:
        table["case_id"] = ""
    return [
        {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in r.items()}
        for r in table.to_dict(orient="records")
    ]


def engine_times(batch: list[dict[str, Any]]) -> tuple[float, float, str]:
    """The engine alone, in this process: the floor the service adds its work to."""
    from optimizer.allocation import solve
    from optimizer.data import read_facilities, read_regions, records_table, validate_convicts
    from optimizer.explain import explain_all

    regions = read_regions()
    facilities = read_facilities(None, regions)
    cells = [{k: "" if v is None else str(v) for k, v in r.items()} for r in batch]
    convicts = validate_convicts(records_table(cells), regions)
    started = time.perf_counter()
    solution = solve(convicts, facilities)
    solved = time.perf_counter()
    explain_all(solution, regions)
    return solved - started, time.perf_counter() - solved, solution.method


@contextmanager
def serve(
    folder: Path, workers: int
) -> Iterator[tuple[tuple[str, int], str, subprocess.Popen[Any]]]:
    """`placement serve` on a free port over a SQLite file in `folder`, and an allocator token."""
    database_url = f"sqlite:///{folder / 'placement.sqlite3'}"
    command = placement_command()
    token = subprocess.run(
        [
            *command,
            "token",
            "create",
            "--role",
            "allocator",
            "--name",
            "benchmark",
            "--database-url",
            database_url,
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=folder,
    ).stdout.strip()
    port = free_port()
    log = (folder / "server.log").open("w")
    server = subprocess.Popen(
        [
            *command,
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--database-url",
            database_url,
            "--workers",
            str(workers),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=folder,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    base = ("127.0.0.1", port)
    try:
        wait_until_up(base, server)
        yield base, token, server
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def placement_command() -> list[str]:
    installed = Path(sys.executable).parent / "placement"
    return [str(installed)] if installed.exists() else [sys.executable, "-m", "cli.main"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_up(base: tuple[str, int], server: subprocess.Popen[Any]) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("the server exited before answering")
        try:
            if request(base, "GET", "/health", None, {})[0] == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("the server did not answer within 120 s")


def request(
    base: tuple[str, int], method: str, path: str, body: str | None, headers: dict[str, str]
) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection(*base, timeout=600)
    try:
        connection.request(method, path, body=body.encode() if body else None, headers=headers)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def wrk_load(
    base: tuple[str, int],
    headers: dict[str, str],
    paths: list[str],
    connections: int,
    folder: Path,
    tag: str,
) -> tuple[str, str, str]:
    """Explanation reads from `wrk` over keep-alive connections, after a warm-up pass that
    renders every explanation once in each worker's cache (the steady state of reading)."""
    script = folder / "paths.lua"
    quoted = ",".join(json.dumps(p) for p in paths)
    script.write_text(
        f"paths = {{{quoted}}}\n"
        "counter = 0\n"
        "request = function()\n"
        "  counter = counter + 1\n"
        "  return wrk.format('GET', paths[(counter % #paths) + 1])\n"
        "end\n"
    )
    threads = "-t1" if connections == 1 else "-t2"
    target = ["-s", str(script), "-H", f"Authorization: {headers['Authorization']}"]
    target.append(f"http://{base[0]}:{base[1]}")
    subprocess.run(
        ["wrk", threads, f"-c{connections}", "-d3s", *target], capture_output=True, check=True
    )
    done = subprocess.run(
        ["wrk", threads, f"-c{connections}", "-d8s", "--latency", *target],
        capture_output=True,
        text=True,
        check=True,
    )
    out = done.stdout

    def latency(label: str) -> str:
        found = re.search(rf"^\s*{label}\s+([\d.]+)(us|ms|s)\s*$", out, re.MULTILINE)
        if found is None:
            return "?"
        value, unit = float(found.group(1)), found.group(2)
        return f"{value / 1000 if unit == 'us' else value * 1000 if unit == 's' else value:.1f}"

    rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return (
        f"{tag}: explanation reads, {connections} connection{'s' if connections > 1 else ''}",
        f"{latency('50%')} / {latency('99%')} ms",
        f"{float(rate.group(1)) if rate else 0:,.0f} requests/s"
        + (f", {errors.group(1)} errors" if errors else ""),
    )


def print_table(rows: list[tuple[str, str, str]]) -> None:
    widths = [max(len(r[i]) for r in rows) for i in range(2)]
    print(f"{'measure':<{widths[0]}}  {'figure':<{widths[1]}}  note")
    print(f"{'-' * widths[0]}  {'-' * widths[1]}  {'-' * 4}")
    for name, figure, note in rows:
        print(f"{name:<{widths[0]}}  {figure:<{widths[1]}}  {note}")
    print(
        f"\n{os.cpu_count()} cores; SQLite store; wrk and the server on the same machine "
        "(loopback); figures p50 / p99."
    )


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
