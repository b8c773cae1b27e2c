"""docs/examples/ are what the commands print today: regenerated and compared, never stale."""

from __future__ import annotations

import re
import runpy
from pathlib import Path

from tests.reading import assert_reads_in

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "docs" / "examples"
IDENTIFIER = re.compile(r"\b(?:[FCK]\d+|KZ-\d+)\b")
"""Facility, convict and case ids and ISO region codes: the Latin words a text may quote."""


def test_the_examples_are_what_the_commands_print_today() -> None:
    script = runpy.run_path(str(ROOT / "scripts" / "examples"), run_name="examples")
    texts: dict[str, str] = script["examples"]()
    on_disk = {path.name: path.read_text(encoding="utf-8") for path in EXAMPLES.glob("*.txt")}
    assert sorted(on_disk) == sorted(texts), "run scripts/examples to rewrite docs/examples/"
    stale = [name for name, text in texts.items() if on_disk[name] != text]
    assert not stale, f"stale (run scripts/examples): {stale}"
    kinds = {name.split(".")[0] for name in texts}
    assert len(kinds) == len(texts) / 3, "every kind in en, ru and kk"
    for name, text in texts.items():
        lang = name.split(".")[-2]
        assert_reads_in(text, lang, IDENTIFIER.findall(text))
