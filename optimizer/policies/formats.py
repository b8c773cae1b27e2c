"""Numbers in the report's prose and tables: percentages, thousands, signed changes, intervals.

A missing value (None or NaN, such as an interval over a single seed) reads "n/a".
"""

from __future__ import annotations

import math
from collections.abc import Callable


def percent(value: float, digits: int = 1) -> str:
    """A share as a percentage: 0.125 -> '12.5%'."""
    return "n/a" if missing(value) else f"{100 * value:.{digits}f}%"


def number(value: float, digits: int = 0) -> str:
    """A number with thousands separators: 12345.6 -> '12,346'."""
    return "n/a" if missing(value) else f"{value:,.{digits}f}"


def missing(value: float) -> bool:
    """Whether a figure is absent: None or NaN."""
    return value is None or (isinstance(value, float) and math.isnan(value))


def with_interval(mean: float, low: float, high: float, fmt: Callable[[float], str]) -> str:
    """'mean (low to high)', or the mean alone when there is no interval (one seed)."""
    if missing(low) or missing(high) or low == high:
        return fmt(mean)
    return f"{fmt(mean)} ({fmt(low)} to {fmt(high)})"


def signed(value: float, fmt: Callable[[float], str]) -> str:
    """A change with its sign: '+' up, '−' down, '±' none."""
    if missing(value):
        return "n/a"
    return ("+" if value > 0 else "−" if value < 0 else "±") + fmt(abs(value))
