"""Today's population: from the store for the engine's reviews and benchmarks, and from a file
(or generated) for seeding a store."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from sqlalchemy.orm import Session

from api import store

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Today:
    """The stored network and who serves where in it, as the engine's validated tables."""

    network: store.Network
    population: pd.DataFrame

    @property
    def regions(self) -> pd.DataFrame:
        return self.network.regions

    @property
    def facilities(self) -> pd.DataFrame:
        return self.network.facilities


def todays_population(*, session: Session) -> Today:
    """The network and population as stored now (one read)."""
    network = store.read_network(session=session)
    return Today(network, store.read_population(session=session))


def standing_population(
    regions: pd.DataFrame, facilities: pd.DataFrame, *, path: Path | None
) -> tuple[pd.DataFrame, str]:
    """Today's population for these facilities, validated, and where it came from.

    A given file must agree with the facilities (each holds exactly its `occupied` convicts,
    each lawfully). Without one, the bundled data/population.csv when it agrees, else a
    population generated from the facilities' occupancy with the bundled file's seed.
    """
    from optimizer.data import DATA_DIR
    from optimizer.domain import InputError
    from optimizer.population import (
        POPULATION_SEED,
        generate_population,
        population_text,
        read_population,
        validate_population,
    )

    file = path if path is not None else DATA_DIR / "population.csv"
    key = _population_key(file, regions, facilities)
    if key in _standing_populations:
        return _standing_populations[key]
    try:
        found = read_population(file, regions, facilities), file.name
    except InputError:
        if path is not None:
            raise
        logger.info("the bundled population does not fit the facilities; generating one")
        generated = population_text(generate_population(regions, facilities, POPULATION_SEED))
        source = f"generated (seed {POPULATION_SEED})"
        found = validate_population(generated, regions, facilities, source), source
    _standing_populations.clear()
    _standing_populations[key] = found
    return found


_standing_populations: dict[tuple[str, ...], tuple[pd.DataFrame, str]] = {}
"""The last population checked, by file and network: opening stores again (each worker, each
test) skips reading and checking 32,000 rows again. Callers only read the table."""


def _population_key(file: Path, regions: pd.DataFrame, facilities: pd.DataFrame) -> tuple[str, ...]:
    try:
        stat = file.stat()
        version = f"{stat.st_mtime_ns}:{stat.st_size}"
    except OSError:
        version = "missing"
    network = hashlib.sha256(
        (regions.to_csv(index=False) + facilities.to_csv(index=False)).encode("utf-8")
    ).hexdigest()
    return str(file.resolve()), version, network
