"""The web console under a national run: first paint of the run page, and the placements
table's page load under concurrent users.

Starts `placement serve` on 127.0.0.1 over a temporary SQLite store, submits a 32,000-convict
run through the API, creates a console account, then

1. opens the run page (figures, tables by level and region, the map of flows) in Debian's
   headless Chromium, signed in, and reads the browser's own navigation and paint timings
   (server answer, first contentful paint, load), median of five fresh loads;
2. loads pages of the placements table (50 rows, server-side paging, random pages over the
   whole run, a third of them filtered by home region) from 20 concurrent users on loopback,
   each with its own session cookie and keep-alive connection: p50, p99, throughput.

Goals: first contentful paint under 1 s; placements page p99 under 200 ms at 20 users.
Client, browser and server share the machine's cores.

    python benchmarks/console.py [--size 32000] [--users 20] [--requests 2000] [--seed 1]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks.service import cohort, load, placement_command, request, serve

PASSWORD = "benchmark password"
REGIONS = ["KZ-10", "KZ-11", "KZ-15", "KZ-19", "KZ-23", "KZ-27", "KZ-31", "KZ-35", "KZ-75"]


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", type=int, default=32_000, help="convicts in the run")
    parser.add_argument("--users", type=int, default=20, help="concurrent console users")
    parser.add_argument("--requests", type=int, default=2000, help="table pages in the load")
    parser.add_argument("--loads", type=int, default=5, help="fresh loads of the run page")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    batch = cohort(args.size, args.seed, cases=False)
    with (
        tempfile.TemporaryDirectory(prefix="placement-console-") as folder,
        serve(Path(folder), 1) as (base, token),
    ):
        database_url = f"sqlite:///{Path(folder) / 'placement.sqlite3'}"
        subprocess.run(
            [*placement_command(), "user", "create", "--role", "allocator", "--name", "bench",
             "--password-stdin", "--database-url", database_url],
            input=PASSWORD + "\n", text=True, check=True, capture_output=True,
        )  # fmt: skip
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        status, answer = request(
            base, "POST", "/runs", json.dumps({"convicts": batch}).encode(), headers
        )
        if status != 201:
            print(f"POST /runs answered {status}: {answer[:300]!r}", file=sys.stderr)
            return 1
        run_id = json.loads(answer)["run_id"]
        url = f"http://{base[0]}:{base[1]}"
        paints = first_paint(url, run_id, args.loads)
        cookies = [sign_in(base) for _ in range(args.users)]
        paths = table_paths(run_id, args.size, args.seed)
        rows = [("run", f"{args.size:,} convicts", f"run page over {args.size:,} placements")]
        for name, values in paints.items():
            seen = [v for v in values if v > 0]  # headless Chromium omits some paint entries
            if seen:
                figure = f"{statistics.median(seen):.0f} ms"
                rows.append((f"run page: {name}", figure, _spread(seen, len(values))))
        warm = load(base, {"Cookie": cookies[0]}, paths, clients=1, requests=100, seed=args.seed)
        rows.append(("placements page, 1 user: p50 / p99", *warm.figures()))
        loaded = load_as_users(base, cookies, paths, args.requests, args.seed)
        p50, p99 = loaded.figures()
        goal = "met" if loaded.p99_ms < 200 else "not met"
        rows.append(
            (
                f"placements page, {args.users} users: p50 / p99",
                p50,
                f"{p99}; goal p99 < 200 ms: {goal}",
            )
        )
    width = max(len(r[0]) for r in rows)
    for name, figure, note in rows:
        print(f"{name:<{width}}  {figure:>22}  {note}")
    return 0


def _spread(values: list[float], loads: int) -> str:
    return (
        f"min {min(values):.0f}, max {max(values):.0f}; reported by {len(values)} of {loads} loads"
    )


def sign_in(base: tuple[str, int]) -> str:
    """A fresh console session: the cookie header a signed-in browser sends."""
    import http.client

    connection = http.client.HTTPConnection(*base, timeout=60)
    connection.request("GET", "/console/sign-in")
    response = connection.getresponse()
    form = response.read().decode()
    sign_cookie = response.getheader("set-cookie", "").split(";")[0]
    token = re.search(r'name="csrf" value="([^"]+)"', form)
    assert token is not None
    body = f"name=bench&password={PASSWORD.replace(' ', '+')}&csrf={token.group(1)}&next=/console"
    connection.request(
        "POST",
        "/console/sign-in",
        body=body,
        headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": sign_cookie},
    )
    answer = connection.getresponse()
    answer.read()
    connection.close()
    cookie = [
        c for c in answer.headers.get_all("set-cookie") or [] if c.startswith("placement_session=")
    ]
    assert answer.status == 303 and cookie, f"sign-in answered {answer.status}"
    return cookie[0].split(";")[0]


def table_paths(run_id: str, size: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    pages = max(1, size // 50)
    paths = [f"/console/runs/{run_id}/placements?page={rng.randint(1, pages)}" for _ in range(600)]
    paths += [
        f"/console/runs/{run_id}/placements?home_region={rng.choice(REGIONS)}"
        f"&page={rng.randint(1, 20)}"
        for _ in range(300)
    ]
    return paths


def load_as_users(
    base: tuple[str, int], cookies: list[str], paths: list[str], requests: int, seed: int
):  # type: ignore[no-untyped-def]
    """`load` with one session per user: each thread sends its own cookie."""
    from benchmarks import service

    original = service.http.client.HTTPConnection
    counter = iter(range(len(cookies) * 4))

    class PerUser(original):  # type: ignore[misc,valid-type]
        def __init__(self, *a, **k):  # type: ignore[no-untyped-def]
            super().__init__(*a, **k)
            self.cookie = cookies[next(counter) % len(cookies)]

        def request(self, method, path, body=None, headers=None, **k):  # type: ignore[no-untyped-def, override]
            return super().request(
                method, path, body, {**(headers or {}), "Cookie": self.cookie}, **k
            )

    service.http.client.HTTPConnection = PerUser  # type: ignore[misc]
    try:
        return load(base, {}, paths, clients=len(cookies), requests=requests, seed=seed)
    finally:
        service.http.client.HTTPConnection = original  # type: ignore[misc]


def first_paint(url: str, run_id: str, loads: int) -> dict[str, list[float]]:
    """Browser timings of fresh loads of the run page, signed in, in headless Chromium."""
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By

    options = Options()
    options.binary_location = "/usr/bin/chromium"
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--window-size=1280,1000",
    ):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    timings: dict[str, list[float]] = {
        "server answer (responseEnd)": [],
        "first contentful paint": [],
        "load event": [],
    }
    try:
        driver.get(url + "/console/sign-in")
        driver.find_element(By.ID, "name").send_keys("bench")
        driver.find_element(By.ID, "password").send_keys(PASSWORD)
        driver.find_element(By.CSS_SELECTOR, "form[action='/console/sign-in'] button").click()
        for _ in range(loads + 1):  # the first load warms the server's caches and is dropped
            driver.get("about:blank")
            driver.get(f"{url}/console/runs/{run_id}")
            driver.execute_async_script(  # wait until the browser has painted
                "const done = arguments[arguments.length - 1];"
                "requestAnimationFrame(() => requestAnimationFrame(() => done(0)));"
            )
            figures = driver.execute_script(
                "const n = performance.getEntriesByType('navigation')[0];"
                "const p = performance.getEntriesByName('first-contentful-paint')[0];"
                "return [n.responseEnd, p ? p.startTime : null, n.loadEventEnd];"
            )
            for name, value in zip(timings, figures, strict=True):
                timings[name].append(float(value or 0.0))
    finally:
        driver.quit()
    return {name: values[1:] for name, values in timings.items()}


if __name__ == "__main__":
    sys.exit(main())
