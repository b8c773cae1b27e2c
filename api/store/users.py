"""Console accounts and their sign-in sessions (sessions kept only as cookie digests)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from api.db import now
from api.errors import NotFoundError
from api.tables import ConsoleSessionRow, UserRow


def add_user(*, session: Session, name: str, role: str, password_hash: str) -> UserRow:
    user = UserRow(
        user_id=uuid.uuid4(),
        name=name,
        role=role,
        password_hash=password_hash,
        active=True,
        created_at=now(),
    )
    session.add(user)
    session.flush()
    return user


def find_user(*, session: Session, name: str) -> UserRow | None:
    return session.scalar(select(UserRow).where(UserRow.name == name))


def get_user(*, session: Session, user_id: uuid.UUID) -> UserRow:
    user = session.get(UserRow, user_id)
    if user is None:
        raise NotFoundError("User not found")
    return user


def list_users(*, session: Session) -> Sequence[UserRow]:
    return session.scalars(select(UserRow).order_by(UserRow.name)).all()


def set_password_hash(*, session: Session, user: UserRow, password_hash: str) -> None:
    user.password_hash = password_hash
    session.flush()


def deactivate_user(*, session: Session, user: UserRow) -> None:
    """The account can no longer sign in; its sessions end with it."""
    user.active = False
    session.execute(delete(ConsoleSessionRow).where(ConsoleSessionRow.user_id == user.user_id))
    session.flush()


def add_console_session(
    *,
    session: Session,
    session_digest: str,
    user_id: uuid.UUID,
    csrf_token: str,
    expires_at: datetime,
) -> None:
    session.add(
        ConsoleSessionRow(
            session_digest=session_digest,
            user_id=user_id,
            csrf_token=csrf_token,
            created_at=now(),
            expires_at=expires_at,
        )
    )
    session.flush()


def find_console_session(
    *, session: Session, session_digest: str
) -> tuple[ConsoleSessionRow, UserRow] | None:
    """The session and its account, while the account is active; expiry is the caller's test."""
    found = session.execute(
        select(ConsoleSessionRow, UserRow)
        .join(UserRow, UserRow.user_id == ConsoleSessionRow.user_id)
        .where(ConsoleSessionRow.session_digest == session_digest, UserRow.active.is_(True))
    ).first()
    return None if found is None else (found[0], found[1])


def delete_console_session(*, session: Session, session_digest: str) -> None:
    session.execute(
        delete(ConsoleSessionRow).where(ConsoleSessionRow.session_digest == session_digest)
    )


def delete_expired_sessions(*, session: Session, moment: datetime) -> None:
    session.execute(delete(ConsoleSessionRow).where(ConsoleSessionRow.expires_at <= moment))
