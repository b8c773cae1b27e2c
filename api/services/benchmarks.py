"""Policy benchmarks as background jobs: checked at once, run in a worker thread, reported.

`POST /benchmarks` checks every policy (a bundled file by name, or an inline mapping through
`optimizer.policies.parse_policy`) against the stored network before anything is queued, so bad
input is a 422 with the problem list. The job then runs `optimizer.policies.run_benchmark` over
the stored population and network as they were when it was requested, in the app's executor,
storing its progress, and writes the report (`optimizer.policies.report.write_report`, without
figures) to a folder of its own under the service's data directory. Stopping the service stops
running jobs at their next progress step; jobs left unfinished are marked failed when the
service starts again.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy.orm import Session

from api import audit, store
from api.canonical import digest, jsonable
from api.db import now, writing
from api.errors import (
    POLICY_CAPACITY_TOO_LARGE,
    POLICY_CHANGES_NOTHING,
    NotFoundError,
)
from api.schemas import BenchmarkCreate, BenchmarkMode
from api.services.benchmark_runner import (
    QUEUED_MESSAGE,
    STOPPED_MESSAGE,
    BenchmarkPlan,
    BenchmarkRunner,
)
from api.services.population import todays_population
from api.status import BenchmarkStatus
from api.tables import BenchmarkJobRow
from optimizer.domain import InputError, Problem
from optimizer.policies import Mode, Policy

METRIC_FILES = {
    "unplaced": "unplaced.csv",
    "unplaced_by_group": "unplaced_by_group.csv",
    "summary": "metrics_summary.csv",
    "effects": "effects.csv",
    "metrics": "metrics.csv",
}
"""The report's metric tables, served as JSON: who is left without a lawful place first (per
policy, then by sex, level and home region), then over seeds, each policy's effect, per run."""

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
                policy = parse_policy(
                    item, facilities, regions, file=where, default_name=f"policy-{index + 1}"
                )
                problems += policy_effect_problems(policy, facilities, where)
                policies.append(policy)
        except InputError as error:
            problems += error.problems
    names = [p.name for p in policies]
    for name in sorted({n for n in names if names.count(n) > 1}):
        problems.append(Problem("request", None, "policies", f"policy name {name!r} is repeated"))
    if problems:
        raise InputError(problems)
    return policies


MAX_FACILITY_CAPACITY = 100_000
"""Most places one facility may have under a policy: today's largest has a few thousand."""


def policy_effect_problems(policy: Policy, facilities: pd.DataFrame, where: str) -> list[Problem]:
    """What an inline policy would do to the network, checked now rather than in the job: it
    must change something (the bundled `baseline` is today's network) and leave every facility
    a countable number of places."""
    import numpy as np

    if not (policy.merges or policy.closures or policy.capacity_changes) and (
        policy.additions is None or not len(policy.additions)
    ):
        return [Problem("request", None, where, POLICY_CHANGES_NOTHING)]
    try:
        with np.errstate(over="raise", invalid="raise"):
            capacity = policy.apply_to_facilities(facilities)["capacity"].to_numpy(np.float64)
    except (FloatingPointError, OverflowError):
        capacity = np.array([np.inf])
    if not np.all(np.isfinite(capacity)) or capacity.max(initial=0) > MAX_FACILITY_CAPACITY:
        return [
            Problem(
                "request",
                None,
                f"{where}.capacity",
                POLICY_CAPACITY_TOO_LARGE.format(limit=MAX_FACILITY_CAPACITY),
            )
        ]
    return []


def create_job(
    *, session: Session, body: BenchmarkCreate, actor: str, runner: BenchmarkRunner
) -> BenchmarkJobRow:
    """Check the request, store the job (queued) and hand it to the runner."""
    today = todays_population(session=session)
    session.rollback()
    policies = read_policies(body.policies, today.regions, today.facilities)
    plan = BenchmarkPlan(
        policies=tuple(policies),
        regions=today.regions,
        facilities=today.facilities,
        population=today.population if len(today.population) else None,
        seeds=body.seeds,
        weeks=body.weeks,
        batch=body.batch,
        modes=_MODES[body.mode],
        distance=body.distance,
        objective=body.objective,
    )
    request = body.model_dump(mode="json")
    job = BenchmarkJobRow(
        job_id=uuid.uuid4(),
        created_at=now(),
        created_by=actor,
        status=BenchmarkStatus.QUEUED.value,
        progress=0.0,
        message=QUEUED_MESSAGE,
        request=request,
    )
    with writing(session):
        store.add_benchmark_job(session=session, job=job)
        audit.append(
            session,
            actor,
            "benchmark.requested",
            {
                "job_id": str(job.job_id),
                "policies": [p.name for p in policies],
                "request_digest": digest(request),
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
        tables[key] = jsonable(table.astype(object).to_dict(orient="records"))
    return tables


def report_path(folder: Path, job_id: uuid.UUID, name: str) -> Path:
    """A report file of the job, which must lie inside the reports folder."""
    path = (folder / str(job_id) / name).resolve()
    if not path.is_relative_to(folder.resolve()):
        raise NotFoundError("Benchmark report not found")
    return path


def fail_unfinished_benchmarks(*, session: Session, message: str = STOPPED_MESSAGE) -> int:
    """Mark queued and running jobs failed, each in the audit log, in one transaction: when the
    service starts, nobody runs them any more."""
    with writing(session):
        unfinished = store.unfinished_benchmark_jobs(session=session)
        for job_id in unfinished:
            store.update_benchmark_job(
                session=session,
                job_id=job_id,
                status=BenchmarkStatus.FAILED.value,
                message=message,
                finished_at=now(),
            )
            audit.append(
                session,
                "system",
                "benchmark.failed",
                {"job_id": str(job_id), "message": message, "report_digest": None},
            )
    return len(unfinished)
