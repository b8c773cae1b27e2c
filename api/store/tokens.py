"""Bearer tokens, kept only as their digests; a revoked token stays listed but is never found."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.db import now
from api.errors import NotFoundError
from api.tables import ApiTokenRow

TOKEN_NOT_FOUND = "Token not found"


def add_token(*, session: Session, name: str, role: str, token_digest: str) -> ApiTokenRow:
    token = ApiTokenRow(
        token_id=uuid.uuid4(),
        name=name,
        role=role,
        token_digest=token_digest,
        created_at=now(),
        revoked_at=None,
    )
    session.add(token)
    session.flush()
    return token


def find_token(*, session: Session, token_digest: str) -> ApiTokenRow | None:
    """The live token with this digest; None for an unknown or a revoked one."""
    return session.scalar(
        select(ApiTokenRow).where(
            ApiTokenRow.token_digest == token_digest, ApiTokenRow.revoked_at.is_(None)
        )
    )


def list_tokens(*, session: Session) -> Sequence[ApiTokenRow]:
    """Every token issued, newest first, revoked ones included."""
    return session.scalars(
        select(ApiTokenRow).order_by(ApiTokenRow.created_at.desc(), ApiTokenRow.name)
    ).all()


def get_token(*, session: Session, token_id: uuid.UUID) -> ApiTokenRow:
    token = session.get(ApiTokenRow, token_id)
    if token is None:
        raise NotFoundError(TOKEN_NOT_FOUND)
    return token


def revoke_token(*, session: Session, token: ApiTokenRow) -> None:
    """Mark the token revoked now (inside `writing`)."""
    token.revoked_at = now()
    session.flush()


def revoke_tokens_named(*, session: Session, name: str) -> list[ApiTokenRow]:
    """Revoke every live token issued to `name` (inside `writing`); those rows, oldest first."""
    rows = list(
        session.scalars(
            select(ApiTokenRow)
            .where(ApiTokenRow.name == name, ApiTokenRow.revoked_at.is_(None))
            .order_by(ApiTokenRow.created_at)
        )
    )
    for row in rows:
        row.revoked_at = now()
    session.flush()
    return rows
