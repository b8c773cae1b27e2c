"""A campaign checked against the hard rules and summed up per move and per home region."""

from __future__ import annotations

import numpy as np
import pytest

from optimizer.domain import SolverError
from optimizer.transfers.placed import Placed
from optimizer.transfers.summary import campaign_tables, check_campaign
from tests.helpers import convict, regions_table
from tests.optimizer.transfers.worlds import full, world


@pytest.fixture
def placed() -> Placed:
    """A in Astana from Shymkent, B in Shymkent from Astana: an exchange brings both home."""
    population, facilities = world(
        [full("FA", "KZ-71"), full("FS", "KZ-79")],
        [(convict("A", "KZ-79"), "FA"), (convict("B", "KZ-71"), "FS")],
    )
    return Placed.build(population, facilities)


def test_an_exchange_home_is_summed_up(placed: Placed) -> None:
    after = np.array([1, 0], dtype=np.intp)
    before_m = np.array([997_000, 997_000], dtype=np.int64)
    after_m = np.array([0, 0], dtype=np.int64)
    check_campaign(placed, after, before_m, after_m)
    tables = campaign_tables(placed, regions_table(), after, before_m, after_m)
    assert tables.moved.tolist() == [True, True] and tables.grown == 0
    assert tables.moves["saved_km"].tolist() == [997.0, 997.0]
    shymkent = tables.by_region.set_index("region").loc["KZ-79"]
    assert (shymkent["convicts"], shymkent["home_after"], shymkent["km_saved"]) == (1, 1, 997.0)
    assert tables.by_region.set_index("region").loc["KZ-35", "convicts"] == 0


def test_a_move_farther_or_over_capacity_is_a_solver_error(placed: Placed) -> None:
    stay = np.array([997_000, 997_000], dtype=np.int64)
    with pytest.raises(SolverError, match="closer to home"):
        check_campaign(placed, np.array([1, 0], dtype=np.intp), stay, stay)
    with pytest.raises(SolverError, match="capacity"):
        check_campaign(placed, np.array([1, 1], dtype=np.intp), stay, np.zeros(2, np.int64))
