"""Allocation runs against the store: validate, solve, explain, store; and CSV uploads.

A run reads the network in a short read transaction, solves outside any transaction, then
stores the run, its facility snapshot, its placements with their explanations (and each
convict's validated record, for the population once committed) and an audit entry in one write
transaction. The snapshot (each facility's occupancy and version as solved) is what
a commit is later checked against.
"""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api import audit, store
from api.errors import IdempotencyMismatchError
from optimizer.domain import DistanceKind, InputError, Objective, Problem, SolveOptions

CONVICT_RECORD = (
    "sex",
    "age",
    "age_category",
    "security_level",
    "home_lat",
    "home_lon",
    "medical_need",
    "former_officer",
    "case_id",
)
"""The validated convict's columns kept with each placement (beside convict_id and
home_region), so that committing the run can add the placed convicts to the population."""


@dataclass(frozen=True)
class RunRequest:
    """A validated-to-be batch with its options, as it arrived (JSON records or a CSV)."""

    raw: pd.DataFrame
    file: str
    objective: Objective
    distance: DistanceKind
    digest: str
    """SHA-256 of the request's canonical form: what an Idempotency-Key is bound to."""


@dataclass(frozen=True)
class SolvedRun:
    run: store.RunRow
    snapshot: list[dict[str, Any]]
    placements: list[dict[str, Any]]
    placements_digest: str


def records_frame(records: list[dict[str, str]]) -> pd.DataFrame:
    """JSON records as the text table a CSV would give; no records is a header without rows."""
    from optimizer.data import CONVICT_COLUMNS, records_table

    if not records:
        return pd.DataFrame({c.name: pd.Series(dtype=str) for c in CONVICT_COLUMNS})
    return records_table(records)


def parse_csv(content: bytes, file: str) -> pd.DataFrame:
    """Every cell as text, as the CLI reads a CSV; an unreadable file is an input error."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError([Problem(file, None, None, f"not UTF-8 text: {error}")]) from None
    if "\x00" in text:
        raise InputError([Problem(file, None, None, "the file contains NUL characters")])
    if not text.strip():
        raise InputError([Problem(file, None, None, "the file is empty")])
    try:
        return pd.read_csv(
            io.StringIO(text), dtype=str, keep_default_na=False, skipinitialspace=True
        )
    except pd.errors.EmptyDataError:
        raise InputError([Problem(file, None, None, "the file is empty")]) from None
    except (pd.errors.ParserError, ValueError) as error:
        raise InputError([Problem(file, None, None, f"not a readable CSV file: {error}")]) from None


def solve_run(
    *, network: store.Network, request: RunRequest, actor: str, key: str | None
) -> SolvedRun:
    """Validate the batch against the network and solve it; nothing is stored yet."""
    from optimizer.allocation import solve, summarize
    from optimizer.data import validate_convicts
    from optimizer.explain import explain_all, run_facts

    convicts = validate_convicts(request.raw, network.regions, file=request.file)
    options = SolveOptions(objective=request.objective, distance=request.distance)
    solution = solve(convicts, network.facilities, options)
    explanations = explain_all(solution, network.regions)
    summary = store.jsonable(summarize(solution).as_dict())
    facts = store.jsonable(run_facts(solution, network.regions))

    facilities = network.facilities
    placed = solution.facility_of >= 0
    regions_of = facilities["region"].to_numpy(dtype=object)[np.maximum(solution.facility_of, 0)]
    facility_region = np.where(placed, regions_of, np.full(len(placed), None, dtype=object))
    table = solution.placements
    distance = table["distance_km"].to_numpy(float)
    reasons = table["unplaced_reason"].to_numpy()
    records = convicts.loc[:, list(CONVICT_RECORD)].to_dict(orient="records")  # plain values
    placements = [
        {
            "position": i + 1,
            "convict_id": convict_id,
            "home_region": home,
            "facility_id": facility or None,
            "facility_region": region,
            "distance_km": None if np.isnan(km) else float(km),
            "unplaced_reason": reason or None,
            "explanation": store.json_text(explanation, sort_keys=False),
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
    snapshot = [
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
    run = store.RunRow(
        run_id=uuid.uuid4(),
        created_at=store.now(),
        created_by=actor,
        objective=request.objective.value,
        distance=request.distance.value,
        status=store.SOLVED,
        convicts=len(convicts),
        placed=solution.placed,
        summary=summary,
        facts=facts,
        idempotency_key=key,
        request_digest=request.digest,
    )
    return SolvedRun(run, snapshot, placements, placements_digest(placements))


def placements_digest(placements: list[dict[str, Any]]) -> str:
    """SHA-256 over the placements, one line each: the row's canonical JSON without the
    explanation, a tab, the explanation's stored JSON text. The run.created audit entry keeps it,
    so stored placements and explanations cannot be rewritten unnoticed."""
    lines = (
        store.json_text({k: v for k, v in p.items() if k != "explanation"})
        + "\t"
        + p["explanation"]
        for p in placements
    )
    return audit.sha256("\n".join(lines))


def create_run(
    *, session: Session, request: RunRequest, actor: str, key: str | None
) -> tuple[store.RunRow, bool]:
    """Solve and store a run; for an Idempotency-Key seen before, the earlier run, created=False."""
    if key is not None:
        earlier = _earlier_run(session=session, key=key, digest=request.digest)
        if earlier is not None:
            return earlier, False
    network = store.read_network(session=session)
    session.rollback()
    solved = solve_run(network=network, request=request, actor=actor, key=key)
    try:
        with store.writing(session):
            store.insert_run(
                session=session,
                run=solved.run,
                snapshot=solved.snapshot,
                placements=solved.placements,
            )
            audit.append(
                session,
                actor,
                "run.created",
                {
                    "run_id": str(solved.run.run_id),
                    "objective": solved.run.objective,
                    "distance": solved.run.distance,
                    "convicts": solved.run.convicts,
                    "placed": solved.run.placed,
                    "request_digest": request.digest,
                    "placements_digest": solved.placements_digest,
                    "facility_versions": {
                        s["facility_id"]: s["version_at_solve"] for s in solved.snapshot
                    },
                },
            )
    except IntegrityError:
        if key is None:
            raise
        earlier = _earlier_run(session=session, key=key, digest=request.digest)
        if earlier is None:
            raise
        return earlier, False
    return solved.run, True


def _earlier_run(*, session: Session, key: str, digest: str) -> store.RunRow | None:
    earlier = store.find_run_by_key(session=session, idempotency_key=key)
    if earlier is not None and earlier.request_digest != digest:
        raise IdempotencyMismatchError("Idempotency-Key was already used with a different request")
    return earlier
