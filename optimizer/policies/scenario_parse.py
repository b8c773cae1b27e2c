"""Reading scenario files: TOML into a validated `Scenario`, every problem at once.

Every problem names the file and the key path (`close[1].date`), as policy files do.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from optimizer.data import FACILITY_COLUMNS, records_table, validate_facilities
from optimizer.domain import InputError, Problem
from optimizer.policies.parse import read_toml
from optimizer.policies.policy import LEVEL_ORDER
from optimizer.policies.scenario import (
    ADMISSION_DIMENSIONS,
    Addition,
    Admissions,
    Closure,
    Reconstruction,
    Scenario,
    Sentences,
    Trend,
)
from optimizer.policies.words import local_texts

_TOP_KEYS = (
    "name",
    "title",
    "description",
    "title_ru",
    "title_kk",
    "description_ru",
    "description_kk",
    "start",
    "policy",
    "admissions",
    "sentences",
    "trend",
    "close",
    "add",
    "single_cell",
)
_SENTENCE_LEVELS = ("minimum", "medium", "maximum", "extreme", "complete")
_FACILITY_KEYS = tuple(column.name for column in FACILITY_COLUMNS)

Sink = Callable[[str, str], None]


def read_scenario(path: Path | str, facilities: pd.DataFrame, regions: pd.DataFrame) -> Scenario:
    """Read and validate a scenario file against the network it changes."""
    path = Path(path)
    document = read_toml(path)
    return parse_scenario(document, facilities, regions, file=path.name, default_name=path.stem)


def parse_scenario(
    document: Mapping[str, Any],
    facilities: pd.DataFrame,
    regions: pd.DataFrame,
    *,
    file: str = "scenario",
    default_name: str = "scenario",
) -> Scenario:
    """Validate a scenario given as a mapping (a parsed TOML file)."""
    problems: list[Problem] = []

    def problem(key: str, message: str) -> None:
        problems.append(Problem(file, None, key, message))

    for key in document:
        if key not in _TOP_KEYS:
            problem(key, f"unknown key; expected one of {', '.join(_TOP_KEYS)}")
    name = _text(document, "name", default_name, problem) or default_name
    start = _date(document.get("start"), "start", problem)
    admissions = _admissions(document.get("admissions"), problem)
    sentences = _sentences(document.get("sentences"), problem)
    trend = _trend(document.get("trend", {}), problem)
    added = _added_facilities(document.get("add", []), facilities, regions, file, problem)
    known = set(facilities["facility_id"]) | (
        set(added[0]["facility_id"]) if added is not None else set()
    )
    closures = _closures(document.get("close", []), known, problem)
    rebuilds = _reconstructions(document.get("single_cell", []), known, problem)
    policy = document.get("policy")
    if policy is not None and not isinstance(policy, str):
        problem("policy", f"must be the path of a policy file, got {policy!r}")
    title = _text(document, "title", name, problem) or name
    description = _text(document, "description", "", problem)
    for key in ("title_ru", "title_kk", "description_ru", "description_kk"):
        _text(document, key, "", problem)
    if problems or start is None or admissions is None or sentences is None:
        raise InputError(problems)
    return Scenario(
        name=name,
        title=title,
        description=description,
        start=start,
        admissions=admissions,
        sentences=sentences,
        trend=trend,
        closures=closures,
        additions=added[1] if added is not None else (),
        reconstructions=rebuilds,
        added_facilities=added[0] if added is not None else None,
        policy_path=policy if isinstance(policy, str) else None,
        translations=local_texts(document, ("title", "description")),
    )


def _text(table: Mapping[str, Any], key: str, default: str, problem: Sink) -> str:
    value = table.get(key, default)
    if not isinstance(value, str):
        problem(key, f"must be text, got {value!r}")
        return default
    return value.strip()


def _date(value: object, key: str, problem: Sink) -> datetime.date | None:
    if value is None:
        problem(key, "is missing; give a date such as 2025-01-01")
        return None
    if isinstance(value, datetime.datetime) or not isinstance(value, datetime.date):
        problem(key, f"must be a date such as 2025-01-01 (no quotes, no time), got {value!r}")
        return None
    return value


def _number(value: object, key: str, problem: Sink, *, low: float, strict: bool) -> float | None:
    ok = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
    if not ok or (strict and value <= low) or (not strict and value < low):  # type: ignore[operator]
        bound = f"above {low:g}" if strict else f"at least {low:g}"
        problem(key, f"must be a number {bound}, got {value!r}")
        return None
    return float(value)  # type: ignore[arg-type]


def _table(value: object, key: str, problem: Sink) -> Mapping[str, Any] | None:
    if value is None:
        problem(key, f"is missing; add a [{key}] table")
        return None
    if not isinstance(value, Mapping):
        problem(key, f"must be a table ([{key}]), got {value!r}")
        return None
    return value


def _tables(value: object, key: str, problem: Sink) -> list[Mapping[str, Any]]:
    if not isinstance(value, list) or not all(isinstance(item, Mapping) for item in value):
        problem(key, f"must be an array of tables ([[{key}]]), got {value!r}")
        return []
    return value


def _admissions(value: object, problem: Sink) -> Admissions | None:
    table = _table(value, "admissions", problem)
    if table is None:
        return None
    per_year = _number(table.get("per_year"), "admissions.per_year", problem, low=0, strict=True)
    shares = []
    for key, given in table.items():
        if key == "per_year":
            continue
        if key not in ADMISSION_DIMENSIONS:
            allowed = ", ".join(("per_year", *ADMISSION_DIMENSIONS))
            problem(f"admissions.{key}", f"unknown key; expected one of {allowed}")
            continue
        parsed = _shares(given, f"admissions.{key}", problem)
        if parsed is not None:
            shares.append((key, parsed))
    if per_year is None:
        return None
    return Admissions(per_year, tuple(shares))


def _shares(value: object, key: str, problem: Sink) -> tuple[tuple[str, float], ...] | None:
    if not isinstance(value, Mapping) or not value:
        problem(key, f"must be a table of shares (value = share), got {value!r}")
        return None
    shares = [
        (str(k), _number(v, f"{key}.{k}", problem, low=0, strict=False)) for k, v in value.items()
    ]
    if any(share is None for _, share in shares):
        return None
    total = sum(share or 0.0 for _, share in shares)
    if abs(total - 1.0) > 0.01:
        problem(key, f"shares must add up to 1, they add up to {total:g}")
        return None
    return tuple((k, float(share or 0.0)) for k, share in shares)


def _sentences(value: object, problem: Sink) -> Sentences | None:
    table = _table(value, "sentences", problem)
    if table is None:
        return None
    means = []
    for key in table:
        if key not in (*_SENTENCE_LEVELS, "mixed", "spread"):
            expected = ", ".join((*_SENTENCE_LEVELS, "mixed", "spread"))
            problem(f"sentences.{key}", f"unknown key; expected {expected}")
    for level in _SENTENCE_LEVELS:
        if level not in table:
            problem(f"sentences.{level}", "is missing; give the mean sentence in years")
            continue
        years = _number(table[level], f"sentences.{level}", problem, low=0.5, strict=False)
        if years is not None and years > 30:
            problem(f"sentences.{level}", f"must be at most 30 years, got {years:g}")
        elif years is not None:
            means.append((level, years))
    if "mixed" in table:
        mixed = _number(table["mixed"], "sentences.mixed", problem, low=0.5, strict=False)
        means += [("mixed", mixed)] if mixed is not None else []
    spread = _number(table.get("spread", 0.5), "sentences.spread", problem, low=0, strict=False)
    if len(means) < len(_SENTENCE_LEVELS) + ("mixed" in table) or spread is None:
        return None
    return Sentences(tuple(means), spread)


def _trend(value: object, problem: Sink) -> Trend:
    if not isinstance(value, Mapping):
        problem("trend", f"must be a table ([trend]), got {value!r}")
        return Trend()
    for key in value:
        if key not in ("change", "over_years", "yearly"):
            problem(f"trend.{key}", "unknown key; expected change and over_years, or yearly")
    if "change" in value and "yearly" in value:
        problem("trend", "give change (with over_years) or yearly, not both")
        return Trend()
    if "yearly" in value:
        yearly = _number(value["yearly"], "trend.yearly", problem, low=-1, strict=True)
        return Trend(yearly=yearly or 0.0)
    if "change" not in value:
        return Trend()
    change = _number(value["change"], "trend.change", problem, low=-1, strict=True)
    over = _number(value.get("over_years"), "trend.over_years", problem, low=0, strict=True)
    return Trend(change=change or 0.0, over_years=over or 1.0)


def _closures(value: object, known: set[str], problem: Sink) -> tuple[Closure, ...]:
    closures = []
    for index, table in enumerate(_tables(value, "close", problem)):
        where = f"close[{index}]"
        facility_id = table.get("facility_id")
        if facility_id not in known:
            problem(f"{where}.facility_id", f"unknown facility id {facility_id!r}")
        date = _date(table.get("date"), f"{where}.date", problem)
        if facility_id in known and date is not None:
            closures.append(Closure(str(facility_id), date))
    return tuple(closures)


def _reconstructions(value: object, known: set[str], problem: Sink) -> tuple[Reconstruction, ...]:
    rebuilds = []
    for index, table in enumerate(_tables(value, "single_cell", problem)):
        where = f"single_cell[{index}]"
        ids = [str(i) for i in table.get("facility_ids", [])]
        levels = [str(level) for level in table.get("levels", [])]
        for position, facility_id in enumerate(ids):
            if facility_id not in known:
                problem(f"{where}.facility_ids[{position}]", f"unknown facility id {facility_id!r}")
        for position, level in enumerate(levels):
            if level not in LEVEL_ORDER:
                problem(f"{where}.levels[{position}]", f"unknown security level {level!r}")
        if not ids and not levels:
            problem(where, "give facility_ids or levels")
        factor = _number(table.get("factor"), f"{where}.factor", problem, low=0, strict=True)
        if factor is not None and factor > 1:
            problem(f"{where}.factor", f"must be at most 1 (fewer places), got {factor:g}")
        date = _date(table.get("date"), f"{where}.date", problem)
        note = table.get("source") or table.get("assumption")
        if not isinstance(note, str) or not note.strip():
            problem(
                where, "give the factor's source, or say it is an assumption (assumption = ...)"
            )
        elif factor is not None and date is not None:
            label = note.strip() if "source" in table else f"assumption: {note.strip()}"
            rebuilds.append(Reconstruction(tuple(ids), tuple(levels), factor, date, label))
    return tuple(rebuilds)


def _added_facilities(
    value: object, facilities: pd.DataFrame, regions: pd.DataFrame, file: str, problem: Sink
) -> tuple[pd.DataFrame, tuple[Addition, ...]] | None:
    records = _tables(value, "add", problem)
    if not records:
        return None
    dates = [_date(r.get("date"), f"add[{i}].date", problem) for i, r in enumerate(records)]
    plain = [{k: v for k, v in r.items() if k != "date"} for r in records]
    for index, record in enumerate(plain):
        for key in record:
            if key not in _FACILITY_KEYS:
                problem(f"add[{index}].{key}", "unknown key; expected date or a facility column")
    try:
        added = validate_facilities(records_table(plain), regions, file=file)
    except InputError as error:
        for p in error.problems:
            where = f"add[{p.row - 1}]" if p.row is not None else "add"
            problem(f"{where}.{p.column}" if p.column else where, p.message)
        return None
    for index, facility_id in enumerate(added["facility_id"]):
        if facility_id in set(facilities["facility_id"]):
            problem(f"add[{index}].facility_id", f"facility id {facility_id!r} already exists")
    if any(date is None for date in dates):
        return None
    additions = tuple(
        Addition(str(i), d) for i, d in zip(added["facility_id"], dates, strict=True) if d
    )
    return added.assign(occupied=0), additions
