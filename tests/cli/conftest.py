"""Fixtures for the end-to-end tests of the installed `placement` command."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

PLACEMENT = str(Path(sys.executable).with_name("placement"))


def run(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [PLACEMENT, *map(str, args)], cwd=cwd, capture_output=True, text=True, timeout=300
    )


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
