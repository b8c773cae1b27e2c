"""The hash chain under concurrent writers."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from fastapi import FastAPI

from api import audit, db

ATTEMPTS = 4


def test_concurrent_appends_get_consecutive_sequence_numbers(app: FastAPI) -> None:
    opened: db.Store = app.state.store
    start = threading.Barrier(ATTEMPTS)

    def append(n: int) -> int:
        with opened.sessions() as session:
            start.wait()
            with db.writing(session):
                return audit.append(session, "reviewer:t", "transfer.decided", {"n": n}).sequence

    with ThreadPoolExecutor(ATTEMPTS) as pool:
        sequences = sorted(pool.map(append, range(ATTEMPTS)))
    assert sequences == list(range(2, 2 + ATTEMPTS))
    with opened.sessions() as session:
        assert audit.verify(session=session).ok
