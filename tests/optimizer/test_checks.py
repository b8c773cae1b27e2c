"""The cell checks of an input table: what each accepts, what each reports, and where."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from optimizer.checks import Checker, Column, as_text_table, raise_if
from optimizer.domain import InputError, Problem


def checker(**columns: list[str]) -> Checker:
    return Checker("t.csv", pd.DataFrame(columns))


def reported(check: Checker) -> list[str]:
    return [str(p) for p in check.problems]


TRUE_WORDS = ["true", "TRUE", "1", "yes", "Yes", "y", "t"]
FALSE_WORDS = ["false", "False", "0", "no", "n", "f", ""]


def test_every_truth_word_is_read() -> None:
    check = checker(flag=TRUE_WORDS + FALSE_WORDS)
    values = check.boolean("flag")
    assert list(values) == [True] * len(TRUE_WORDS) + [False] * len(FALSE_WORDS)
    assert check.problems == []


def test_other_words_are_not_truth_values() -> None:
    check = checker(flag=["si", "2", "on"])
    check.boolean("flag")
    assert reported(check) == [
        "t.csv, row 1, column flag: 'si' is not true or false",
        "t.csv, row 2, column flag: '2' is not true or false",
        "t.csv, row 3, column flag: 'on' is not true or false",
    ]


def test_numbers_blank_cells_and_bounds() -> None:
    check = checker(x=["1.5", "", "abc", "40.5", "55.5", "55.51"])
    values = check.number("x", optional=True)
    check.within(values, "x", 40.5, 55.5, "latitudes")
    assert list(values.fillna(-1)) == [1.5, -1, -1, 40.5, 55.5, 55.51]
    assert reported(check) == [
        "t.csv, row 3, column x: 'abc' is not a number",
        "t.csv, row 1, column x: 1.5 is outside Kazakhstan's latitudes (40.5 to 55.5)",
        "t.csv, row 6, column x: 55.51 is outside Kazakhstan's latitudes (40.5 to 55.5)",
    ]


def test_a_required_number_reports_blank_cells_once() -> None:
    check = checker(n=["", "3", "3.0", "-0.5"])
    values = check.integer("n")
    assert list(values.fillna(-1)) == [-1, 3.0, 3.0, -0.5]
    assert reported(check) == [
        "t.csv, row 1, column n: is empty; a value is required",
        "t.csv, row 4, column n: '-0.5' is not a whole number",
    ]


def test_blank_ids_are_missing_not_duplicates() -> None:
    check = checker(id=["", "A", "", "B", "A"])
    check.required_text("id")
    check.unique("id")
    assert reported(check) == [
        "t.csv, row 1, column id: is empty; a value is required",
        "t.csv, row 3, column id: is empty; a value is required",
        "t.csv, row 5, column id: duplicate id 'A' (first used in row 2)",
    ]


def test_a_choice_lists_the_options_sorted_and_requires_a_value() -> None:
    check = checker(c=["b", "z", ""])
    check.choice("c", ["b", "a", "b"], "sex")
    assert reported(check) == [
        "t.csv, row 2, column c: unknown sex 'z'; expected one of a, b",
        "t.csv, row 3, column c: is empty; a value is required",
    ]


def test_the_header_is_checked_and_cells_are_stripped_with_defaults() -> None:
    raw = pd.DataFrame({"id": [" A ", "B"], "note": [None, "  "]})
    table, problems = as_text_table(
        raw,
        (Column("id"), Column("note", required=False, default="-"), Column("x", False, "0")),
        "t.csv",
    )
    assert problems == []
    assert table.to_dict("records") == [
        {"id": "A", "note": "-", "x": "0"},
        {"id": "B", "note": "-", "x": "0"},
    ]


def test_header_problems_come_all_at_once_before_any_cell() -> None:
    raw = pd.DataFrame([["1", "2", "3"]], columns=["id", "odd", "odd"])
    table, problems = as_text_table(raw, (Column("id"), Column("need")), "t.csv")
    assert table is raw
    assert problems == [
        Problem("t.csv", None, "odd", "unknown column"),
        Problem("t.csv", None, "odd", "unknown column"),
        Problem("t.csv", None, "odd", "column appears more than once"),
        Problem("t.csv", None, "need", "required column is missing"),
    ]


def test_an_empty_table_is_a_problem_only_when_the_header_is_right() -> None:
    empty = pd.DataFrame({"id": []})
    assert as_text_table(empty, (Column("id"),), "t.csv")[1] == [
        Problem("t.csv", None, None, "the table has no rows")
    ]
    assert as_text_table(empty, (Column("other"),), "t.csv")[1] == [
        Problem("t.csv", None, "id", "unknown column"),
        Problem("t.csv", None, "other", "required column is missing"),
    ]


def test_problems_raise_together_and_none_is_silent() -> None:
    raise_if([])
    problems = [Problem("t.csv", 1, "a", "bad"), Problem("t.csv", 2, "b", "worse")]
    with pytest.raises(InputError) as caught:
        raise_if(problems)
    assert caught.value.problems == problems


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
