"""Reading policy files: TOML (or the API's JSON) into a validated `Policy`.

Every problem names the file and the key path (`capacity[0].factor`) so that a user can find
it; all problems of a document are reported at once, as one `InputError`.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from optimizer.data import FACILITY_COLUMNS, records_table, validate_facilities
from optimizer.domain import InputError, Problem, SecurityLevel
from optimizer.policies.policy import LEVEL_ORDER, CapacityChange, LevelMerge, Policy
from optimizer.policies.words import local_texts

_TRANSLATED_KEYS = ("title_ru", "title_kk", "description_ru", "description_kk")
_TOP_KEYS = ("name", "title", "description", *_TRANSLATED_KEYS, "close", "merge", "capacity", "add")
_MERGE_KEYS = ("levels", "label")
_CAPACITY_KEYS = ("factor", "levels", "facility_ids")
_FACILITY_KEYS = tuple(column.name for column in FACILITY_COLUMNS)

ProblemSink = Callable[[str | None, str], None]
"""Takes a problem's key path and message."""


def read_policy(path: Path | str, facilities: pd.DataFrame, regions: pd.DataFrame) -> Policy:
    """Read and validate a policy file against the network it reforms."""
    path = Path(path)
    document = read_toml(path)
    return parse_policy(document, facilities, regions, file=path.name, default_name=path.stem)


def read_toml(path: Path) -> dict[str, Any]:
    """A TOML file as a mapping; a missing or unreadable file is an input error naming it."""
    if not path.is_file():
        raise InputError([Problem(path.name, None, None, f"file not found: {path}")])
    try:
        with path.open("rb") as stream:
            return tomllib.load(stream)
    except tomllib.TOMLDecodeError as error:
        raise InputError([Problem(path.name, None, None, f"not valid TOML: {error}")]) from None
    except UnicodeDecodeError as error:
        raise InputError([Problem(path.name, None, None, f"not UTF-8 text: {error}")]) from None


def parse_policy(
    document: Mapping[str, Any],
    facilities: pd.DataFrame,
    regions: pd.DataFrame,
    *,
    file: str = "policy",
    default_name: str = "policy",
) -> Policy:
    """Validate a policy given as a mapping (a parsed TOML file or the API's JSON).

    Every problem names the file and the key path (`capacity[0].factor`) in `column`.
    """
    problems: list[Problem] = []

    def problem(key: str | None, message: str) -> None:
        problems.append(Problem(file, None, key, message))

    _unknown_keys(document, _TOP_KEYS, "", problem)
    name = _text(document, "name", default_name, problem)
    if not name:
        problem("name", "is empty; a policy needs a name")
    title = _text(document, "title", name, problem)
    description = _text(document, "description", "", problem)
    for key in _TRANSLATED_KEYS:
        _text(document, key, "", problem)

    additions = _additions(document.get("add", []), facilities, regions, file, problem)
    known_ids = set(facilities["facility_id"])
    if additions is not None:
        known_ids |= set(additions["facility_id"])

    closures = tuple(_facility_ids(document.get("close", []), "close", known_ids, problem))
    merges = _merges(document.get("merge", []), problem)
    changes = _capacity_changes(document.get("capacity", []), known_ids, problem)
    if problems:
        raise InputError(problems)
    return Policy(
        name=name,
        title=title,
        description=description,
        merges=tuple(merges),
        closures=closures,
        capacity_changes=tuple(changes),
        additions=additions,
        translations=local_texts(document, ("title", "description")),
    )


def _unknown_keys(
    table: Mapping[str, Any], allowed: Sequence[str], prefix: str, problem: ProblemSink
) -> None:
    for key in table:
        if key not in allowed:
            problem(f"{prefix}{key}", f"unknown key; expected one of {', '.join(allowed)}")


def _text(table: Mapping[str, Any], key: str, default: str, problem: ProblemSink) -> str:
    value = table.get(key, default)
    if not isinstance(value, str):
        problem(key, f"must be text, got {value!r}")
        return default
    return value.strip()


def _array_of_tables(value: object, key: str, problem: ProblemSink) -> list[Mapping[str, Any]]:
    if not isinstance(value, list) or not all(isinstance(item, Mapping) for item in value):
        problem(key, f"must be an array of tables ([[{key}]]), got {value!r}")
        return []
    return value


def _string_list(value: object, key: str, problem: ProblemSink) -> list[str] | None:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        problem(key, f"must be a list of text values, got {value!r}")
        return None
    return [item.strip() for item in value]


def _levels(value: object, key: str, problem: ProblemSink) -> list[SecurityLevel]:
    names = _string_list(value, key, problem)
    if names is None:
        return []
    levels = []
    for index, level in enumerate(names):
        if level in LEVEL_ORDER:
            levels.append(SecurityLevel(level))
        else:
            problem(
                f"{key}[{index}]",
                f"unknown security level {level!r}; expected one of {', '.join(LEVEL_ORDER)}",
            )
    return levels


def _facility_ids(value: object, key: str, known: set[str], problem: ProblemSink) -> list[str]:
    ids = _string_list(value, key, problem)
    if ids is None:
        return []
    for index, facility_id in enumerate(ids):
        if facility_id not in known:
            problem(f"{key}[{index}]", f"unknown facility id {facility_id!r}")
    return [i for i in ids if i in known]


def _merges(value: object, problem: ProblemSink) -> list[LevelMerge]:
    merges: list[LevelMerge] = []
    merged_in: dict[SecurityLevel, int] = {}
    for index, table in enumerate(_array_of_tables(value, "merge", problem)):
        prefix = f"merge[{index}]."
        _unknown_keys(table, _MERGE_KEYS, prefix, problem)
        if "levels" not in table:
            problem(f"{prefix}levels", "is missing; list the levels to merge")
            continue
        levels = _levels(table["levels"], f"{prefix}levels", problem)
        if len(set(levels)) < 2:
            problem(f"{prefix}levels", "must name at least two different levels")
            continue
        for level in levels:
            if level in merged_in:
                problem(
                    f"{prefix}levels",
                    f"level {level.value!r} is already merged in merge[{merged_in[level]}]",
                )
            merged_in[level] = index
        label = min(levels, key=LEVEL_ORDER.index)
        if "label" in table:
            given = table["label"]
            if given not in [level.value for level in levels]:
                problem(
                    f"{prefix}label",
                    f"must be one of the merged levels ({', '.join(lv.value for lv in levels)}), "
                    f"got {given!r}",
                )
                continue
            label = SecurityLevel(given)
        merges.append(LevelMerge(tuple(dict.fromkeys(levels)), label))
    return merges


def _capacity_changes(
    value: object, known_ids: set[str], problem: ProblemSink
) -> list[CapacityChange]:
    changes: list[CapacityChange] = []
    for index, table in enumerate(_array_of_tables(value, "capacity", problem)):
        prefix = f"capacity[{index}]."
        _unknown_keys(table, _CAPACITY_KEYS, prefix, problem)
        factor = table.get("factor")
        valid_factor = (
            isinstance(factor, int | float)
            and not isinstance(factor, bool)
            and math.isfinite(factor)
        )
        if factor is None:
            problem(f"{prefix}factor", "is missing; give the capacity factor")
        elif not valid_factor or factor <= 0:
            problem(f"{prefix}factor", f"must be a positive number, got {factor!r}")
        has_levels, has_ids = "levels" in table, "facility_ids" in table
        if has_levels == has_ids:
            problem(prefix.rstrip("."), "give exactly one of levels or facility_ids")
            continue
        levels = _levels(table["levels"], f"{prefix}levels", problem) if has_levels else []
        ids = (
            _facility_ids(table["facility_ids"], f"{prefix}facility_ids", known_ids, problem)
            if has_ids
            else []
        )
        if valid_factor and factor is not None and factor > 0:
            changes.append(CapacityChange(float(factor), tuple(levels), tuple(ids)))
    return changes


def _additions(
    value: object, facilities: pd.DataFrame, regions: pd.DataFrame, file: str, problem: ProblemSink
) -> pd.DataFrame | None:
    records = _array_of_tables(value, "add", problem)
    if not records:
        return None
    for index, record in enumerate(records):
        _unknown_keys(record, _FACILITY_KEYS, f"add[{index}].", problem)
    if any(key not in _FACILITY_KEYS for record in records for key in record):
        return None
    try:
        added = validate_facilities(records_table(records), regions, file=file)
    except InputError as error:
        for p in error.problems:
            where = f"add[{p.row - 1}]" if p.row is not None else "add"
            problem(f"{where}.{p.column}" if p.column else where, p.message)
        return None
    existing = set(facilities["facility_id"])
    for index, facility_id in enumerate(added["facility_id"]):
        if facility_id in existing:
            problem(f"add[{index}].facility_id", f"facility id {facility_id!r} already exists")
    return added
