"""Running the installed `placement` command on the engine the tests themselves import.

The subprocess gets the folder holding the imported `optimizer` first on its `PYTHONPATH`. On a
normal run that is the checkout the package is installed from, so nothing changes; under
mutation testing (`scripts/mutation`, mutmut 3) it is mutmut's copy in `mutants/`, so the
command runs the mutated engine and an end-to-end test can kill a mutant.

mutmut first runs every test once with `MUTANT_UNDER_TEST=stats` to learn which functions each
test calls. Calls made in a subprocess are lost to it, so in that pass the command is run through
this module, which records the calls in a file that the test process adds to mutmut's record.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

import optimizer

ENGINE_ROOT = Path(optimizer.__file__).resolve().parent.parent
"""The folder the tests import the engine (and the command) from."""

PLACEMENT = str(Path(sys.executable).with_name("placement"))


def run_placement(
    args: Sequence[str | Path], *, cwd: Path, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """Run `placement ARGS` in `cwd` on the engine under test, capturing its output as text."""
    path = os.pathsep.join(p for p in (str(ENGINE_ROOT), os.environ.get("PYTHONPATH", "")) if p)
    env = {**os.environ, "PYTHONPATH": path}
    if os.environ.get("MUTANT_UNDER_TEST") != "stats":
        return subprocess.run(
            [PLACEMENT, *map(str, args)],
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    with tempfile.TemporaryDirectory() as folder:
        hits = Path(folder) / "hits.txt"
        command = [sys.executable, "-m", "tests.placement_command", str(hits), *map(str, args)]
        done = subprocess.run(
            command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
        )
        _add_to_mutmut_record(hits.read_text().split() if hits.exists() else [])
    return done


def _add_to_mutmut_record(functions: list[str]) -> None:
    from mutmut.state import state  # only installed with the `mutation` extra

    state()._stats.update(functions)


def _main(hits_file: str, args: list[str]) -> int:
    """`placement ARGS`, writing the engine functions it called to `hits_file` at exit."""
    from mutmut.configuration import config
    from mutmut.state import state

    here = Path.cwd()
    os.chdir(ENGINE_ROOT)  # mutmut reads its configuration from the working directory
    config()
    os.chdir(here)
    from cli.main import main

    try:
        return main(args)
    finally:
        Path(hits_file).write_text("\n".join(sorted(state()._stats)))


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1], sys.argv[2:]))
