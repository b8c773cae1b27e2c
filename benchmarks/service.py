"""The placement service end to end over HTTP: a weekly batch, then explanation reads under load.

Starts `placement serve` (uvicorn) on 127.0.0.1 over a temporary SQLite store, then

1. submits a 2,000-convict batch from `generate_cohort` (POST /runs: validation, solve,
   explanations, storage) and times it end to end, beside the engine's own solve and
   explain_all times in this process, so the service's overhead shows as a ratio;
2. reads explanations of that run from 50 concurrent clients (threads with keep-alive
   connections, a bounded number of requests), reporting p50, p99 and throughput, beside the
   same reads from a single client.

Goals: the batch under 2 s end to end; explanation p99 under 50 ms at 50 concurrent clients.
Client and server share the machine's cores.

    python benchmarks/service.py [--size 2000] [--clients 50] [--requests 2000] [--seed 1]
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import random
import re
import shutil
import socket
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


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", type=int, default=2000, help="convicts in the batch")
    parser.add_argument("--clients", type=int, default=50, help="concurrent explanation readers")
    parser.add_argument(
        "--requests", type=int, default=2000, help="explanation reads in the load test"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=1, help="server worker processes")
    parser.add_argument(
        "--no-cases",
        action="store_true",
        help="clear case ids, so no co-defendants call for the integer model",
    )
    args = parser.parse_args()

    batch = cohort(args.size, args.seed, cases=not args.no_cases)
    engine_solve_s, engine_explain_s, method = engine_times(batch)
    rows: list[tuple[str, str, str]] = [
        (
            "batch",
            f"{len(batch):,} convicts",
            f"{sum(1 for r in batch if r['case_id']):,} with co-defendants",
        ),
        ("engine: solve", f"{engine_solve_s:.3f} s", method),
        ("engine: explain_all", f"{engine_explain_s:.3f} s", ""),
    ]
    with (
        tempfile.TemporaryDirectory(prefix="placement-bench-") as folder,
        serve(Path(folder), args.workers) as (base, token),
    ):
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        body = json.dumps({"convicts": batch}).encode()
        started = time.perf_counter()
        status, answer = request(base, "POST", "/runs", body, headers)
        submit_s = time.perf_counter() - started
        if status != 201:
            print(f"POST /runs answered {status}: {answer[:500]!r}", file=sys.stderr)
            return 1
        run = json.loads(answer)
        engine_s = engine_solve_s + engine_explain_s
        rows.append(
            (
                "POST /runs (validate, solve, explain, store)",
                f"{submit_s:.3f} s",
                f"{submit_s / engine_s:.2f}x engine solve+explain; goal < 2 s: "
                + ("met" if submit_s < 2 else "not met"),
            )
        )
        paths = [
            f"/runs/{run['run_id']}/placements/{record['convict_id']}/explanation"
            + ("?lang=ru" if i % 2 else "")
            for i, record in enumerate(batch)
        ]
        load(
            base, headers, paths, clients=1, requests=min(200, args.requests), seed=args.seed
        )  # warm-up
        single = load(
            base, headers, paths, clients=1, requests=min(500, args.requests), seed=args.seed
        )
        rows.append(("explanation, 1 client: p50 / p99", *single.figures()))
        loaded = load(
            base, headers, paths, clients=args.clients, requests=args.requests, seed=args.seed
        )
        goal = "met" if loaded.p99_ms < 50 else "not met"
        p50, p99 = loaded.figures()
        rows.append(
            (
                f"explanation, {args.clients} clients: p50 / p99",
                p50,
                f"{p99}; goal p99 < 50 ms: {goal}",
            )
        )
        if shutil.which("wrk"):
            rows.append(wrk_load(base, headers, paths, clients=args.clients, folder=Path(folder)))
    print_table(rows, args.workers)
    return 0


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
def serve(folder: Path, workers: int) -> Iterator[tuple[tuple[str, int], str]]:
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
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=folder,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    base = ("127.0.0.1", port)
    try:
        wait_until_up(base, server)
        yield base, token
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
    base: tuple[str, int], method: str, path: str, body: bytes | None, headers: dict[str, str]
) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection(*base, timeout=600)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


class Latencies:
    def __init__(self, seconds: list[float], wall_s: float, errors: int) -> None:
        self.ms = sorted(s * 1000.0 for s in seconds)
        self.wall_s = wall_s
        self.errors = errors

    def percentile(self, q: float) -> float:
        return self.ms[min(len(self.ms) - 1, max(0, math.ceil(q * len(self.ms)) - 1))]

    @property
    def p99_ms(self) -> float:
        return self.percentile(0.99)

    def figures(self) -> tuple[str, str]:
        throughput = len(self.ms) / self.wall_s
        errors = f", {self.errors} errors" if self.errors else ""
        return (
            f"{self.percentile(0.5):.1f} / {self.p99_ms:.1f} ms",
            f"{throughput:,.0f} requests/s over {len(self.ms):,} requests{errors}",
        )


def load(
    base: tuple[str, int],
    headers: dict[str, str],
    paths: list[str],
    *,
    clients: int,
    requests: int,
    seed: int,
) -> Latencies:
    """`requests` GETs of random paths from `clients` threads, each on one keep-alive connection."""
    rng = random.Random(seed)
    work = [rng.choice(paths) for _ in range(requests)]
    shares = [work[i::clients] for i in range(clients)]
    timings: list[float] = []
    errors = 0
    lock = threading.Lock()
    start = threading.Barrier(clients + 1)

    def client(share: list[str]) -> None:
        nonlocal errors
        connection = http.client.HTTPConnection(*base, timeout=60)
        mine: list[float] = []
        failed = 0
        start.wait()
        for path in share:
            began = time.perf_counter()
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            response.read()
            mine.append(time.perf_counter() - began)
            failed += response.status != 200
        connection.close()
        with lock:
            timings.extend(mine)
            errors += failed

    threads = [threading.Thread(target=client, args=(share,)) for share in shares]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    return Latencies(timings, time.perf_counter() - began, errors)


def wrk_load(
    base: tuple[str, int], headers: dict[str, str], paths: list[str], *, clients: int, folder: Path
) -> tuple[str, str, str]:
    """The same reads from `wrk` (C, 2 threads): the server's own latency, without the cost of
    Python client threads competing for the same two cores."""
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
    target = ["-s", str(script), "-H", f"Authorization: {headers['Authorization']}"]
    target.append(f"http://{base[0]}:{base[1]}")
    # A first pass renders every explanation once in each worker's cache: the figures are the
    # steady state of a reading workload, not the first read of each explanation.
    subprocess.run(["wrk", "-t2", f"-c{clients}", "-d5s", *target], capture_output=True, check=True)
    done = subprocess.run(
        ["wrk", "-t2", f"-c{clients}", "-d10s", "--latency", *target],
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
    p99 = latency("99%")
    goal = "met" if p99 != "?" and float(p99) < 50 else "not met"
    return (
        f"explanation, {clients} connections (wrk, 10 s after 5 s): p50 / p99",
        f"{latency('50%')} / {p99} ms",
        f"{float(rate.group(1)) if rate else 0:,.0f} requests/s"
        + (f", {errors.group(1)} errors" if errors else "")
        + f"; goal p99 < 50 ms: {goal}",
    )


def print_table(rows: list[tuple[str, str, str]], workers: int) -> None:
    widths = [max(len(r[i]) for r in rows) for i in range(2)]
    print(f"{'measure':<{widths[0]}}  {'figure':<{widths[1]}}  note")
    print(f"{'-' * widths[0]}  {'-' * widths[1]}  {'-' * 4}")
    for name, figure, note in rows:
        print(f"{name:<{widths[0]}}  {figure:<{widths[1]}}  {note}")
    print(
        f"\n{os.cpu_count()} cores; {workers} server worker(s); SQLite store; "
        "client and server on the same machine."
    )


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
