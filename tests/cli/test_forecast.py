"""`placement forecast`: a year-by-year report per scenario, a sweep, exit 2 on bad input."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tests.helpers import regions_table
from tests.optimizer.policies.forecast_helpers import standing_population
from tests.optimizer.policies.helpers import small_network

SCENARIO = """name = "small"
start = 2026-01-01
[admissions]
per_year = 150
[sentences]
minimum = 1
medium = 1
maximum = 2
extreme = 3
complete = 4
[[close]]
facility_id = "A-MED"
date = 2026-06-01
"""


def _files(tmp_path: Path) -> list[str]:
    """The small network whose occupancy is the standing population's, as the reader checks."""
    population = standing_population(6).drop(columns="age_category")
    counts = population["facility_id"].value_counts()
    network = small_network()
    network["occupied"] = network["facility_id"].map(counts).fillna(0).astype(int)
    regions_table().to_csv(tmp_path / "regions.csv", index=False)
    network.to_csv(tmp_path / "facilities.csv", index=False)
    population.to_csv(tmp_path / "population.csv", index=False)
    (tmp_path / "small.toml").write_text(SCENARIO, encoding="utf-8")
    return [
        "--regions",
        str(tmp_path / "regions.csv"),
        "--facilities",
        str(tmp_path / "facilities.csv"),
        "--population",
        str(tmp_path / "population.csv"),
        "--no-figures",
    ]


def test_forecast_writes_the_yearly_report_and_a_serial_sweep(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from cli.main import main

    common = _files(tmp_path)
    out = tmp_path / "forecast"
    arguments = [str(tmp_path / "small.toml"), "--years", "2", "--out", str(out), *common]
    assert main(["forecast", *arguments, "--sweep-seeds", "2", "--workers", "0"]) == 0
    folder = out / "small--today"
    yearly = pd.read_csv(folder / "yearly.csv")
    assert list(yearly["year"]) == [2026, 2027]
    assert list(yearly.columns[:2]) == ["year", "unplaced"], "who is unplaced comes first"
    text = (folder / "index.md").read_text(encoding="utf-8")
    assert text.index("Who is left without a lawful place") < text.index("Year by year")
    sweep = pd.read_csv(out / "sweep.csv")
    assert list(sweep["seed"]) == [0, 1]
    printed = capsys.readouterr().out
    assert "small under today's network:" in printed and "no lawful place" in printed


@pytest.mark.parametrize(
    ("lang", "heading", "summary"),
    [
        ("ru", "Кто остаётся без законного места", "без законного места"),
        ("kk", "Заңды орынсыз кім қалады", "заңды орынсыз қалады"),
    ],
)
def test_forecast_speaks_russian_and_kazakh(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], lang: str, heading: str, summary: str
) -> None:
    from cli.main import main

    common = _files(tmp_path)
    out = tmp_path / "forecast"
    arguments = [str(tmp_path / "small.toml"), "--years", "1", "--out", str(out), *common]
    assert main(["forecast", *arguments, "--lang", lang]) == 0
    folder = out / "small--today"
    assert (folder / "index.md").read_text(encoding="utf-8").splitlines()[2] == f"## {heading}"
    assert f'<html lang="{lang}">' in (folder / "index.html").read_text(encoding="utf-8")
    assert summary in capsys.readouterr().out


@pytest.mark.parametrize(
    ("extra", "where"),
    [
        (["--years", "11"], "--years"),
        (["--scheduler", "localhost:8786"], "--scheduler"),
    ],
)
def test_bad_options_exit_2_naming_the_option(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: list[str], where: str
) -> None:
    from cli.main import main

    common = _files(tmp_path)
    code = main(["forecast", str(tmp_path / "small.toml"), "--out", str(tmp_path), *common, *extra])
    assert code == 2
    assert where in capsys.readouterr().err


def test_a_bad_scenario_exits_2_naming_the_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from cli.main import main

    common = _files(tmp_path)
    (tmp_path / "bad.toml").write_text(SCENARIO.replace('"A-MED"', '"NOPE"'), encoding="utf-8")
    assert main(["forecast", str(tmp_path / "bad.toml"), "--out", str(tmp_path), *common]) == 2
    assert "bad.toml, column close[0].facility_id: unknown facility id 'NOPE'" in (
        capsys.readouterr().err
    )
