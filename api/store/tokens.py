"""Bearer tokens, kept only as their digests."""

from __future__ import annotations

import uuid

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from api.db import now
from api.tables import ApiTokenRow


def add_token(*, session: Session, name: str, role: str, token_digest: str) -> ApiTokenRow:
    token = ApiTokenRow(
        token_id=uuid.uuid4(), name=name, role=role, token_digest=token_digest, created_at=now()
    )
    session.add(token)
    session.flush()
    return token


def find_token(*, session: Session, token_digest: str) -> ApiTokenRow | None:
    return session.scalar(select(ApiTokenRow).where(ApiTokenRow.token_digest == token_digest))


def delete_tokens(*, session: Session, name: str) -> list[ApiTokenRow]:
    """Remove every token issued to `name`; the removed rows, oldest first."""
    rows = list(
        session.scalars(
            select(ApiTokenRow).where(ApiTokenRow.name == name).order_by(ApiTokenRow.created_at)
        )
    )
    if rows:
        session.execute(delete(ApiTokenRow).where(ApiTokenRow.name == name))
    return rows
