"""Input checks: an input table's cells are stripped exactly as `str.strip` would strip them,
whether or not the quick scan for edge whitespace finds any."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from optimizer.checks import Column, as_text_table

CELLS = [
    ["a", "b"],
    [" a", "b"],
    ["a ", "b"],
    ["a", "b\t"],
    ["a", "\u00a0b"],
    ["x\ny", "z"],
    ["x \ny", "z"],
    ["", "", " a"],
    ["", "a ", ""],
    ["", ""],
]


def _text_column(cells: list[str]) -> list[str]:
    raw = pd.DataFrame({"name": cells})
    table, problems = as_text_table(raw, (Column("name", required=False),), "t.csv")
    assert problems == []
    return list(table["name"])


@pytest.mark.parametrize("cells", CELLS)
def test_cells_are_stripped_like_str_strip(cells: list[str]) -> None:
    assert _text_column(cells) == [c.strip() for c in cells]


@given(st.lists(st.text(alphabet=" \t\n\u00a0\u2003ab\x00", max_size=6), min_size=1))
def test_any_cells_are_stripped_like_str_strip(cells: list[str]) -> None:
    assert _text_column(cells) == [c.strip() for c in cells]
