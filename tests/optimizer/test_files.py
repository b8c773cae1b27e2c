"""Files in and out: every cell as text, never a half-written output."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from optimizer.domain import InputError
from optimizer.files import read_csv_text, write_csv_atomically, write_text_atomically


def test_cells_are_read_as_text_with_the_header_kept_as_written(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_text("\ufeffa, b\n007, x\n")
    table = read_csv_text(path)
    assert list(table.columns) == ["a", "b"]
    assert table.to_dict("records") == [{"a": "007", "b": "x"}]


@pytest.mark.parametrize(
    ("content", "message"),
    [("", "the file is empty"), ("a,b\n1,2,3\n", "not a readable CSV file")],
)
def test_unreadable_files_are_input_errors_naming_the_file(
    tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(content)
    with pytest.raises(InputError) as caught:
        read_csv_text(path)
    [problem] = caught.value.problems
    assert (problem.file, problem.row, problem.column) == ("bad.csv", None, None)
    assert problem.message.startswith(message)


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        read_csv_text(tmp_path / "absent.csv")
    assert str(caught.value) == f"absent.csv: file not found: {tmp_path / 'absent.csv'}"


def test_outputs_go_into_new_nested_folders(tmp_path: Path) -> None:
    target = tmp_path / "runs" / "week-49" / "placements.csv"
    write_csv_atomically(pd.DataFrame({"convict_id": ["C1"], "facility_id": ["F1"]}), target)
    assert target.read_text() == "convict_id,facility_id\nC1,F1\n"
    assert [p.name for p in target.parent.iterdir()] == ["placements.csv"]


def test_a_failed_write_leaves_the_old_file_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "summary.json"
    target.write_text("old")

    def refuse(source: object, destination: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("optimizer.files.os.replace", refuse)
    with pytest.raises(OSError, match="disk full"):
        write_text_atomically("new", target)
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["summary.json"]


def test_the_temporary_file_is_hidden_beside_the_target(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Beside the target, so that the rename stays on one file system and is atomic."""
    import os

    renames: list[tuple[Path, Path]] = []
    rename = os.replace

    def record(source: str, destination: Path) -> None:
        renames.append((Path(source), Path(destination)))
        rename(source, destination)

    monkeypatch.setattr("optimizer.files.os.replace", record)
    target = tmp_path / "out" / "summary.json"
    write_text_atomically("{}", target)
    [(temporary, destination)] = renames
    assert (temporary.parent, destination) == (target.parent, target)
    assert temporary.name.startswith(".summary.json.") and temporary.name.endswith(".tmp")
    assert target.read_text() == "{}"


def test_cells_that_pandas_would_read_as_missing_stay_text(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_text("id,note\nNA,\nnull,None\n")
    assert read_csv_text(path).to_dict("records") == [
        {"id": "NA", "note": ""},
        {"id": "null", "note": "None"},
    ]


def test_a_folder_or_undecodable_bytes_are_named(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        read_csv_text(tmp_path)
    assert str(caught.value) == f"{tmp_path.name}: file not found: {tmp_path}"
    path = tmp_path / "latin.csv"
    path.write_bytes(b"id,name\n1,\xe9t\xe9\n")
    with pytest.raises(InputError) as caught:
        read_csv_text(path)
    [problem] = caught.value.problems
    assert (problem.file, problem.row, problem.column) == ("latin.csv", None, None)
    assert problem.message.startswith("not a readable CSV file: 'utf-8' codec can't decode")


def test_outputs_are_utf8_whatever_the_locale(tmp_path: Path) -> None:
    """A server in the C locale still writes Kazakh and Russian names as UTF-8."""
    import os
    import subprocess
    import sys

    from tests.placement_command import ENGINE_ROOT

    target = tmp_path / "names.txt"
    write_text_atomically("Қарағанды\n", target)  # the function under test, in this process too
    text = "Қарағанды, Түркістан\n"
    script = f"from optimizer.files import write_text_atomically as w; w({text!a}, {str(target)!r})"
    env = {
        **os.environ,
        "LC_ALL": "C",
        "PYTHONUTF8": "0",
        "PYTHONCOERCECLOCALE": "0",
        "PYTHONPATH": str(ENGINE_ROOT),
    }
    subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        check=True,
        capture_output=True,
    )
    assert target.read_bytes() == text.encode()


def test_the_real_error_is_raised_even_if_the_temporary_is_already_gone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The clean-up must not hide the failure with its own FileNotFoundError."""

    def vanish_then_fail(source: str, destination: object) -> None:
        Path(source).unlink()
        raise OSError("device removed")

    monkeypatch.setattr("optimizer.files.os.replace", vanish_then_fail)
    with pytest.raises(OSError, match="device removed"):
        write_text_atomically("new", tmp_path / "out.csv")
    assert list(tmp_path.iterdir()) == []
