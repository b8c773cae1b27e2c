"""Shared fixtures: the bundled national data set and small hand-made instances."""

from __future__ import annotations

import pandas as pd
import pytest

from optimizer.data import read_facilities, read_regions
from tests.helpers import regions_table


@pytest.fixture(scope="session")
def national_regions() -> pd.DataFrame:
    """The 20 regions of the bundled data set."""
    return read_regions()


@pytest.fixture(scope="session")
def national_facilities(national_regions: pd.DataFrame) -> pd.DataFrame:
    """The bundled national network of 80 facilities."""
    return read_facilities(None, national_regions)


@pytest.fixture()
def four_regions() -> pd.DataFrame:
    """Astana, Karaganda, Almaty and Shymkent: enough geography for hand-made cases."""
    return regions_table()
