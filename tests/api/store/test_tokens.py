"""Stored tokens: found by digest only."""

from __future__ import annotations

from fastapi import FastAPI

from api import db, store


def test_a_token_is_found_by_its_digest(app: FastAPI) -> None:
    with app.state.store.sessions() as session, db.writing(session):
        added = store.add_token(session=session, name="desk", role="auditor", token_digest="d" * 64)
    with app.state.store.sessions() as session:
        found = store.find_token(session=session, token_digest="d" * 64)
        assert found is not None and (found.token_id, found.role) == (added.token_id, "auditor")
        assert store.find_token(session=session, token_digest="e" * 64) is None
