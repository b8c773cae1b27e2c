"""Issuing and revoking bearer tokens, each recorded in the audit log (never the token itself).

A revoked token stops working at once in new processes, and within `Settings.token_cache_s`
(30 s by default) in a running service, which trusts a verified token that long.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from api import audit, store
from api.auth import Role, token_digest
from api.auth import create_token as new_stored_token
from api.db import writing


def issue_token(*, session: Session, role: Role, name: str, actor: str) -> str:
    """Store a new token for `name` with `role` and audit it, in one transaction; return it."""
    with writing(session):
        token = new_stored_token(session=session, role=role, name=name)
        row = store.find_token(session=session, token_digest=token_digest(token))
        assert row is not None, "the token was just stored"
        audit.append(
            session,
            actor,
            "token.created",
            {"token_id": str(row.token_id), "name": name, "role": role.value},
        )
    return token


def revoke_tokens(*, session: Session, name: str, actor: str) -> int:
    """Revoke every live token of `name` and audit each, in one transaction; how many."""
    with writing(session):
        rows = store.revoke_tokens_named(session=session, name=name)
        for row in rows:
            audit.append(
                session,
                actor,
                "token.revoked",
                {"token_id": str(row.token_id), "name": row.name, "role": row.role},
            )
    return len(rows)
