"""Opening a store: migrated and seeded once, a store from before the population gets one, and
a given population file must fit the facilities."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi import FastAPI
from sqlalchemy import func, insert, select

from api import audit, canonical, db, store, tables
from api.services import setup
from optimizer.data import read_facilities, read_regions
from optimizer.domain import InputError


def test_opening_a_store_again_neither_migrates_nor_seeds_twice(
    database_url: str, app: FastAPI
) -> None:
    again = setup.open_database(database_url)
    try:
        with again.sessions() as session:
            assert session.scalar(select(func.count()).select_from(tables.AuditEntryRow)) == 1
            assert not setup.seed(session=session)
            regions = session.scalar(select(func.count()).select_from(tables.RegionRow))
            assert regions == len(read_regions())
    finally:
        again.close()


LATER_COLUMNS = ["criminal_history", "for_life_sentences", "name_ru", "name_kk"]
"""Facility columns added after revision 0001 (by 0003 and 0004)."""
LATER_REGION_COLUMNS = ["name_ru", "name_kk"]
"""Region columns added after revision 0001 (by 0004)."""


def test_a_store_from_before_the_population_gets_one_from_its_occupancy(
    blank_database_url: str,
) -> None:
    """Revision 0001 with changed occupancy: the bundled file no longer fits, so the population
    is generated from the stored occupancy, and the seeding is audited."""
    from alembic import command
    from alembic.config import Config

    regions = read_regions()
    facilities = read_facilities(None, regions)
    facilities.loc[0, "occupied"] = facilities.loc[0, "occupied"] - 3
    engine = db.create_store_engine(blank_database_url)
    try:
        config = Config(str(db.ALEMBIC_INI))
        config.set_main_option("script_location", str(db.MIGRATIONS_DIR))
        with engine.connect() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "0001")
            region_rows = regions.drop(columns=LATER_REGION_COLUMNS).to_dict(orient="records")
            connection.execute(insert(tables.RegionRow), canonical.jsonable(region_rows))
            rows = canonical.jsonable(
                facilities.drop(columns=LATER_COLUMNS).to_dict(orient="records")
            )
            connection.execute(insert(tables.FacilityRow), [r | {"version": 0} for r in rows])
            connection.commit()
    finally:
        engine.dispose()

    opened = setup.open_database(blank_database_url)
    try:
        with opened.sessions() as session:
            population = store.read_population(session=session)
            occupied = dict(zip(facilities["facility_id"], facilities["occupied"], strict=True))
            assert store.population_counts(session=session) == {
                f: int(n) for f, n in occupied.items() if n
            }
            [entry] = audit.list_entries(session=session, offset=0, limit=10)[0]
            assert (entry.action, entry.payload) == (
                "population.seeded",
                f'{{"population":{len(population)},"population_source":"generated (seed 2021)"}}',
            )
            assert audit.verify(session=session).ok
            assert not setup.seed_population(session=session)
            assert session.scalar(select(func.count()).select_from(tables.AuditEntryRow)) == 1
    finally:
        opened.close()


def test_a_given_population_file_must_fit_the_facilities(
    blank_database_url: str, tmp_path: Path
) -> None:
    population = tmp_path / "population.csv"
    population.write_text(
        "convict_id,sex,age,security_level,home_region,facility_id\nP1,M,30,medium,KZ-75,F001\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as refused:
        setup.open_database(blank_database_url, population_path=population)
    assert any(p.file == "population.csv" for p in refused.value.problems)
