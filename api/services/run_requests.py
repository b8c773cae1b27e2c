"""A batch to allocate as it arrived (JSON records or a CSV upload), with its fingerprint."""

from __future__ import annotations

import io
from dataclasses import dataclass

import pandas as pd

from api.canonical import digest, sha256
from optimizer.data_messages import problem
from optimizer.domain import DistanceKind, InputError, Objective


@dataclass(frozen=True)
class RunRequest:
    """A validated-to-be batch with its options, as it arrived (JSON records or a CSV)."""

    raw: pd.DataFrame
    file: str
    objective: Objective
    distance: DistanceKind
    digest: str
    """SHA-256 of the request's canonical form: what an Idempotency-Key is bound to."""


def records_request(
    records: list[dict[str, str]], objective: Objective, distance: DistanceKind
) -> RunRequest:
    """A batch of JSON records (each a row of text cells)."""
    fingerprint = digest(
        {"convicts": records, "objective": objective.value, "distance": distance.value}
    )
    return RunRequest(records_frame(records), "convicts", objective, distance, fingerprint)


def csv_request(
    content: bytes, file: str, objective: Objective, distance: DistanceKind
) -> RunRequest:
    """A batch uploaded as a CSV file in the convicts input contract."""
    raw = parse_csv(content, file)
    fingerprint = digest(
        {
            "csv": sha256(content.decode("utf-8-sig")),
            "objective": objective.value,
            "distance": distance.value,
        }
    )
    return RunRequest(raw, file, objective, distance, fingerprint)


def records_frame(records: list[dict[str, str]]) -> pd.DataFrame:
    """JSON records as the text table a CSV would give; no records is a header without rows."""
    from optimizer.data import CONVICT_COLUMNS, records_table

    if not records:
        return pd.DataFrame({c.name: pd.Series(dtype=str) for c in CONVICT_COLUMNS})
    return records_table(records)


def parse_csv(content: bytes, file: str) -> pd.DataFrame:
    """Every cell as text, as the CLI reads a CSV; an unreadable file is an input error."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError([problem(file, None, None, "not-utf8", error=error)]) from None
    if "\x00" in text:
        raise InputError([problem(file, None, None, "nul-characters")])
    if not text.strip():
        raise InputError([problem(file, None, None, "file-empty")])
    try:
        return pd.read_csv(
            io.StringIO(text), dtype=str, keep_default_na=False, skipinitialspace=True
        )
    except pd.errors.EmptyDataError:
        raise InputError([problem(file, None, None, "file-empty")]) from None
    except (pd.errors.ParserError, ValueError) as error:
        raise InputError([problem(file, None, None, "file-unreadable", error=error)]) from None
