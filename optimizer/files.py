"""Reading and writing CSV and text files: every cell as text in, never a half-written file out."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pandas as pd

from optimizer.data_messages import problem
from optimizer.domain import InputError


def read_csv_text(path: Path | str) -> pd.DataFrame:
    """Read a CSV with every cell as text; a missing or empty file is an input error."""
    path = Path(path)
    name = path.name
    if not path.is_file():
        raise InputError([problem(name, None, None, "file-not-found", path=path)])
    try:
        # Without a header row, so that a repeated column name stays what it is (pandas would
        # rename it) and can be reported as repeated.
        cells = pd.read_csv(
            path,
            dtype=str,
            header=None,
            keep_default_na=False,
            skipinitialspace=True,
            encoding="utf-8-sig",
        )
    except pd.errors.EmptyDataError:
        raise InputError([problem(name, None, None, "file-empty")]) from None
    except (pd.errors.ParserError, UnicodeDecodeError) as error:
        raise InputError([problem(name, None, None, "file-unreadable", error=error)]) from None
    table = cells.iloc[1:].reset_index(drop=True)
    table.columns = pd.Index([str(c).strip() for c in cells.iloc[0]])
    return table


def write_csv_atomically(table: pd.DataFrame, path: Path | str) -> None:
    """Write to a temporary file beside the target and rename: never a half-written file."""
    write_text_atomically(table.to_csv(index=False, lineterminator="\n"), path)


def write_text_atomically(text: str, path: Path | str) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
