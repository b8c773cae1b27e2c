"""Numbers in the report: percentages, thousands, signs, intervals, and n/a when missing."""

from __future__ import annotations

import math

import pytest

from optimizer.policies.formats import missing, number, percent, signed, with_interval


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (percent(0.1234), "12.3%"),
        (percent(0.1234, 2), "12.34%"),
        (percent(math.nan), "n/a"),
        (number(12345.6), "12,346"),
        (number(0.25, 1), "0.2"),
        (number(math.nan), "n/a"),
        (signed(3.0, number), "+3"),
        (signed(-3.0, number), "−3"),
        (signed(0.0, number), "±0"),
        (signed(math.nan, number), "n/a"),
        (with_interval(2.0, 1.0, 3.0, number), "2 (1 to 3)"),
        (with_interval(2.0, math.nan, math.nan, number), "2"),
        (with_interval(2.0, 2.0, 2.0, number), "2"),
    ],
)
def test_formats(text: str, expected: str) -> None:
    assert text == expected


def test_missing_is_none_or_nan_only() -> None:
    assert missing(math.nan) and missing(None)  # type: ignore[arg-type]
    assert not missing(0.0) and not missing(1)
