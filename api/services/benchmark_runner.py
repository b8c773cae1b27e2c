"""The benchmark runner: jobs run in a small thread pool held by the app, progress and the
final state stored as they come, each job's end in the audit log.

Stopping the service stops running jobs at their next progress step; they are marked failed.
"""

from __future__ import annotations

import logging
import threading
import time
import traceback
import uuid
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy.orm import Session, sessionmaker

from api import audit, store
from api.canonical import sha256
from api.db import now, writing
from api.status import BenchmarkStatus
from optimizer.domain import DistanceKind, Objective
from optimizer.policies import Mode, Policy

error_log = logging.getLogger("api.errors")

REPORT = "index.md"
REPORT_HTML = "index.html"
TRANSLATED_REPORTS = ("ru", "kk")
"""Languages the report is also written in, as `index.<lang>.html` (English is `index.html`)."""

QUEUED_MESSAGE = "Queued"
RUNNING_MESSAGE = "Running"
FINISHED_MESSAGE = "Report written"
FAILED_MESSAGE = "The benchmark failed"
STOPPED_MESSAGE = "The service stopped before the benchmark finished"

PROGRESS_INTERVAL_S = 1.0
"""Within one step of a benchmark, progress is stored at most this often."""


@dataclass(frozen=True)
class BenchmarkPlan:
    """A checked benchmark request: the policies, and the network they were checked against
    with its population, as they stood when the job was requested."""

    policies: tuple[Policy, ...]
    regions: pd.DataFrame
    facilities: pd.DataFrame
    population: pd.DataFrame | None
    """None when nobody serves: run_benchmark then draws synthetic cohorts."""
    seeds: int
    weeks: int
    batch: int
    modes: tuple[Mode, ...]
    distance: DistanceKind
    objective: Objective


class _Stopped(Exception):
    """The service is stopping: the job ends at its next progress step."""


class BenchmarkRunner:
    """Runs benchmark jobs in a small thread pool held by the app; reports go to `folder`."""

    def __init__(self, sessions: sessionmaker[Session], folder: Path, workers: int) -> None:
        self.sessions = sessions
        self.folder = folder.resolve()
        self._workers = workers
        self._futures: dict[uuid.UUID, Future[None]] = {}
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._executor: ThreadPoolExecutor | None = None
        self.start()

    def start(self) -> None:
        """Take jobs (again, after `close`)."""
        with self._lock:
            if self._executor is None:
                self._stopping.clear()
                self._executor = ThreadPoolExecutor(
                    max_workers=self._workers, thread_name_prefix="benchmark"
                )

    def submit(self, job_id: uuid.UUID, plan: BenchmarkPlan) -> None:
        with self._lock:
            if self._executor is None:
                raise RuntimeError("the benchmark runner is closed")
            self._futures[job_id] = self._executor.submit(self._run, job_id, plan)

    def wait(self, job_id: uuid.UUID, timeout_s: float | None = None) -> None:
        """Block until the job has ended here (done, failed or stopped)."""
        with self._lock:
            future = self._futures.get(job_id)
        if future is not None:
            future.result(timeout=timeout_s)

    def close(self) -> None:
        """Stop: queued jobs are dropped, running ones end at their next progress step; both
        are marked failed. Safe to call more than once."""
        with self._lock:
            executor, self._executor = self._executor, None
            if executor is None:
                return
            self._stopping.set()
        executor.shutdown(wait=True, cancel_futures=True)
        with self._lock:
            dropped = [job_id for job_id, f in self._futures.items() if f.cancelled()]
            self._futures.clear()
        for job_id in dropped:
            self._finish(job_id, BenchmarkStatus.FAILED, STOPPED_MESSAGE)

    def _run(self, job_id: uuid.UUID, plan: BenchmarkPlan) -> None:
        from optimizer.policies import run_benchmark
        from optimizer.policies.report import write_pages, write_report
        from optimizer.policies.truth import unplaced_line
        from optimizer.policies.words import report_words

        try:
            self.update(
                job_id,
                status=BenchmarkStatus.RUNNING.value,
                started_at=now(),
                message=RUNNING_MESSAGE,
            )
            result = run_benchmark(
                list(plan.policies),
                plan.population,
                plan.regions,
                plan.facilities,
                seeds=plan.seeds,
                weeks=plan.weeks,
                batch=plan.batch,
                distance=plan.distance,
                objective=plan.objective,
                modes=plan.modes,
                progress=_Progress(self, job_id),
            )
            folder = self.folder / str(job_id)
            write_report(result, folder, figures=False)
            for lang in TRANSLATED_REPORTS:
                words = report_words(lang, result.regions, result.policies)
                write_pages(result, folder, words, stem=f"index.{lang}")
            digest = sha256((folder / REPORT).read_text(encoding="utf-8"))
            message = f"{FINISHED_MESSAGE}; {unplaced_line(result)}"
            self._finish(job_id, BenchmarkStatus.DONE, message, report_digest=digest)
        except _Stopped:
            self._finish(job_id, BenchmarkStatus.FAILED, STOPPED_MESSAGE)
        except Exception as error:
            # Type and stack frames only: a message may quote input.
            error_log.error(
                "benchmark job failed: %s\n%s",
                type(error).__name__,
                "".join(traceback.format_tb(error.__traceback__)),
            )
            self._finish(
                job_id, BenchmarkStatus.FAILED, f"{FAILED_MESSAGE} ({type(error).__name__})"
            )

    @property
    def stopping(self) -> bool:
        return self._stopping.is_set()

    def update(self, job_id: uuid.UUID, **values: Any) -> None:
        """Store a job's state or progress in a transaction of its own."""
        with self.sessions() as session, writing(session):
            store.update_benchmark_job(session=session, job_id=job_id, **values)

    def _finish(
        self,
        job_id: uuid.UUID,
        status: BenchmarkStatus,
        message: str,
        report_digest: str | None = None,
    ) -> None:
        """The job's last state and its audit entry, in one transaction."""
        values: dict[str, Any] = {"status": status.value, "message": message, "finished_at": now()}
        if status == BenchmarkStatus.DONE:
            values |= {"progress": 1.0, "report_digest": report_digest}
        with self.sessions() as session, writing(session):
            store.update_benchmark_job(session=session, job_id=job_id, **values)
            audit.append(
                session,
                "system",
                "benchmark.finished" if status == BenchmarkStatus.DONE else "benchmark.failed",
                {"job_id": str(job_id), "message": message, "report_digest": report_digest},
            )


class _Progress:
    """`run_benchmark`'s progress callback: stores each new step, and within a step at most
    every PROGRESS_INTERVAL_S; ends the job when the service stops."""

    def __init__(self, runner: BenchmarkRunner, job_id: uuid.UUID) -> None:
        self.runner = runner
        self.job_id = job_id
        self.message: str | None = None
        self.stored_at = 0.0

    def __call__(self, fraction: float, message: str) -> None:
        if self.runner.stopping:
            raise _Stopped
        moment = time.monotonic()
        if message == self.message and moment - self.stored_at < PROGRESS_INTERVAL_S:
            return
        self.message, self.stored_at = message, moment
        self.runner.update(
            self.job_id, progress=round(min(max(fraction, 0.0), 1.0), 4), message=message[:300]
        )
