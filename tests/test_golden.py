"""Every command's output on the bundled data and a scripted API session stay as recorded.

A deliberate change of behaviour updates the record with
`python -m tests.golden.capture tests/golden/expected` and shows in review as a diff.
"""

from __future__ import annotations

from pathlib import Path

from tests.golden.capture import capture

EXPECTED = Path(__file__).parent / "golden" / "expected"


def test_outputs_match_the_recorded_ones(tmp_path: Path) -> None:
    capture(tmp_path)
    expected = {p.name: p.read_text() for p in EXPECTED.iterdir()}
    actual = {p.name: p.read_text() for p in tmp_path.iterdir()}
    assert sorted(actual) == sorted(expected)
    changed = [name for name in sorted(expected) if actual[name] != expected[name]]
    assert changed == []
