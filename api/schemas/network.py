"""Regions and facilities, and occupancy corrections."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from api.schemas.common import Count, RequestModel
from api.tables import FacilityRow, RegionRow
from optimizer.domain import AgeCategory, SecurityLevel, Sex


class RegionPublic(BaseModel):
    """A region (ISO 3166-2:KZ) with its administrative centre."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "region": "KZ-75",
                    "name": "Almaty (city)",
                    "centre": "Almaty",
                    "lat": 43.26,
                    "lon": 76.93,
                    "population": 2347924,
                }
            ]
        }
    )

    region: str
    name: str
    centre: str
    lat: float
    lon: float
    population: int

    @classmethod
    def from_row(cls, row: RegionRow) -> RegionPublic:
        return cls(
            region=row.region,
            name=row.name,
            centre=row.centre,
            lat=row.lat,
            lon=row.lon,
            population=row.population,
        )


class FacilityPublic(BaseModel):
    """A facility with its capacity and current occupancy; `version` counts occupancy changes."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "facility_id": "F004",
                    "name": "ОВ-156/3 Semey",
                    "region": "KZ-10",
                    "lat": 50.38,
                    "lon": 80.17,
                    "security_level": "maximum",
                    "sex": "M",
                    "age_category": "adult",
                    "capacity": 800,
                    "occupied": 690,
                    "free_places": 110,
                    "medical_profile": "",
                    "for_former_officers": False,
                    "criminal_history": "repeat",
                    "for_life_sentences": False,
                    "version": 0,
                }
            ]
        }
    )

    facility_id: str
    name: str
    region: str
    lat: float
    lon: float
    security_level: SecurityLevel
    sex: Sex
    age_category: AgeCategory
    capacity: int
    occupied: int
    free_places: int
    medical_profile: str
    for_former_officers: bool
    criminal_history: str
    """first-time, repeat, or both (isolated sections sharing the facility's places)."""
    for_life_sentences: bool
    version: int

    @classmethod
    def from_row(cls, row: FacilityRow) -> FacilityPublic:
        return cls(
            facility_id=row.facility_id,
            name=row.name,
            region=row.region,
            lat=row.lat,
            lon=row.lon,
            security_level=SecurityLevel(row.security_level),
            sex=Sex(row.sex),
            age_category=AgeCategory(row.age_category),
            capacity=row.capacity,
            occupied=row.occupied,
            free_places=row.capacity - row.occupied,
            medical_profile=row.medical_profile,
            for_former_officers=row.for_former_officers,
            criminal_history=row.criminal_history,
            for_life_sentences=row.for_life_sentences,
            version=row.version,
        )


class OccupancyUpdate(RequestModel):
    """A correction of a facility's occupancy: between 0 and its capacity."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"occupied": 512}]})

    occupied: Count = Field(
        ge=0, le=10_000_000, description="convicts now held; at most the capacity"
    )
