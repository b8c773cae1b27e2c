"""Console accounts and bearer tokens issued and revoked by an admin, each step audited.

The log names the account (a member of staff), never a password or a token.
"""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from api import audit, store
from api.auth import Role, create_token, create_user
from api.db import writing


def create_account(
    *, session: Session, role: Role, name: str, password: str, actor: str
) -> uuid.UUID:
    """A new account with its audit entry; `AccountError` for a taken name or a bad password."""
    with writing(session):
        user_id = create_user(session=session, role=role, name=name, password=password)
        audit.append(
            session, actor, "account.created", {"user_id": str(user_id), "role": role.value}
        )
    return user_id


def revoke_account(*, session: Session, user_id: uuid.UUID, actor: str) -> None:
    """The account can no longer sign in and its sessions end at once."""
    with writing(session):
        user = store.get_user(session=session, user_id=user_id)
        store.deactivate_user(session=session, user=user)
        audit.append(session, actor, "account.revoked", {"user_id": str(user_id)})


def issue_token(*, session: Session, role: Role, name: str, actor: str) -> str:
    """A new bearer token for the API, shown once; the log keeps its role, not the token."""
    with writing(session):
        token = create_token(session=session, role=role, name=name)
        audit.append(session, actor, "token.issued", {"role": role.value})
    return token
