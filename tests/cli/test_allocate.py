"""End-to-end: `placement allocate` and `generate-cohort` in a temporary folder."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from tests.cli.conftest import run


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


def test_bad_input_is_listed_in_the_language_asked(tmp_path: Path) -> None:
    (tmp_path / "bad.csv").write_text(
        "convict_id,sex,age,security_level,home_region,criminal_history\n"
        "C1,M,abc,medium,KZ-71,first-time\nC1,X,30,medium,KZ-71,first-time\n"
    )
    said = {
        lang: run(
            "allocate", "--convicts", "bad.csv", "--out", "p.csv", "--lang", lang, cwd=tmp_path
        )
        for lang in ("ru", "kk")
    }
    assert said["ru"].returncode == said["kk"].returncode == 2
    assert said["ru"].stderr.splitlines() == [
        "placement: во входных данных 3 ошибки:",
        "  bad.csv, строка 2, столбец convict_id: повторяющийся идентификатор «C1» "
        "(впервые указан в строке 1)",
        "  bad.csv, строка 2, столбец sex: неизвестное обозначение пола «X»; "
        "допустимые значения: F, M",
        "  bad.csv, строка 1, столбец age: «abc» не является числом",
    ]
    assert "  bad.csv, 1-жол, age бағаны: «abc» сан емес" in said["kk"].stderr.splitlines()
