"""The command table and the one-line messages of `placement` itself."""

from __future__ import annotations

import sys

import pytest

from cli.main import main


def test_every_command_family_is_listed_in_the_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["--help"])
    assert stopped.value.code == 0
    shown = capsys.readouterr().out
    for command in (
        "allocate",
        "generate-cohort",
        "explain",
        "transfer",
        "transfers",
        "benchmark",
        "serve",
        "token",
    ):
        assert command in shown


@pytest.mark.parametrize(
    "command", [["serve"], ["token", "create", "--role", "admin", "--name", "x"]]
)
def test_a_missing_optional_package_is_named_with_the_extra_that_installs_it(
    command: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for package in ("fastapi", "uvicorn", "sqlalchemy", "pydantic_settings"):
        monkeypatch.setitem(sys.modules, package, None)
    for loaded in [m for m in sys.modules if m == "api" or m.startswith("api.")]:
        monkeypatch.delitem(sys.modules, loaded)
    assert main(command) == 2
    message = capsys.readouterr().err
    assert message.startswith(f"placement {command[0]}: needs the optional package ")
    assert message.endswith("; install it with: pip install -e '.[api]'\n")
