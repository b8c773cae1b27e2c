"""Text checks and cells shared by the request models."""

from __future__ import annotations

import pytest

from api.schemas.common import cell, no_nul


@pytest.mark.parametrize(
    ("value", "text"), [(None, ""), (True, "true"), (False, "false"), (3, "3"), ("a", "a")]
)
def test_a_cell_is_the_text_a_csv_would_hold(value: object, text: str) -> None:
    assert cell(value) == text


def test_text_holding_nul_is_refused() -> None:
    assert no_nul("plain") == "plain"
    with pytest.raises(ValueError, match="NUL"):
        no_nul("a\x00b")
