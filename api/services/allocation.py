"""Allocation runs: validate, solve, explain, store; commit into occupancy and population.

A run reads the network in a short read transaction, solves outside any transaction, then
stores the run, its facility snapshot, its placements with their explanations (and each
convict's validated record, for the population once committed) and an audit entry in one write
transaction. The snapshot (each facility's occupancy and version as solved) is what
a commit is later checked against.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api import audit, store
from api.canonical import json_text, jsonable, sha256
from api.db import now, writing
from api.errors import IDEMPOTENCY_MISMATCH, IdempotencyMismatchError
from api.metrics import METRICS
from api.services import waiting_list
from api.services.run_requests import RunRequest
from api.status import RunStatus
from api.tables import RunRow
from optimizer.data import VALIDATED_CONVICT_COLUMNS
from optimizer.domain import SolveOptions

if TYPE_CHECKING:
    from optimizer.allocation import Solution

CONVICT_RECORD = tuple(
    c for c in VALIDATED_CONVICT_COLUMNS if c not in ("convict_id", "home_region")
)
"""The validated convict's columns kept with each placement (beside convict_id and
home_region), so that committing the run can add the placed convicts to the population."""


@dataclass(frozen=True)
class SolvedRun:
    run: RunRow
    snapshot: list[dict[str, Any]]
    placements: list[dict[str, Any]]
    placements_digest: str


def solve_run(
    *, network: store.Network, request: RunRequest, actor: str, key: str | None
) -> SolvedRun:
    """Validate the batch against the network and solve it; nothing is stored yet."""
    from optimizer.allocation import solve, summarize
    from optimizer.data import validate_convicts
    from optimizer.explain import explain_all, run_facts

    started = time.perf_counter()
    convicts = validate_convicts(request.raw, network.regions, file=request.file)
    options = SolveOptions(objective=request.objective, distance=request.distance)
    solution = solve(convicts, network.facilities, options)
    explanations = explain_all(solution, network.regions)
    METRICS.observe_solve("allocation", time.perf_counter() - started)
    placements = _placement_rows(solution, convicts, network.facilities, explanations)
    run = RunRow(
        run_id=uuid.uuid4(),
        created_at=now(),
        created_by=actor,
        objective=request.objective.value,
        distance=request.distance.value,
        status=RunStatus.SOLVED.value,
        convicts=len(convicts),
        placed=solution.placed,
        summary=jsonable(summarize(solution).as_dict()),
        facts=jsonable(run_facts(solution, network.regions)),
        idempotency_key=key,
        request_digest=request.digest,
    )
    snapshot = _facility_snapshot(solution, network)
    return SolvedRun(run, snapshot, placements, placements_digest(placements))


def _placement_rows(
    solution: Solution,
    convicts: pd.DataFrame,
    facilities: pd.DataFrame,
    explanations: list[dict[str, Any]],
) -> list[dict[str, Any]]:
    """One stored row per convict, in input order: where, how far or why not, the explanation
    as JSON text, and the convict's validated record."""
    placed = solution.facility_of >= 0
    regions_of = facilities["region"].to_numpy(dtype=object)[np.maximum(solution.facility_of, 0)]
    facility_region = np.where(placed, regions_of, np.full(len(placed), None, dtype=object))
    table = solution.placements
    distance = table["distance_km"].to_numpy(float)
    reasons = table["unplaced_reason"].to_numpy()
    records = convicts.loc[:, list(CONVICT_RECORD)].to_dict(orient="records")  # plain values
    return [
        {
            "position": i + 1,
            "convict_id": convict_id,
            "home_region": home,
            "facility_id": facility or None,
            "facility_region": region,
            "distance_km": None if np.isnan(km) else float(km),
            "unplaced_reason": reason or None,
            "explanation": json_text(explanation, sort_keys=False),
            **record,
        }
        for i, (convict_id, home, facility, region, km, reason, explanation, record) in enumerate(
            zip(
                table["convict_id"].tolist(),
                convicts["home_region"].tolist(),
                table["facility_id"].tolist(),
                facility_region.tolist(),
                distance.tolist(),
                reasons.tolist(),
                explanations,
                records,
                strict=True,
            )
        )
    ]


def _facility_snapshot(solution: Solution, network: store.Network) -> list[dict[str, Any]]:
    """Each facility's occupancy and version as solved, and the places the run uses in it."""
    facilities = network.facilities
    return [
        {
            "facility_id": facility_id,
            "occupied_at_solve": int(occupied),
            "version_at_solve": network.versions[facility_id],
            "placed": int(used),
        }
        for facility_id, occupied, used in zip(
            facilities["facility_id"].tolist(),
            facilities["occupied"].tolist(),
            solution.used.tolist(),
            strict=True,
        )
    ]


def placements_digest(placements: list[dict[str, Any]]) -> str:
    """SHA-256 over the placements, one line each: the row's canonical JSON without the
    explanation, a tab, the explanation's stored JSON text. The run.created audit entry keeps it,
    so stored placements and explanations cannot be rewritten unnoticed."""
    lines = (
        json_text({k: v for k, v in p.items() if k != "explanation"}) + "\t" + p["explanation"]
        for p in placements
    )
    return sha256("\n".join(lines))


def create_run(
    *, session: Session, request: RunRequest, actor: str, key: str | None
) -> tuple[RunRow, bool]:
    """Solve and store a run; for an Idempotency-Key seen before, the earlier run, created=False."""
    if key is not None:
        earlier = _earlier_run(session=session, key=key, digest=request.digest)
        if earlier is not None:
            return earlier, False
    network = waiting_list.hold_places(session, store.read_network(session=session))
    session.rollback()
    solved = solve_run(network=network, request=request, actor=actor, key=key)
    try:
        with writing(session):
            store.insert_run(
                session=session,
                run=solved.run,
                snapshot=solved.snapshot,
                placements=solved.placements,
            )
            audit.append(session, actor, "run.created", _created_payload(solved, request))
    except IntegrityError:
        if key is None:
            raise
        earlier = _earlier_run(session=session, key=key, digest=request.digest)
        if earlier is None:
            raise
        return earlier, False
    return solved.run, True


def _created_payload(solved: SolvedRun, request: RunRequest) -> dict[str, Any]:
    return {
        "run_id": str(solved.run.run_id),
        "objective": solved.run.objective,
        "distance": solved.run.distance,
        "convicts": solved.run.convicts,
        "placed": solved.run.placed,
        "request_digest": request.digest,
        "placements_digest": solved.placements_digest,
        "facility_versions": {s["facility_id"]: s["version_at_solve"] for s in solved.snapshot},
    }


def _earlier_run(*, session: Session, key: str, digest: str) -> RunRow | None:
    earlier = store.find_run_by_key(session=session, idempotency_key=key)
    if earlier is not None and earlier.request_digest != digest:
        raise IdempotencyMismatchError(IDEMPOTENCY_MISMATCH)
    return earlier


def commit_run(*, session: Session, run_id: uuid.UUID, actor: str) -> RunRow:
    """Add a solved run's placements to occupancy and its placed convicts to the population, in
    one transaction with its audit entry; refused (409) as `store.commit_run` explains. Then the
    home regions' waiting lists take the places held for them (`waiting_list`)."""
    with writing(session):
        committed = store.commit_run(session=session, run_id=run_id, actor=actor)
        audit.append(
            session,
            actor,
            "run.committed",
            {
                "run_id": str(run_id),
                "placed": committed.placed,
                "facility_versions": committed.facility_versions,
            },
        )
        waiting_list.honour(session, actor)
    return committed.run
