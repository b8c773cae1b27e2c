"""The append-only, hash-chained decision log.

Each entry holds its sequence number, time, actor, action and payload (canonical JSON), the
SHA-256 digest of that payload, the previous entry's digest and its own digest over all of
these. Editing, deleting or reordering any entry breaks the chain at that entry, which
`verify` reports; the head row (last sequence and digest) also reveals a cut tail.
Appending locks the head row, so concurrent writers get consecutive sequence numbers.

Inside the database the chain proves nothing against whoever can rewrite the database, so each
committed append is also checkpointed outside it (`api.audit_anchor`): a session whose
sessionmaker carries an anchor (`attach_anchor`) writes a signed checkpoint of its last entry
after its transaction commits, and `verify` compares the chain with those checkpoints.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import event, func, select
from sqlalchemy.orm import Session, sessionmaker

from api.audit_anchor import AuditAnchor, Checkpoint, CheckpointLog
from api.canonical import json_text, sha256
from api.db import for_update
from api.tables import AuditEntryRow, AuditHeadRow

logger = logging.getLogger(__name__)

ANCHOR = "audit_anchor"
"""`Session.info` key of the sessions' `AuditAnchor`."""
PENDING = "audit_pending_checkpoint"
"""`Session.info` key of the last entry appended in the open transaction."""

GENESIS = "0" * 64
"""The previous digest of the first entry."""

HEAD_ID = 1


def entry_digest(
    *,
    sequence: int,
    recorded_at: str,
    actor: str,
    action: str,
    payload_digest: str,
    previous_digest: str,
) -> str:
    return sha256(
        json_text(
            {
                "sequence": sequence,
                "recorded_at": recorded_at,
                "actor": actor,
                "action": action,
                "payload_digest": payload_digest,
                "previous_digest": previous_digest,
            }
        )
    )


def append(session: Session, actor: str, action: str, payload: dict[str, Any]) -> AuditEntryRow:
    """Append one entry inside the caller's transaction; it is kept only if that commits."""
    head = session.get(
        AuditHeadRow, HEAD_ID, with_for_update=for_update(session), populate_existing=True
    )
    if head is None:
        raise RuntimeError("the audit log has no head row: the store's schema is not migrated")
    text = json_text(payload)
    sequence = head.sequence + 1
    recorded_at = datetime.now(UTC).isoformat(timespec="microseconds")
    payload_digest = sha256(text)
    digest = entry_digest(
        sequence=sequence,
        recorded_at=recorded_at,
        actor=actor,
        action=action,
        payload_digest=payload_digest,
        previous_digest=head.entry_digest,
    )
    entry = AuditEntryRow(
        sequence=sequence,
        recorded_at=recorded_at,
        actor=actor,
        action=action,
        payload=text,
        payload_digest=payload_digest,
        previous_digest=head.entry_digest,
        entry_digest=digest,
    )
    session.add(entry)
    head.sequence = sequence
    head.entry_digest = digest
    session.flush()
    session.info[PENDING] = Checkpoint(sequence, digest)
    return entry


def attach_anchor(sessions: sessionmaker[Session], anchor: AuditAnchor) -> None:
    """Sessions from `sessions` checkpoint their appends with `anchor` once committed."""
    sessions.configure(info={ANCHOR: anchor})


def anchor_of(session: Session) -> AuditAnchor | None:
    anchor = session.info.get(ANCHOR)
    return anchor if isinstance(anchor, AuditAnchor) else None


@event.listens_for(Session, "after_commit")
def _checkpoint_committed(session: Session) -> None:
    pending = session.info.pop(PENDING, None)
    anchor = anchor_of(session)
    if pending is None or anchor is None:
        return
    try:
        anchor.record([pending])
    except OSError as error:
        # The entry is committed and chained; the next checkpoint anchors it too.
        logger.error("audit checkpoint %d not written: %s", pending.sequence, error.strerror)


@event.listens_for(Session, "after_rollback")
def _forget_rolled_back(session: Session) -> None:
    session.info.pop(PENDING, None)


def list_entries(
    *, session: Session, offset: int, limit: int
) -> tuple[Sequence[AuditEntryRow], int]:
    total = session.scalar(select(func.count()).select_from(AuditEntryRow)) or 0
    rows = session.scalars(
        select(AuditEntryRow).order_by(AuditEntryRow.sequence).offset(offset).limit(limit)
    ).all()
    return rows, total


def filter_entries(
    *, session: Session, action: str | None, actor: str | None, offset: int, limit: int
) -> tuple[Sequence[AuditEntryRow], int]:
    """A page of the entries of one action and/or actor, in sequence order."""
    conditions = []
    if action:
        conditions.append(AuditEntryRow.action == action)
    if actor:
        conditions.append(AuditEntryRow.actor == actor)
    total = session.scalar(select(func.count()).select_from(AuditEntryRow).where(*conditions)) or 0
    rows = session.scalars(
        select(AuditEntryRow)
        .where(*conditions)
        .order_by(AuditEntryRow.sequence)
        .offset(offset)
        .limit(limit)
    ).all()
    return rows, total


def list_actions(*, session: Session) -> list[str]:
    """The actions the log holds, for a filter's choices."""
    return list(
        session.scalars(select(AuditEntryRow.action).distinct().order_by(AuditEntryRow.action))
    )


@dataclass(frozen=True, slots=True)
class Verification:
    ok: bool
    entries: int
    first_bad_sequence: int | None
    problem: str | None
    last_digest: str
    """Digest of the last entry that holds: record it elsewhere to anchor the log."""
    anchored_sequence: int = 0
    """The last entry that matches its signed checkpoint (0: none is checkpointed)."""
    unanchored_entries: int = 0
    """Sound entries after the last checkpoint (written, but not yet vouched for outside)."""


def verify(*, session: Session, batch: int = 5000) -> Verification:
    """Walk the chain from the first entry and compare it with the signed checkpoints; stop at
    the first entry that does not hold. Without an anchor only the chain is checked."""
    anchor = anchor_of(session)
    checkpoints = anchor.read() if anchor is not None else CheckpointLog({}, None)
    walk = _walk(session, checkpoints.checkpoints, batch)
    if walk.problem is not None:
        return walk
    last = walk.entries
    if checkpoints.last_sequence > last:
        return _failed(walk, last + 1, f"entries after {last} are missing")
    head = session.get(AuditHeadRow, HEAD_ID)
    if head is None or head.sequence != last or head.entry_digest != walk.last_digest:
        return _failed(walk, last + 1, f"entries after {last} are missing")
    if checkpoints.bad_line is not None:
        return _failed(
            walk,
            None,
            f"line {checkpoints.bad_line} of the checkpoint file is not a signed checkpoint",
        )
    return walk


def _failed(walk: Verification, sequence: int | None, problem: str) -> Verification:
    return Verification(
        False,
        walk.entries,
        sequence,
        problem,
        walk.last_digest,
        walk.anchored_sequence,
        walk.unanchored_entries,
    )


def _walk(session: Session, checkpoints: dict[int, str], batch: int) -> Verification:
    expected_sequence = 1
    previous = GENESIS
    anchored = 0
    while True:
        rows = session.scalars(
            select(AuditEntryRow)
            .where(AuditEntryRow.sequence >= expected_sequence)
            .order_by(AuditEntryRow.sequence)
            .limit(batch)
        ).all()
        if not rows:
            break
        for row in rows:
            problem = _entry_problem(row, expected_sequence, previous)
            if problem is None and checkpoints.get(row.sequence, row.entry_digest) != (
                row.entry_digest
            ):
                problem = f"entry {row.sequence} differs from its signed checkpoint"
            count = expected_sequence - 1
            if problem is not None:
                return Verification(
                    False, count, row.sequence, problem, previous, anchored, count - anchored
                )
            if row.sequence in checkpoints:
                anchored = row.sequence
            previous = row.entry_digest
            expected_sequence += 1
    count = expected_sequence - 1
    return Verification(True, count, None, None, previous, anchored, count - anchored)


def _entry_problem(row: AuditEntryRow, expected_sequence: int, previous: str) -> str | None:
    if row.sequence != expected_sequence:
        return f"entry {expected_sequence} is missing"
    if sha256(row.payload) != row.payload_digest:
        return "the payload does not match its digest"
    if row.previous_digest != previous:
        return "the entry does not follow the previous entry"
    recomputed = entry_digest(
        sequence=row.sequence,
        recorded_at=row.recorded_at,
        actor=row.actor,
        action=row.action,
        payload_digest=row.payload_digest,
        previous_digest=row.previous_digest,
    )
    if recomputed != row.entry_digest:
        return "the entry does not match its digest"
    return None
