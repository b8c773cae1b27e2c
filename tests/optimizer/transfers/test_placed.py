"""The placed population: where each convict serves, the room left, and co-defendants."""

from __future__ import annotations

import numpy as np
import pytest

from optimizer.domain import InputError
from optimizer.geo import GreatCircle
from optimizer.transfers import UnknownIdError
from optimizer.transfers.placed import Placed, km
from tests.helpers import convict, facility
from tests.optimizer.transfers.worlds import world


def test_the_placed_population_counts_room_and_finds_co_defendants() -> None:
    population, facilities = world(
        [facility("FA", "KZ-71", capacity=3), facility("FS", "KZ-79", capacity=1)],
        [
            (convict("A", "KZ-79", case_id="K1"), "FA"),
            (convict("B", "KZ-79", case_id="K1"), "FS"),
            (convict("C", "KZ-79", case_id="K2"), "FA"),
        ],
    )
    placed = Placed.build(population, facilities)
    assert placed.current.tolist() == [0, 1, 0]
    assert placed.free.tolist() == [1, 0]
    assert placed.index_of("C") == 2
    assert placed.shared_cases().tolist() == ["K1", "K1", ""]
    pairs = placed.co_defendant_facilities()
    assert sorted(zip(pairs["convict"], pairs["facility"], strict=True)) == [(0, 1), (1, 0)]
    metres = placed.metres(GreatCircle(), np.array([0]))
    assert metres.shape == (1, 2) and metres[0, 1] < 1000


def test_an_unknown_facility_or_convict_is_refused() -> None:
    population, facilities = world([facility("FA", "KZ-71")], [(convict("A", "KZ-79"), "FA")])
    with pytest.raises(InputError):
        Placed.build(population.assign(facility_id="F99"), facilities)
    with pytest.raises(UnknownIdError):
        Placed.build(population, facilities).index_of("Z")


def test_metres_read_as_km_to_the_metre() -> None:
    assert km(np.int64(996_789)) == 996.789 and km(1) == 0.001
