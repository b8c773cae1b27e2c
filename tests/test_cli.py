"""End-to-end: the installed `placement` command in a temporary folder."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

PLACEMENT = str(Path(sys.executable).with_name("placement"))


def run(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [PLACEMENT, *map(str, args)], cwd=cwd, capture_output=True, text=True, timeout=300
    )


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("batch")
    assert (
        run(
            "generate-cohort", "--size", "400", "--seed", "5", "--out", "new.csv", cwd=folder
        ).returncode
        == 0
    )
    return folder


def test_allocate_writes_one_row_per_convict_in_input_order(batch: Path) -> None:
    done = run(
        "allocate",
        "--convicts",
        "new.csv",
        "--out",
        "placements.csv",
        "--explain",
        "explanations.jsonl",
        "--summary-json",
        "summary.json",
        cwd=batch,
    )
    assert done.returncode == 0, done.stderr
    assert "Allocated" in done.stdout and "(optimal" in done.stdout
    convicts = pd.read_csv(batch / "new.csv", dtype=str)
    placements = pd.read_csv(batch / "placements.csv", dtype=str, keep_default_na=False)
    assert list(placements.columns) == [
        "convict_id",
        "facility_id",
        "distance_km",
        "unplaced_reason",
    ]
    assert list(placements["convict_id"]) == list(convicts["convict_id"])
    explanations = [
        json.loads(line) for line in (batch / "explanations.jsonl").read_text().splitlines()
    ]
    assert [e["convict_id"] for e in explanations] == list(convicts["convict_id"])
    summary = json.loads((batch / "summary.json").read_text())
    assert summary["placed"] == (placements["facility_id"] != "").sum()


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


def test_bad_input_exits_2_lists_every_problem_and_writes_nothing(tmp_path: Path) -> None:
    (tmp_path / "bad.csv").write_text(
        "convict_id,sex,age,security_level,home_region\nC1,M,12,medium,KZ-71\nC1,X,30,strict,KZ-00\n"
    )
    (tmp_path / "placements.csv").write_text("keep me\n")
    done = run("allocate", "--convicts", "bad.csv", "--out", "placements.csv", cwd=tmp_path)
    assert done.returncode == 2
    for fragment in (
        "bad.csv, row 1, column age",
        "bad.csv, row 2, column convict_id",
        "bad.csv, row 2, column sex",
        "bad.csv, row 2, column security_level",
        "bad.csv, row 2, column home_region",
    ):
        assert fragment in done.stderr
    assert (tmp_path / "placements.csv").read_text() == "keep me\n"


def test_bad_facilities_file_is_named(tmp_path: Path, batch: Path) -> None:
    (tmp_path / "facilities.csv").write_text(
        "facility_id,name,region,lat,lon,security_level,sex,age_category,capacity,occupied\n"
        "F1,A,KZ-71,51.1,71.4,medium,M,adult,10,11\n"
    )
    done = run(
        "allocate",
        "--convicts",
        batch / "new.csv",
        "--facilities",
        "facilities.csv",
        "--out",
        "p.csv",
        cwd=tmp_path,
    )
    assert done.returncode == 2
    assert (
        "facilities.csv, row 1, column occupied: 11 is above the facility's capacity" in done.stderr
    )
    assert not (tmp_path / "p.csv").exists()


def test_strict_exits_1_when_someone_is_unplaced(tmp_path: Path) -> None:
    (tmp_path / "women.csv").write_text(
        "convict_id,sex,age,security_level,home_region\nW1,F,30,minimum,KZ-71\n"
    )
    done = run("allocate", "--convicts", "women.csv", "--out", "p.csv", "--strict", cwd=tmp_path)
    assert done.returncode == 1
    placements = pd.read_csv(tmp_path / "p.csv", dtype=str, keep_default_na=False)
    assert placements.loc[0, "unplaced_reason"] == "no-eligible-facility"


def test_rail_distance_and_home_first_run(batch: Path) -> None:
    done = run(
        "allocate",
        "--convicts",
        "new.csv",
        "--out",
        "rail.csv",
        "--distance",
        "rail",
        "--objective",
        "home-first",
        "--quiet",
        cwd=batch,
    )
    assert done.returncode == 0, done.stderr
