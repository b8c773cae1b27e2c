"""Fixtures for the end-to-end tests of the installed `placement` command."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.placement_command import run_placement


def run(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return run_placement(args, cwd=cwd)


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding `new.csv`, a 400-convict weekly batch (seed 5)."""
    folder = tmp_path_factory.mktemp("batch")
    assert (
        run(
            "generate-cohort", "--size", "400", "--seed", "5", "--out", "new.csv", cwd=folder
        ).returncode
        == 0
    )
    return folder
