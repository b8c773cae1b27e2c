"""Console accounts and bearer tokens issued and revoked by an admin, and sign-ins and
sign-outs, each step audited.

The log names the account (a member of staff), never a password, a token or a session cookie.
A refused sign-in is not logged: what was typed into the name field may be a password.
"""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from api import audit, store
from api.auth import (
    ConsoleUser,
    Role,
    create_token,
    create_user,
    sign_in,
    sign_out,
    token_digest,
)
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
        issued = store.find_token(session=session, token_digest=token_digest(token))
        assert issued is not None
        audit.append(
            session,
            actor,
            "token.issued",
            {"token_id": str(issued.token_id), "name": name, "role": role.value},
        )
    return token


def revoke_token(*, session: Session, token_id: uuid.UUID, actor: str) -> str:
    """The token is refused from now on; returns its digest, for the verifier to forget it.

    Revoking a revoked token changes nothing and is not logged again.
    """
    with writing(session):
        token = store.get_token(session=session, token_id=token_id)
        if token.revoked_at is None:
            store.revoke_token(session=session, token=token)
            audit.append(session, actor, "token.revoked", {"token_id": str(token_id)})
    return token.token_digest


def open_session(*, session: Session, name: str, password: str) -> tuple[str, ConsoleUser] | None:
    """Sign in with the right name and password of an active account: the session cookie and
    the user, the sign-in audited; None, and nothing logged, otherwise."""
    with writing(session):
        signed = sign_in(session=session, name=name, password=password)
        if signed is not None:
            user = signed[1]
            audit.append(
                session, user.principal.actor, "account.signed-in", {"user_id": str(user.user_id)}
            )
    return signed


def close_session(*, session: Session, user: ConsoleUser, cookie: str) -> None:
    """End the signed-in session, the sign-out audited."""
    with writing(session):
        sign_out(session=session, cookie=cookie)
        audit.append(
            session, user.principal.actor, "account.signed-out", {"user_id": str(user.user_id)}
        )
