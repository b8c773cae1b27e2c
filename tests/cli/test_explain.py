"""End-to-end: `placement explain` of one convict of an allocated batch."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from tests.cli.conftest import run


def test_explain_one_convict_in_russian(batch: Path) -> None:
    run("allocate", "--convicts", "new.csv", "--out", "placements.csv", cwd=batch)
    done = run(
        "explain",
        "--convicts",
        "new.csv",
        "--placements",
        "placements.csv",
        "--convict",
        "C000007",
        "--lang",
        "ru",
        cwd=batch,
    )
    assert done.returncode == 0, done.stderr
    assert "Распределение осуждённого C000007" in done.stdout


def test_explain_refuses_placements_of_another_allocation(batch: Path) -> None:
    run("allocate", "--convicts", "new.csv", "--out", "placements.csv", cwd=batch)
    placements = pd.read_csv(batch / "placements.csv", dtype=str, keep_default_na=False)
    placements.loc[0, "facility_id"] = (
        "F080" if placements.loc[0, "facility_id"] != "F080" else "F001"
    )
    placements.to_csv(batch / "edited.csv", index=False)
    done = run(
        "explain",
        "--convicts",
        "new.csv",
        "--placements",
        "edited.csv",
        "--convict",
        "C000001",
        cwd=batch,
    )
    assert done.returncode == 2
    assert "edited.csv, row 1, column facility_id" in done.stderr
