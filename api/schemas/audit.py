"""The audit log's entries and its verification."""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from api.tables import AuditEntryRow


class AuditEntryPublic(BaseModel):
    """One entry of the hash-chained log."""

    sequence: int
    recorded_at: str = Field(description="ISO 8601 UTC, exactly as hashed")
    actor: str = Field(examples=["allocator:central-desk"])
    action: str = Field(examples=["run.committed"])
    payload: dict[str, Any]
    payload_digest: str = Field(description="SHA-256 of the payload's canonical JSON")
    previous_digest: str
    entry_digest: str

    @classmethod
    def from_row(cls, row: AuditEntryRow) -> AuditEntryPublic:
        try:
            payload = json.loads(row.payload)
        except ValueError:
            payload = {"unreadable": row.payload}
        if not isinstance(payload, dict):
            payload = {"value": payload}
        return cls(
            sequence=row.sequence,
            recorded_at=row.recorded_at,
            actor=row.actor,
            action=row.action,
            payload=payload,
            payload_digest=row.payload_digest,
            previous_digest=row.previous_digest,
            entry_digest=row.entry_digest,
        )


class AuditPage(BaseModel):
    items: list[AuditEntryPublic]
    total: int


class AuditVerification(BaseModel):
    """Whether the chain holds against its signed checkpoints and the store against the state
    the log derives; else the first entry that does not hold, and why, or the state's problems.

    `problem` names the first failure of the chain: an edited, deleted or reordered entry, an
    entry that differs from its signed checkpoint, or "entries after N are missing" when the log
    ends before its head or its last checkpoint (a cut tail, or a database restored from an
    older backup: the entries after N were written and are gone).
    """

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "ok": False,
                    "entries": 41,
                    "first_bad_sequence": 42,
                    "problem": "entries after 41 are missing",
                    "last_digest": "9f2c...",
                    "anchored_sequence": 41,
                    "unanchored_entries": 0,
                    "state_checked": False,
                    "state_problems": [],
                }
            ]
        }
    )

    ok: bool
    entries: int = Field(description="entries checked and found sound")
    first_bad_sequence: int | None
    problem: str | None
    last_digest: str = Field(description="digest of the last sound entry, to record elsewhere")
    anchored_sequence: int = Field(
        description="last entry that matches its signed checkpoint outside the store (0: none)"
    )
    unanchored_entries: int = Field(
        description="sound entries after the last checkpoint, not yet vouched for outside"
    )
    state_checked: bool = Field(
        description=(
            "whether occupancy, committed runs and their placements were recomputed from the "
            "log and compared (not when the chain fails, or for a store seeded by an older "
            "version whose seed entry lacks per-facility figures)"
        )
    )
    state_problems: list[str] = Field(
        description="where the store differs from the state the log derives (at most 20)",
        examples=[["facility F080 has occupancy 612; the log gives 611"]],
    )
