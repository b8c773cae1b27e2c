"""Policy benchmarks as background jobs: checked at once, run in a worker thread, reported.

`POST /benchmarks` checks every policy (a bundled file by name, or an inline mapping through
`optimizer.policies.parse_policy`) against the stored network before anything is queued, so bad
input is a 422 with the problem list. The job then runs `optimizer.policies.run_benchmark` over
the stored population and network as they were when it was requested, in the app's executor,
storing its progress, and writes the report (`optimizer.policy_report.write_report`, without
figures) to a folder of its own under the service's data directory. Stopping the service stops
running jobs at their next progress step; jobs left unfinished are marked failed when the
service starts again.
"""

from __future__ import annotations

import logging
import threading
import time
import traceback
import uuid
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy.orm import Session, sessionmaker

from api import audit, store
from api.errors import NotFoundError
from api.schemas import BenchmarkCreate, BenchmarkMode
from optimizer.domain import DistanceKind, InputError, Objective, Problem
from optimizer.policies import Mode, Policy

error_log = logging.getLogger("api.errors")

REPORT = "index.md"
REPORT_HTML = "index.html"
METRIC_FILES = {
    "summary": "metrics_summary.csv",
    "effects": "effects.csv",
    "metrics": "metrics.csv",
}
"""The report's metric tables, served as JSON: over seeds, each policy's effect, per run."""

QUEUED_MESSAGE = "Queued"
RUNNING_MESSAGE = "Running"
FINISHED_MESSAGE = "Report written"
FAILED_MESSAGE = "The benchmark failed"
STOPPED_MESSAGE = "The service stopped before the benchmark finished"

PROGRESS_INTERVAL_S = 1.0
"""Within one step of a benchmark, progress is stored at most this often."""

_MODES = {
    BenchmarkMode.STEADY_STATE: (Mode.STEADY,),
    BenchmarkMode.FLOW: (Mode.FLOW,),
    BenchmarkMode.BOTH: (Mode.STEADY, Mode.FLOW),
}


def bundled_policies() -> dict[str, Path]:
    """The policy files shipped with the data set, by name (the file's stem)."""
    from optimizer.data import DATA_DIR

    return {path.stem: path for path in sorted((DATA_DIR / "policies").glob("*.toml"))}


def read_policies(
    items: Sequence[str | dict[str, Any]], regions: pd.DataFrame, facilities: pd.DataFrame
) -> list[Policy]:
    """Every policy checked against the network; all problems at once (InputError)."""
    from optimizer.policies import parse_policy, read_policy

    bundled = bundled_policies()
    policies: list[Policy] = []
    problems: list[Problem] = []
    for index, item in enumerate(items):
        where = f"policies[{index}]"
        try:
            if isinstance(item, str):
                if item not in bundled:
                    known = ", ".join(bundled)
                    problems.append(
                        Problem(
                            "request",
                            None,
                            where,
                            f"unknown policy {item!r}; expected one of {known}",
                        )
                    )
                    continue
                policies.append(read_policy(bundled[item], facilities, regions))
            else:
                policies.append(
                    parse_policy(
                        item, facilities, regions, file=where, default_name=f"policy-{index + 1}"
                    )
                )
        except InputError as error:
            problems += error.problems
    names = [p.name for p in policies]
    for name in sorted({n for n in names if names.count(n) > 1}):
        problems.append(Problem("request", None, "policies", f"policy name {name!r} is repeated"))
    if problems:
        raise InputError(problems)
    return policies


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


def create_job(
    *, session: Session, body: BenchmarkCreate, actor: str, runner: BenchmarkRunner
) -> store.BenchmarkJobRow:
    """Check the request, store the job (queued) and hand it to the runner."""
    network = store.read_network(session=session)
    policies = read_policies(body.policies, network.regions, network.facilities)
    population = store.read_population(session=session)
    session.rollback()
    plan = BenchmarkPlan(
        policies=tuple(policies),
        regions=network.regions,
        facilities=network.facilities,
        population=population if len(population) else None,
        seeds=body.seeds,
        weeks=body.weeks,
        batch=body.batch,
        modes=_MODES[body.mode],
        distance=body.distance,
        objective=body.objective,
    )
    request = body.model_dump(mode="json")
    job = store.BenchmarkJobRow(
        job_id=uuid.uuid4(),
        created_at=store.now(),
        created_by=actor,
        status=store.QUEUED,
        progress=0.0,
        message=QUEUED_MESSAGE,
        request=request,
    )
    with store.writing(session):
        session.add(job)
        audit.append(
            session,
            actor,
            "benchmark.requested",
            {
                "job_id": str(job.job_id),
                "policies": [p.name for p in policies],
                "request_digest": audit.sha256(audit.canonical_json(request)),
            },
        )
    runner.submit(job.job_id, plan)
    return job


def report_text(folder: Path, job_id: uuid.UUID, name: str) -> str:
    """One file of a finished job's report; 404 when it is gone from the data directory."""
    path = report_path(folder, job_id, name)
    if not path.is_file():
        raise NotFoundError("Benchmark report not found")
    return path.read_text(encoding="utf-8")


def report_metrics(folder: Path, job_id: uuid.UUID) -> dict[str, Any]:
    """The report's metric tables as JSON records (missing values as null)."""
    tables: dict[str, Any] = {"job_id": str(job_id)}
    for key, name in METRIC_FILES.items():
        path = report_path(folder, job_id, name)
        if not path.is_file():
            raise NotFoundError("Benchmark report not found")
        table = pd.read_csv(path)
        tables[key] = store.jsonable(table.astype(object).to_dict(orient="records"))
    return tables


def report_path(folder: Path, job_id: uuid.UUID, name: str) -> Path:
    """A report file of the job, which must lie inside the reports folder."""
    path = (folder / str(job_id) / name).resolve()
    if not path.is_relative_to(folder.resolve()):
        raise NotFoundError("Benchmark report not found")
    return path


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
            self._finish(job_id, store.FAILED, STOPPED_MESSAGE)

    def _run(self, job_id: uuid.UUID, plan: BenchmarkPlan) -> None:
        from optimizer.policies import run_benchmark
        from optimizer.policies.report import write_report

        try:
            self.update(
                job_id, status=store.RUNNING, started_at=store.now(), message=RUNNING_MESSAGE
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
            digest = audit.sha256((folder / REPORT).read_text(encoding="utf-8"))
            self._finish(job_id, store.DONE, FINISHED_MESSAGE, report_digest=digest)
        except _Stopped:
            self._finish(job_id, store.FAILED, STOPPED_MESSAGE)
        except Exception as error:
            # Type and stack frames only: a message may quote input.
            error_log.error(
                "benchmark job failed: %s\n%s",
                type(error).__name__,
                "".join(traceback.format_tb(error.__traceback__)),
            )
            self._finish(job_id, store.FAILED, f"{FAILED_MESSAGE} ({type(error).__name__})")

    @property
    def stopping(self) -> bool:
        return self._stopping.is_set()

    def update(self, job_id: uuid.UUID, **values: Any) -> None:
        """Store a job's state or progress in a transaction of its own."""
        with self.sessions() as session, store.writing(session):
            store.update_benchmark_job(session=session, job_id=job_id, **values)

    def _finish(
        self, job_id: uuid.UUID, status: str, message: str, report_digest: str | None = None
    ) -> None:
        """The job's last state and its audit entry, in one transaction."""
        values: dict[str, Any] = {"status": status, "message": message, "finished_at": store.now()}
        if status == store.DONE:
            values |= {"progress": 1.0, "report_digest": report_digest}
        with self.sessions() as session, store.writing(session):
            store.update_benchmark_job(session=session, job_id=job_id, **values)
            audit.append(
                session,
                "system",
                "benchmark.finished" if status == store.DONE else "benchmark.failed",
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
