"""Liveness and metrics: both answer without a token and hold no convict data."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import PlainTextResponse
from sqlalchemy import text

from api.deps import SessionDep
from api.metrics import METRICS
from api.schemas import Health

router = APIRouter(tags=["health"])


@router.get("/health")
def health(session: SessionDep) -> Health:
    """Whether the service is up and its store answers."""
    session.execute(text("SELECT 1"))
    return Health()


@router.get(
    "/metrics",
    response_class=PlainTextResponse,
    responses={200: {"content": {"text/plain": {"schema": {"type": "string"}}}}},
)
def metrics() -> PlainTextResponse:
    """Prometheus text format: requests by method, route template and status, request
    latencies and solve times, for this worker process (labelled by `pid`)."""
    return PlainTextResponse(METRICS.render(), media_type="text/plain; version=0.0.4")
