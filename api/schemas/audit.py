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
    """Whether the chain holds; else the first entry that does not, and why."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "ok": False,
                    "entries": 41,
                    "first_bad_sequence": 42,
                    "problem": "the payload does not match its digest",
                    "last_digest": "9f2c...",
                }
            ]
        }
    )

    ok: bool
    entries: int = Field(description="entries checked and found sound")
    first_bad_sequence: int | None
    problem: str | None
    last_digest: str = Field(description="digest of the last sound entry, to record elsewhere")
