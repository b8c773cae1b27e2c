"""Retention: uncommitted runs are deleted after `Settings.keep_uncommitted_runs_days`.

A solved run keeps every placement with its explanation (about 5.6 KB each: 250 MB for a
50,000-convict run). A run that nobody committed within the retention period (30 days by
default) is deleted with its placements, in one transaction with an audit entry naming the
runs; its `run.created` entry stays in the log. Committed runs are kept for good: their
placements are the record of who was sent where and why. The service sweeps at start and then
every `SWEEP_INTERVAL_S`.
"""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

from sqlalchemy.orm import Session, sessionmaker

from api import audit, store
from api.db import now, writing

logger = logging.getLogger(__name__)

SWEEP_INTERVAL_S = 6 * 3600.0
BATCH = 100
"""Runs deleted per transaction: a large run's placements make each batch a big delete."""


def delete_expired_runs(*, session: Session, keep_days: float, actor: str = "system") -> int:
    """Delete uncommitted runs older than `keep_days`, a batch per transaction; how many."""
    cutoff = now() - timedelta(days=keep_days)
    total = 0
    while True:
        with writing(session):
            deleted = store.delete_uncommitted_runs(session=session, before=cutoff, limit=BATCH)
            if deleted:
                audit.append(
                    session,
                    actor,
                    "runs.expired",
                    {
                        "run_ids": [str(r) for r in deleted],
                        "uncommitted_before": cutoff.isoformat(timespec="seconds"),
                        "keep_days": keep_days,
                    },
                )
        total += len(deleted)
        if len(deleted) < BATCH:
            return total


class RetentionSweeper:
    """A daemon thread that deletes expired runs at start and every `interval_s`."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        keep_days: float,
        interval_s: float = SWEEP_INTERVAL_S,
    ) -> None:
        self._sessions = sessions
        self._keep_days = keep_days
        self._interval_s = interval_s
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start sweeping; an application started again (its lifespan re-entered) starts anew."""
        self.close()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="run-retention", daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None and self._thread.is_alive():
            self._thread.join(timeout=30)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                with self._sessions() as session:
                    deleted = delete_expired_runs(session=session, keep_days=self._keep_days)
                if deleted:
                    logger.info("deleted %d uncommitted runs past retention", deleted)
            except Exception as error:  # the next sweep tries again
                logger.error("retention sweep failed: %s", type(error).__name__)
            self._stop.wait(self._interval_s)
