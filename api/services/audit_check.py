"""Verifying the audit log and the state it vouches for.

The chain and its signed checkpoints are checked by `api.audit.verify`. Then the state is
derived from the log alone and compared with the store: each facility's capacity and occupancy
(seeded, corrected, changed by committed runs and granted transfers), which runs are committed,
how many convicts each placed, and the digest of each committed run's placements and
explanations. A direct edit of `facilities`, `runs` or `placements` is found this way.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from api import audit
from api.services.allocation import placements_digest
from api.store.audited_state import (
    committed_runs,
    entries_of,
    facility_figures,
    stored_placements,
)

MAX_PROBLEMS = 20

STATE_ACTIONS = (
    "store.seeded",
    "facility.occupancy-changed",
    "run.created",
    "run.committed",
    "transfer-request.decided",
)


@dataclass
class Replay:
    """The state the log describes, entry by entry."""

    capacity: dict[str, int] = field(default_factory=dict)
    occupied: dict[str, int] = field(default_factory=dict)
    created: dict[str, dict[str, Any]] = field(default_factory=dict)
    committed: set[str] = field(default_factory=set)
    derivable: bool = True
    """False when an entry predates the figures a derivation needs (an older store)."""

    def apply(self, action: str, payload: dict[str, Any]) -> None:
        if action == "store.seeded":
            figures = payload.get("facility_figures")
            if not isinstance(figures, dict):
                self.derivable = False
                return
            self.capacity = {f: int(v[0]) for f, v in figures.items()}
            self.occupied = {f: int(v[1]) for f, v in figures.items()}
        elif action == "facility.occupancy-changed":
            self.occupied[str(payload["facility_id"])] = int(payload["occupied"])
        elif action == "run.created":
            self.created[str(payload["run_id"])] = payload
        elif action == "run.committed":
            self.committed.add(str(payload["run_id"]))
            self._add(payload.get("placed"))
        elif action == "transfer-request.decided":
            self._add(payload.get("occupancy_change") or {})

    def _add(self, change: Any) -> None:
        if not isinstance(change, dict):
            self.derivable = False
            return
        for facility_id, delta in change.items():
            self.occupied[facility_id] = self.occupied.get(facility_id, 0) + int(delta)


@dataclass(frozen=True)
class AuditReport:
    chain: audit.Verification
    state_checked: bool
    state_problems: list[str]

    @property
    def ok(self) -> bool:
        return self.chain.ok and not self.state_problems


def verify_audit(*, session: Session) -> AuditReport:
    """The chain against its checkpoints, then the store against the state the log derives."""
    chain = audit.verify(session=session)
    if not chain.ok:
        return AuditReport(chain, False, [])
    replay = Replay()
    for _sequence, action, payload in entries_of(session=session, actions=STATE_ACTIONS):
        replay.apply(action, json.loads(payload))
    if not replay.derivable:
        return AuditReport(chain, False, [])
    problems = _facility_problems(session, replay) + _run_problems(session, replay)
    return AuditReport(chain, True, problems[:MAX_PROBLEMS])


def _facility_problems(session: Session, replay: Replay) -> list[str]:
    problems: list[str] = []
    stored = facility_figures(session=session)
    for facility_id in sorted(stored.keys() | replay.capacity.keys()):
        if facility_id not in replay.capacity:
            problems.append(f"facility {facility_id} is not in the log")
            continue
        if facility_id not in stored:
            problems.append(f"facility {facility_id} is missing from the store")
            continue
        capacity, occupied = stored[facility_id]
        if capacity != replay.capacity[facility_id]:
            problems.append(
                f"facility {facility_id} has capacity {capacity}; the log gives "
                f"{replay.capacity[facility_id]}"
            )
        if occupied != replay.occupied.get(facility_id, 0):
            problems.append(
                f"facility {facility_id} has occupancy {occupied}; the log gives "
                f"{replay.occupied.get(facility_id, 0)}"
            )
    return problems


def _run_problems(session: Session, replay: Replay) -> list[str]:
    problems: list[str] = []
    stored = committed_runs(session=session)
    for run_id in sorted(stored.keys() - replay.committed):
        problems.append(f"run {run_id} is committed in the store but not in the log")
    for run_id in sorted(replay.committed - stored.keys()):
        problems.append(f"run {run_id} is committed in the log but not in the store")
    for run_id in sorted(stored.keys() & replay.committed):
        created = replay.created.get(run_id, {})
        if stored[run_id] != created.get("placed"):  # run.created: the run's placed count
            problems.append(
                f"run {run_id} places {stored[run_id]}; the log gives {created.get('placed')}"
            )
        rows = stored_placements(session=session, run_id=run_id)
        if placements_digest(rows) != created.get("placements_digest"):
            problems.append(f"the placements of run {run_id} differ from those the log recorded")
    return problems
