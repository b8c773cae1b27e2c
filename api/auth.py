"""Roles and bearer tokens.

A token is 32 random bytes shown once at creation; the store keeps only its SHA-256 digest
(a fast hash is enough for random tokens: there is nothing to guess from). Each route names the
roles it admits; `admin` is admitted everywhere.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy.orm import Session, sessionmaker

from api import store

TOKEN_PREFIX = "plc_"


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

    def principal(self, token: str) -> Principal | None:
        """The token's principal, from memory or the store; None for an unknown token."""
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
