"""The checks of an input table: its header against a contract, and cell-by-cell problems.

Each check marks the bad rows of a column and names them, so that one pass over a file reports
every defect with its row and column.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from optimizer.data_messages import problem
from optimizer.domain import InputError, Problem

LOCAL_NAME_COLUMNS = ("name_ru", "name_kk")
"""Official Russian and Kazakh names of a region or facility (`name` when a file lacks them)."""

_TRUE = {"true", "1", "yes", "y", "t"}
_FALSE = {"false", "0", "no", "n", "f", ""}


@dataclass(frozen=True, slots=True)
class Column:
    """One column of an input contract: its name, whether it must be present, its default."""

    name: str
    required: bool = True
    default: str = ""


class Checker:
    """Collects problems for one table; each check marks bad rows and names them."""

    def __init__(self, file: str, table: pd.DataFrame) -> None:
        self.file = file
        self.table = table
        self.problems: list[Problem] = []

    def add(self, row: int | None, column: str | None, key: str, **fields: object) -> None:
        self.problems.append(problem(self.file, row, column, key, **fields))

    def flag(
        self,
        bad: pd.Series | np.ndarray,
        column: str,
        key: str,
        fields: Callable[[str], dict[str, object]] = lambda value: {"value": value},
    ) -> None:
        """Report every row where `bad` holds: the `data` catalogue's `key`, filled with the
        fields of the cell's text (by default the text itself, as `value`)."""
        mask = np.asarray(bad, dtype=bool)
        if not mask.any():
            return
        values = self.table[column].to_numpy()
        for position in np.flatnonzero(mask):
            self.add(int(position) + 1, column, key, **fields(str(values[position])))

    def required_text(self, column: str) -> None:
        self.flag(self.table[column] == "", column, "empty", lambda _: {})

    def choice(self, column: str, allowed: Iterable[str], what: str) -> None:
        """One of `allowed`; `what` names the vocabulary (`region-code`, `sex`, ...)."""
        options = sorted(set(allowed))
        text = self.table[column]
        bad = (text != "") & ~text.isin(options)
        self.flag(
            bad, column, f"unknown.{what}", lambda v: {"value": v, "options": ", ".join(options)}
        )
        self.required_text(column)

    def unique(self, column: str) -> None:
        text = self.table[column]
        duplicated = text.duplicated(keep="first") & (text != "")
        if not duplicated.any():
            return
        first_row = {v: i + 1 for i, v in reversed(list(enumerate(text.tolist())))}
        self.flag(duplicated, column, "duplicate", lambda v: {"value": v, "first": first_row[v]})

    def number(self, column: str, *, optional: bool = False) -> pd.Series:
        text = self.table[column]
        values = pd.to_numeric(text, errors="coerce")
        blank = text == ""
        bad = values.isna() & ~blank
        self.flag(bad, column, "not-number")
        if not optional:
            self.required_text(column)
        return values.astype(float)

    def integer(self, column: str, *, optional: bool = False) -> pd.Series:
        values = self.number(column, optional=optional)
        fractional = values.notna() & (values != np.floor(values.fillna(0)))
        self.flag(fractional, column, "not-integer")
        return values

    def within(self, values: pd.Series, column: str, low: float, high: float, what: str) -> None:
        """Between `low` and `high`; `what` names the range (`latitudes`, `longitudes`, `ages`)."""
        bad = values.notna() & ((values < low) | (values > high))
        self.flag(bad, column, f"outside.{what}", lambda v: {"value": v, "low": low, "high": high})

    def local_names(self, given: Iterable[str]) -> dict[str, pd.Series]:
        """`name_ru`, `name_kk`: required in each row if the file has them, else `name`."""
        for column in set(LOCAL_NAME_COLUMNS) & set(given):
            self.required_text(column)
        return {c: self.table[c if c in given else "name"] for c in LOCAL_NAME_COLUMNS}

    def boolean(self, column: str) -> pd.Series:
        lowered = self.table[column].str.lower()
        bad = ~lowered.isin(_TRUE | _FALSE)
        self.flag(bad, column, "not-boolean")
        return lowered.isin(_TRUE)


def as_text_table(
    raw: pd.DataFrame, columns: tuple[Column, ...], file: str
) -> tuple[pd.DataFrame, list[Problem]]:
    """Check the header, add optional columns with their defaults, strip every cell."""
    problems: list[Problem] = []
    known = {c.name for c in columns}
    header = [str(c) for c in raw.columns]
    for name in header:
        if name not in known:
            problems.append(problem(file, None, name, "unknown-column"))
    for name in sorted({n for n in header if header.count(n) > 1}):
        problems.append(problem(file, None, name, "duplicate-column"))
    for column in columns:
        if column.required and column.name not in header:
            problems.append(problem(file, None, column.name, "missing-column"))
    if raw.empty and not problems:
        problems.append(problem(file, None, None, "no-rows"))
    if problems:
        return raw, problems
    table = pd.DataFrame(index=pd.RangeIndex(len(raw)))
    for column in columns:
        if column.name in raw.columns:
            cells = _stripped(raw[column.name].fillna("").astype(str))
            table[column.name] = cells.where(cells != "", column.default)
        else:
            table[column.name] = column.default
    return table, problems


_SPACE_AFTER_NUL = re.compile("\x00\\s")
"""A cell starting with whitespace, once the cells are joined by NUL characters (not
whitespace, so empty cells match nothing); on the reversed text, a cell ending with it. The
pattern starts with a literal, which the regular expression engine finds at memory speed."""


def _stripped(cells: pd.Series) -> pd.Series:
    """The cells without leading or trailing whitespace; one scan of their joined text first,
    since most files have none and stripping cell by cell costs a Python call per cell."""
    joined = "\x00".join(cells.to_numpy().tolist())
    edges = joined[:1].isspace() or joined[-1:].isspace()
    if not edges and not any(_SPACE_AFTER_NUL.search(t) for t in (joined, joined[::-1])):
        return cells
    return cells.str.strip()


def raise_if(problems: list[Problem]) -> None:
    if problems:
        raise InputError(problems)
