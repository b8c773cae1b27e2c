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


def test_a_revoked_token_is_listed_but_never_found(app: FastAPI) -> None:
    with app.state.store.sessions() as session, db.writing(session):
        added = store.add_token(session=session, name="desk", role="auditor", token_digest="d" * 64)
        store.add_token(session=session, name="gate", role="reviewer", token_digest="f" * 64)
    with app.state.store.sessions() as session, db.writing(session):
        token = store.get_token(session=session, token_id=added.token_id)
        store.revoke_token(session=session, token=token)
    with app.state.store.sessions() as session:
        assert store.find_token(session=session, token_digest="d" * 64) is None
        assert store.find_token(session=session, token_digest="f" * 64) is not None
        listed = {t.name: t.revoked_at is not None for t in store.list_tokens(session=session)}
        assert listed == {"desk": True, "gate": False}
