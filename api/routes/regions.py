"""Regions: the 20 administrative divisions with their centres."""

from __future__ import annotations

from fastapi import APIRouter

from api import store
from api.deps import AnyRole, SessionDep
from api.routes import responses
from api.schemas import RegionPublic

router = APIRouter(prefix="/regions", tags=["regions"])


@router.get("", responses=responses())
def list_regions(session: SessionDep, _user: AnyRole) -> list[RegionPublic]:
    """List every region (ISO 3166-2:KZ) with its administrative centre and population."""
    return [RegionPublic.from_row(r) for r in store.list_regions(session=session)]
