"""`placement transfers optimise`: the phased plan written as weekly manifests, the summary in
the reader's language, and a plan folder that is written whole or not at all."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest

from optimizer.data import read_facilities, read_regions
from optimizer.population import read_population
from optimizer.transfers.manifest import MANIFEST_COLUMNS, PLAN_SUMMARY
from tests.cli.conftest import run
from tests.reading import assert_reads_in


@pytest.fixture(scope="module")
def requests_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every 40th convict of the bundled population asks for a transfer."""
    folder = tmp_path_factory.mktemp("campaign")
    regions = read_regions()
    population = read_population(None, regions, read_facilities(None, regions))
    asking = population["convict_id"].iloc[::40]
    pd.DataFrame({"convict_id": asking, "basis": "request", "received": "2026-11-01"}).to_csv(
        folder / "requests.csv", index=False
    )
    return folder


def test_the_plan_has_a_manifest_per_week_and_a_russian_summary(requests_file: Path) -> None:
    args = ["transfers", "optimise", "--requests", "requests.csv", "--max-weeks", "4"]
    done = run(*args, "--plan", "plan", "--json", "c.json", "--lang", "ru", cwd=requests_file)
    assert done.returncode == 0, done.stderr
    summary = json.loads((requests_file / "c.json").read_text(encoding="utf-8"))
    weeks = pd.read_csv(requests_file / "plan" / PLAN_SUMMARY)
    assert summary["weeks_needed"] == len(weeks) >= 1
    assert summary["weeks_proven_minimal"] and summary["unphased"] == 0
    manifests = sorted((requests_file / "plan").glob("week-*.csv"))
    assert [p.name for p in manifests] == [f"week-{w:02d}.csv" for w in weeks["week"]]
    rows = pd.concat([pd.read_csv(p) for p in manifests])
    assert list(rows.columns) == list(MANIFEST_COLUMNS)
    assert len(rows) == summary["moved"] == weeks["moves"].sum()
    assert (rows["saved_km"] >= 100).all() and (rows["rail_km"] > 0).all()
    assert rows["rail_route"].str.contains(" – ").all()
    assert not rows["from_name"].str.contains("colony|Institution").any(), "Russian names"
    text = done.stdout
    assert f"Требуется недель: {summary['weeks_needed']}" in text
    identifiers = re.findall(r"\b(?:F\d{3}|KZ-\d{2})\b", text)
    assert_reads_in(text.split("\nPlan written")[0], "ru", identifiers)


def test_a_folder_with_other_files_is_refused_and_left_as_it_was(requests_file: Path) -> None:
    folder = requests_file / "mine"
    folder.mkdir()
    (folder / "notes.txt").write_text("keep me", encoding="utf-8")
    done = run(
        "transfers", "optimise", "--requests", "requests.csv", "--plan", folder, cwd=requests_file
    )
    assert done.returncode == 2 and "notes.txt" in done.stderr
    assert sorted(p.name for p in folder.iterdir()) == ["notes.txt"]
    assert not list(requests_file.glob(".mine.*")), "no staging folder left behind"


def test_the_kazakh_summary_reads_in_kazakh(requests_file: Path) -> None:
    done = run(
        "transfers", "optimise", "--requests", "requests.csv", "--lang", "kk", cwd=requests_file
    )
    assert done.returncode == 0, done.stderr
    identifiers = re.findall(r"\b(?:F\d{3}|KZ-\d{2})\b", done.stdout)
    assert "Қажетті апталар саны" in done.stdout
    assert_reads_in(done.stdout, "kk", identifiers)
