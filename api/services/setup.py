"""Opening a store: the schema migrated, the national network and population seeded once.

`open_store` is the one way the service and the `placement serve` / `placement token create`
commands open a store.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd
from sqlalchemy.orm import Session

from api import audit, store
from api.audit_anchor import AuditAnchor
from api.db import Store, writing
from api.services.population import standing_population
from api.settings import Settings

logger = logging.getLogger(__name__)


def open_store(settings: Settings) -> Store:
    """The store at `settings.database_url`, migrated and seeded from the settings' files, its
    audit log checkpointed with the settings' key into their checkpoint file."""
    return open_database(
        settings.database_url,
        regions_path=settings.regions_path,
        facilities_path=settings.facilities_path,
        population_path=settings.population_path,
        anchor=audit_anchor(settings),
    )


def audit_anchor(settings: Settings) -> AuditAnchor:
    """The settings' audit anchor: key from the environment or the key file (made if absent)."""
    key_path, checkpoint_path = settings.audit_paths()
    key = settings.audit_key.get_secret_value() if settings.audit_key is not None else None
    return AuditAnchor.open(key_path, checkpoint_path, key)


def open_database(
    database_url: str,
    *,
    regions_path: Path | None = None,
    facilities_path: Path | None = None,
    population_path: Path | None = None,
    anchor: AuditAnchor | None = None,
) -> Store:
    """The store at the URL, migrated; an empty one seeded from the files (default: bundled).

    With an anchor, every audit entry appended through the store's sessions is checkpointed.
    """
    opened = Store.connect(database_url)
    if anchor is not None:
        audit.attach_anchor(opened.sessions, anchor)
    try:
        with opened.sessions() as session:
            seeded = seed(
                session=session,
                regions_path=regions_path,
                facilities_path=facilities_path,
                population_path=population_path,
            )
            if not seeded:
                seed_population(session=session, population_path=population_path)
    except BaseException:
        opened.close()
        raise
    return opened


def seed(
    *,
    session: Session,
    regions_path: Path | None = None,
    facilities_path: Path | None = None,
    population_path: Path | None = None,
) -> bool:
    """Fill an empty store from the national data set in one transaction; False if not empty.

    The population is seeded with the facilities, so that the two agree from the start.
    """
    from optimizer.data import read_facilities, read_regions

    with writing(session):
        if store.has_regions(session=session):
            return False
        regions = read_regions(regions_path)
        facilities = read_facilities(facilities_path, regions)
        store.insert_network(session=session, regions=regions, facilities=facilities)
        population, source = _insert_standing_population(
            session, regions, facilities, population_path
        )
        audit.append(
            session,
            "system",
            "store.seeded",
            {
                "regions": len(regions),
                "facilities": len(facilities),
                "capacity": int(facilities["capacity"].sum()),
                "occupied": int(facilities["occupied"].sum()),
                "facility_figures": {
                    str(f): [int(c), int(o)]
                    for f, c, o in zip(
                        facilities["facility_id"].tolist(),
                        facilities["capacity"].tolist(),
                        facilities["occupied"].tolist(),
                        strict=True,
                    )
                },
                "population": population,
                "population_source": source,
            },
        )
    logger.info("store seeded with %d regions and %d facilities", len(regions), len(facilities))
    return True


def seed_population(*, session: Session, population_path: Path | None = None) -> bool:
    """Seed the population of a store seeded before it was kept (revision 0001), in one
    transaction, from the stored facilities; False when there is a population already or
    nobody to place."""
    with writing(session):
        if store.has_population(session=session):
            return False
        network = store.read_network(session=session)
        if not int(network.facilities["occupied"].sum()):
            return False
        population, source = _insert_standing_population(
            session, network.regions, network.facilities, population_path
        )
        audit.append(
            session,
            "system",
            "population.seeded",
            {"population": population, "population_source": source},
        )
    logger.info("population seeded with %d convicts", population)
    return True


def _insert_standing_population(
    session: Session, regions: pd.DataFrame, facilities: pd.DataFrame, path: Path | None
) -> tuple[int, str]:
    """Store today's population for the facilities; how many convicts, and from where."""
    population, source = standing_population(regions, facilities, path=path)
    store.insert_population(session=session, population=population)
    return len(population), source
