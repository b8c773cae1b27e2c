"""The transfer commands, run as a user would: files in a folder, the `placement` command."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from cli.main import main
from optimizer.data import read_facilities, read_regions, write_csv_atomically
from optimizer.population import read_population
from optimizer.transfers.messages import transfer_message
from tests.helpers import REGIONS, convict, facility
from tests.placement_command import run_placement


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """Regions, facilities and a population where A (home Shymkent, in Astana) and B (home
    Astana, in Shymkent) could exchange places."""
    columns = ["region", "name", "centre", "lat", "lon", "population"]
    write_csv_atomically(pd.DataFrame(REGIONS, columns=columns), tmp_path / "regions.csv")
    facilities = [
        facility("FA", "KZ-71", capacity=1, occupied=1),
        facility("FS", "KZ-79", capacity=1, occupied=1),
    ]
    write_csv_atomically(pd.DataFrame(facilities), tmp_path / "facilities.csv")
    population = [
        {**convict("A", "KZ-79"), "facility_id": "FA"},
        {**convict("B", "KZ-71"), "facility_id": "FS"},
    ]
    write_csv_atomically(pd.DataFrame(population), tmp_path / "population.csv")
    return tmp_path


def tables(folder: Path) -> list[str]:
    return [
        "--population",
        str(folder / "population.csv"),
        "--facilities",
        str(folder / "facilities.csv"),
        "--regions",
        str(folder / "regions.csv"),
    ]


def test_review_prints_the_recommendation(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["transfer", "review", "--convict", "A", *tables(folder)]) == 0
    out = capsys.readouterr().out
    assert "Recommendation: grant with the swap of 2 people" in out
    assert "B FS -> FA" in out


def test_review_speaks_russian_and_json(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["transfer", "review", "--convict", "A", "--lang", "ru", *tables(folder)]) == 0
    assert "Рекомендация: удовлетворить с обменом" in capsys.readouterr().out
    assert main(["transfer", "review", "--convict", "A", "--json", *tables(folder)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["recommendation"] == "grant-with-swap"
    assert data["reasons"][0]["code"] == "swap-available"


def test_review_of_a_target_facility_and_a_ground(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["transfer", "review", "--convict", "A", "--target-facility", "FS", "--ground", "safety"]
    assert main([*argv, *tables(folder)]) == 0
    assert "the convict's personal safety" in capsys.readouterr().out


def test_an_unknown_convict_exits_2_with_the_problem(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["transfer", "review", "--convict", "Z", *tables(folder)]) == 2
    assert "--convict: unknown convict 'Z'" in capsys.readouterr().err


def test_a_population_that_disagrees_with_the_facilities_exits_2(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    population = pd.read_csv(folder / "population.csv", dtype=str, keep_default_na=False)
    write_csv_atomically(population.iloc[:1], folder / "population.csv")
    assert main(["transfers", "optimise", *tables(folder)]) == 2
    assert (
        "0 convicts serve in FS, but the facilities table says 1 occupied"
        in capsys.readouterr().err
    )


def test_optimise_writes_moves_and_summary(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A and B would only gain by exchanging Astana and Shymkent: no pair exchanges both ways,
    so even the what-if over everyone moves nobody, and says it is a what-if."""
    out, summary = folder / "moves.csv", folder / "summary.json"
    argv = ["transfers", "optimise", *tables(folder), "--everyone"]
    assert main([*argv, "--out", str(out), "--json", str(summary)]) == 0
    assert "In their home region: 0 now, 0 after (0)." in capsys.readouterr().out
    assert pd.read_csv(out).empty
    data = json.loads(summary.read_text(encoding="utf-8"))
    assert (data["moved"], data["what_if"], data["optimal"]) == (0, True, True)


def test_a_bad_requests_file_exits_2_naming_row_and_column(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    requests = folder / "requests.csv"
    requests.write_text("convict_id,basis,received\nA,request,01.11.2026\n", encoding="utf-8")
    argv = ["transfers", "optimise", *tables(folder), "--requests", str(requests)]
    assert main(argv) == 2
    assert "candidates, row 1, column received" in capsys.readouterr().err


def test_generate_population_writes_a_valid_population(folder: Path) -> None:
    out = folder / "generated.csv"
    argv = ["generate-population", "--seed", "4", "--out", str(out)]
    assert (
        main(
            [
                *argv,
                "--facilities",
                str(folder / "facilities.csv"),
                "--regions",
                str(folder / "regions.csv"),
            ]
        )
        == 0
    )
    regions = read_regions(folder / "regions.csv")
    population = read_population(out, regions, read_facilities(folder / "facilities.csv", regions))
    assert len(population) == 2


def test_the_installed_command_reviews_a_request(folder: Path) -> None:
    done = run_placement(
        ["transfer", "review", "--convict", "A", *tables(folder)], cwd=folder, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert transfer_message("swap-needs-consent", "en") in done.stdout
    assert "swap-available" not in done.stdout
