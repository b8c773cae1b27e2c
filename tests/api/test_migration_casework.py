"""Revision 0008 (transfer casework) on a store that already holds a request: upgraded, the
request was received the day it was filed, by the convict, with 15 days to answer; downgraded,
the request is as it was."""

from __future__ import annotations

import datetime
import uuid

import sqlalchemy as sa
from alembic import command
from alembic.config import Config

from api import db

FILED = datetime.datetime(2026, 3, 4, 22, 30, tzinfo=datetime.UTC)


def _config(connection: sa.Connection) -> Config:
    config = Config(str(db.ALEMBIC_INI))
    config.set_main_option("script_location", str(db.MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


def test_0008_upgrades_an_earlier_request_and_downgrades_it_back(blank_database_url: str) -> None:
    engine = db.create_store_engine(blank_database_url)
    request_id = uuid.uuid4()
    requests = sa.table(
        "transfer_requests",
        *(
            sa.column(c)
            for c in (
                "request_id",
                "created_at",
                "created_by",
                "convict_id",
                "ground",
                "consent",
                "distance",
                "status",
                "recommendation",
                "evaluation",
            )
        ),
    )
    try:
        with engine.connect() as connection:
            command.upgrade(_config(connection), "0007")
            connection.execute(
                sa.insert(requests).values(
                    request_id=request_id.hex if engine.dialect.name == "sqlite" else request_id,
                    created_at=FILED,
                    created_by="reviewer:desk",
                    convict_id="P000001",
                    ground="home-region",
                    consent=False,
                    distance="great-circle",
                    status="evaluated",
                    recommendation="deny",
                    evaluation="{}",
                )
            )
            connection.commit()
            command.upgrade(_config(connection), "0008")
            connection.commit()
            row = connection.execute(
                sa.text("SELECT applicant, received, answer_days, language FROM transfer_requests")
            ).one()
            assert (row.applicant, str(row.received), row.answer_days, row.language) == (
                "convict",
                "2026-03-04",
                15,
                "ru",
            )
            tables = set(sa.inspect(connection).get_table_names())
            assert {"transfer_notices", "transfer_appeals"} <= tables
            command.downgrade(_config(connection), "0007")
            connection.commit()
            columns = {c["name"] for c in sa.inspect(connection).get_columns("transfer_requests")}
            assert "received" not in columns and "applicant" not in columns
            assert "transfer_notices" not in set(sa.inspect(connection).get_table_names())
            kept = connection.execute(sa.text("SELECT convict_id FROM transfer_requests")).all()
            assert [r.convict_id for r in kept] == ["P000001"]
    finally:
        engine.dispose()
