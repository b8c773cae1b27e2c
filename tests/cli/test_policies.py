"""`placement benchmark`: a report from policy files, and exit 2 on a bad policy."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import regions_table
from tests.optimizer.policies.helpers import small_network


def test_cli_writes_a_report_and_rejects_a_bad_policy(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from cli.main import main

    regions, network = regions_table(), small_network()
    regions.to_csv(tmp_path / "regions.csv", index=False)
    network.to_csv(tmp_path / "facilities.csv", index=False)
    (tmp_path / "baseline.toml").write_text('name = "baseline"\n', encoding="utf-8")
    (tmp_path / "merge.toml").write_text(
        '[[merge]]\nlevels = ["medium", "maximum"]\n', encoding="utf-8"
    )
    common = [
        "--regions",
        str(tmp_path / "regions.csv"),
        "--facilities",
        str(tmp_path / "facilities.csv"),
        "--synthetic",
        "--seeds",
        "2",
        "--weeks",
        "2",
        "--batch",
        "8",
        "--no-figures",
    ]
    out = tmp_path / "report"
    assert (
        main(
            [
                "benchmark",
                str(tmp_path / "baseline.toml"),
                str(tmp_path / "merge.toml"),
                "--out",
                str(out),
                *common,
            ]
        )
        == 0
    )
    assert (out / "index.md").is_file() and (out / "metrics.csv").is_file()
    captured = capsys.readouterr()
    assert "merge (steady state): 0 convicts without a lawful place (reference 0)" in captured.out
    assert captured.err == ""  # not a terminal: no progress bar in a pipe or a log

    (tmp_path / "bad.toml").write_text(
        '[[capacity]]\nlevels = ["medium"]\nfactor = -1\n', encoding="utf-8"
    )
    assert main(["benchmark", str(tmp_path / "bad.toml"), "--out", str(out), *common]) == 2
    assert (
        "bad.toml, column capacity[0].factor: must be a positive number" in capsys.readouterr().err
    )
