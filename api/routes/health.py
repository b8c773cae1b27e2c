"""Liveness: answers without a token, touches nothing but the database connection."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import text

from api.deps import SessionDep
from api.schemas import Health

router = APIRouter(tags=["health"])


@router.get("/health")
def health(session: SessionDep) -> Health:
    """Whether the service is up and its store answers."""
    session.execute(text("SELECT 1"))
    return Health()
