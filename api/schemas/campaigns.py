"""Transfer campaigns: the escort service's limits asked for, and the phased plan answered."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, StrictBool

from api.schemas.common import Count, Language, RequestModel
from optimizer.domain import DistanceKind
from optimizer.transfers.limits import DEFAULT_MIN_SAVED_KM, CampaignLimits, CampaignScope


class TransferCampaignCreate(RequestModel):
    """The escort service's limits, which distances to use, and whether (and which page of)
    the moves to return. `scope`: `requests` moves only convicts with an open request;
    `everyone` is a what-if."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"include_moves": True, "moves_limit": 100},
                {"scope": "everyone", "min_saved_km": 300, "max_moves": 500, "time_limit_s": 5},
            ]
        },
    )

    distance: DistanceKind = DistanceKind.GREAT_CIRCLE
    scope: CampaignScope = CampaignScope.REQUESTS
    min_saved_km: float = Field(default=DEFAULT_MIN_SAVED_KM, ge=0, le=10_000)
    max_moves: Count | None = Field(default=None, ge=0, le=1_000_000)
    max_weeks: Count | None = Field(default=None, ge=1, le=520)
    time_limit_s: float = Field(
        default=2.0,
        gt=0,
        le=4,
        description="solver time; a what-if over everyone may end unproven (`optimal` false)",
    )
    lang: Language = Field(
        default=Language.EN, description="the language of `text` and of the manifests' names"
    )
    include_moves: StrictBool = False
    moves_offset: Count = Field(default=0, ge=0, le=2**31 - 1)
    moves_limit: Count = Field(default=1000, ge=1, le=10_000)

    def limits(self) -> CampaignLimits:
        """The escort service's limits this request asks for (seats come from the service)."""
        return CampaignLimits(
            min_saved_km=self.min_saved_km,
            max_moves=self.max_moves,
            max_weeks=self.max_weeks,
            scope=self.scope,
        )

    def token(self) -> str:
        """The campaign's limits as a URL-safe token: a manifest link recomputes the same plan."""
        limits = self.model_dump_json(exclude={"include_moves", "moves_offset", "moves_limit"})
        return base64.urlsafe_b64encode(limits.encode()).decode().rstrip("=")

    @classmethod
    def from_token(cls, token: str) -> TransferCampaignCreate:
        """The limits a `token` carries; ValueError when it is not one of ours."""
        try:
            text = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        except (binascii.Error, UnicodeDecodeError, ValueError):
            raise ValueError("not a campaign token") from None
        return cls.model_validate_json(text)


class TransferCampaignWeek(BaseModel):
    """One week of the phased plan and the link to its manifest (CSV)."""

    week: int
    moves: int
    newly_home: int
    km_saved: float
    manifest: str = Field(description="GET it for the week's manifest as CSV")


class TransferCampaignPublic(BaseModel):
    """The best transfer campaign over today's population: advice, nothing is changed."""

    summary: dict[str, Any] = Field(
        description="optimizer.transfers campaign: moved, home before and after, km saved, by "
        "home region"
    )
    text: str
    weeks_needed: int = Field(description="weeks of escort seats the phased plan needs")
    weeks_proven_minimal: bool
    weeks: list[TransferCampaignWeek]
    moves_total: int
    moves: list[dict[str, Any]] | None = Field(
        description="the requested page of moves, in population order; null unless asked"
    )
