"""Roles, bearer tokens, console accounts and their sign-in sessions.

A token is 32 random bytes shown once at creation; the store keeps only its SHA-256 digest
(a fast hash is enough for random tokens: there is nothing to guess from). Each route names the
roles it admits; `admin` is admitted everywhere.

A console account is a person's name, role and password, kept as an argon2 hash (a password
is guessable, so its hash must be slow). Signing in issues a random session cookie, stored as
its digest with a form token (CSRF) that every form of the session carries back.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from sqlalchemy.orm import Session, sessionmaker

from api import store
from api.db import now

TOKEN_PREFIX = "plc_"
MAX_NAME = 200
MIN_PASSWORD = 10
MAX_PASSWORD = 1000
SESSION_LIFETIME = timedelta(hours=12)


class Role(StrEnum):
    ALLOCATOR = "allocator"
    """Submits and commits allocation runs."""
    REVIEWER = "reviewer"
    """Reads runs and explanations; files, decides and approves transfer requests."""
    ANALYST = "analyst"
    """Reads runs, explanations and transfer requests; runs transfer campaigns and benchmarks."""
    AUDITOR = "auditor"
    """Reads runs, explanations and the audit log."""
    ADMIN = "admin"
    """Everything, including occupancy corrections."""


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling: the token's name and role."""

    name: str
    role: Role

    @property
    def actor(self) -> str:
        """How the audit log names this caller."""
        return f"{self.role.value}:{self.name}"


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def create_token(*, session: Session, role: Role, name: str) -> str:
    """Store a new token for `name` with `role` (inside a write transaction); return it once."""
    token = new_token()
    store.add_token(session=session, name=name, role=role.value, token_digest=token_digest(token))
    return token


class TokenVerifier:
    """Looks tokens up by digest, trusting a verified one for `cache_s` seconds."""

    def __init__(self, sessions: sessionmaker[Session], cache_s: float) -> None:
        self._sessions = sessions
        self._cache_s = cache_s
        self._cache: dict[str, tuple[float, Principal]] = {}
        self._lock = threading.Lock()

    def cached(self, token: str) -> Principal | None:
        """The principal if the token was verified less than `cache_s` ago; never blocks."""
        with self._lock:
            entry = self._cache.get(token_digest(token))
        if entry is not None and time.monotonic() - entry[0] < self._cache_s:
            return entry[1]
        return None

    def forget(self, digest: str) -> None:
        """Drop a token from memory at once (it was revoked); other processes drop it after
        `cache_s` seconds at most."""
        with self._lock:
            self._cache.pop(digest, None)

    def principal(self, token: str) -> Principal | None:
        """The token's principal, from memory or the store; None for an unknown or revoked token."""
        found = self.cached(token)
        if found is not None:
            return found
        digest = token_digest(token)
        moment = time.monotonic()
        with self._sessions() as session:
            row = store.find_token(session=session, token_digest=digest)
            found = None if row is None else Principal(row.name, Role(row.role))
        if found is not None and self._cache_s > 0:
            with self._lock:
                if len(self._cache) > 10_000:
                    self._cache.clear()
                self._cache[digest] = (moment, found)
        return found


class AccountError(ValueError):
    """A console account that cannot be created as asked: the message says why, in English;
    `key` and `fields` say it in the command's catalogue (`cli`, `account.<key>`)."""

    def __init__(self, message: str, *, key: str, **fields: object) -> None:
        super().__init__(message)
        self.key = key
        self.fields = fields


@dataclass(frozen=True, slots=True)
class ConsoleUser:
    """A signed-in person: who, with which role, and the session's form (CSRF) token."""

    user_id: uuid.UUID
    principal: Principal
    csrf_token: str


def hash_password(password: str) -> str:
    from argon2 import PasswordHasher

    return PasswordHasher().hash(password)


def password_matches(password_hash: str, password: str) -> bool:
    from argon2 import PasswordHasher
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        return PasswordHasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def check_account(name: str, password: str) -> str:
    """The name as stored (trimmed); `AccountError` for a name or password not acceptable."""
    name = name.strip()
    if not name or len(name) > MAX_NAME or "\x00" in name:
        raise AccountError(
            f"the name must be 1 to {MAX_NAME} characters", key="name-length", limit=MAX_NAME
        )
    if len(password) < MIN_PASSWORD or len(password) > MAX_PASSWORD or "\x00" in password:
        raise AccountError(
            f"the password must be {MIN_PASSWORD} to {MAX_PASSWORD} characters",
            key="password-length",
            low=MIN_PASSWORD,
            high=MAX_PASSWORD,
        )
    return name


def create_user(*, session: Session, role: Role, name: str, password: str) -> uuid.UUID:
    """Store a new account (inside a write transaction); `AccountError` if the name is taken."""
    name = check_account(name, password)
    if store.find_user(session=session, name=name) is not None:
        raise AccountError(f"an account named {name!r} exists already", key="exists", name=name)
    return store.add_user(
        session=session, name=name, role=role.value, password_hash=hash_password(password)
    ).user_id


# A hash to verify against when the name is unknown, so that a wrong name takes as long as a
# wrong password and the timing does not tell which names exist.
_DUMMY_HASH: list[str] = []


def sign_in(*, session: Session, name: str, password: str) -> tuple[str, ConsoleUser] | None:
    """A new session (inside a write transaction) for the right name and password of an active
    account: the cookie value, shown only now, and the signed-in user; None otherwise."""
    user = store.find_user(session=session, name=name.strip())
    if user is None or not user.active:
        if not _DUMMY_HASH:
            _DUMMY_HASH.append(hash_password(secrets.token_hex(16)))
        password_matches(_DUMMY_HASH[0], password)
        return None
    if not password_matches(user.password_hash, password):
        return None
    cookie = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    moment = now()
    store.delete_expired_sessions(session=session, moment=moment)
    store.add_console_session(
        session=session,
        session_digest=token_digest(cookie),
        user_id=user.user_id,
        csrf_token=csrf,
        expires_at=moment + SESSION_LIFETIME,
    )
    return cookie, ConsoleUser(user.user_id, Principal(user.name, Role(user.role)), csrf)


def session_user(
    *, session: Session, cookie: str, moment: datetime | None = None
) -> ConsoleUser | None:
    """The signed-in user of a session cookie; None for an unknown, expired or revoked one."""
    found = store.find_console_session(session=session, session_digest=token_digest(cookie))
    if found is None:
        return None
    row, user = found
    expires = row.expires_at if row.expires_at.tzinfo else row.expires_at.replace(tzinfo=UTC)
    if expires <= (moment or now()):
        return None
    return ConsoleUser(user.user_id, Principal(user.name, Role(user.role)), row.csrf_token)


def sign_out(*, session: Session, cookie: str) -> None:
    """End the session (inside a write transaction)."""
    store.delete_console_session(session=session, session_digest=token_digest(cookie))


def forms_match(expected: str, given: str | None) -> bool:
    """Whether a form carried back its session's CSRF token."""
    return given is not None and secrets.compare_digest(expected, given)
