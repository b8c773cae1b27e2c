"""Service metrics in the Prometheus text format (`GET /metrics`), kept per worker process.

Request counts and latencies by method, route template and status (never the path: ids in
paths are convict data), and allocation solve times. With several workers each process answers
with its own figures, labelled by `pid`, so a scraper that reaches them one by one can sum them.
"""

from __future__ import annotations

import bisect
import os
import threading
from collections import defaultdict

LATENCY_BUCKETS_S = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
SOLVE_BUCKETS_S = (0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0)

Labels = tuple[tuple[str, str], ...]


class Histogram:
    """Cumulative buckets, a sum and a count, per label set."""

    def __init__(self, buckets: tuple[float, ...]) -> None:
        self.buckets = buckets
        self.counts: dict[Labels, list[int]] = defaultdict(lambda: [0] * (len(buckets) + 1))
        self.sums: dict[Labels, float] = defaultdict(float)

    def observe(self, labels: Labels, value: float) -> None:
        self.counts[labels][bisect.bisect_left(self.buckets, value)] += 1
        self.sums[labels] += value

    def lines(self, name: str) -> list[str]:
        out: list[str] = []
        for labels, counts in sorted(self.counts.items()):
            running = 0
            for bound, count in zip((*self.buckets, float("inf")), counts, strict=True):
                running += count
                le = "+Inf" if bound == float("inf") else repr(bound)
                out.append(f"{name}_bucket{_labels((*labels, ('le', le)))} {running}")
            out.append(f"{name}_sum{_labels(labels)} {self.sums[labels]:.6f}")
            out.append(f"{name}_count{_labels(labels)} {running}")
        return out


class Metrics:
    """The process's request and solve metrics; safe to update from any thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.requests: dict[Labels, int] = defaultdict(int)
        self.latency = Histogram(LATENCY_BUCKETS_S)
        self.solves = Histogram(SOLVE_BUCKETS_S)

    def observe_request(self, method: str, route: str, status: int, seconds: float) -> None:
        labels = (("method", method), ("route", route), ("status", str(status)))
        with self._lock:
            self.requests[labels] += 1
            self.latency.observe(labels[:2], seconds)

    def observe_solve(self, kind: str, seconds: float) -> None:
        with self._lock:
            self.solves.observe((("kind", kind),), seconds)

    def render(self) -> str:
        pid = str(os.getpid())
        with self._lock:
            lines = [
                "# HELP placement_requests_total HTTP requests answered, by route template.",
                "# TYPE placement_requests_total counter",
                *(
                    f"placement_requests_total{_labels((*labels, ('pid', pid)))} {count}"
                    for labels, count in sorted(self.requests.items())
                ),
                "# HELP placement_request_duration_seconds Time to answer a request.",
                "# TYPE placement_request_duration_seconds histogram",
                *self.latency.lines("placement_request_duration_seconds"),
                "# HELP placement_solve_duration_seconds Time to solve and explain a batch.",
                "# TYPE placement_solve_duration_seconds histogram",
                *self.solves.lines("placement_solve_duration_seconds"),
            ]
        return "\n".join(lines) + "\n"


def _labels(labels: Labels) -> str:
    if not labels:
        return ""
    inner = ",".join(f'{k}="{_escape(v)}"' for k, v in labels)
    return "{" + inner + "}"


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


METRICS = Metrics()
"""The process's one registry: the access log and the allocation service feed it."""
