"""Every catalogue is complete in every language, with the same placeholders, and compiled."""

from __future__ import annotations

from pathlib import Path

import pytest

from optimizer.catalogues import catalogue_files, check_domain, compiled, placeholders
from optimizer.i18n import FALLBACK, LANGUAGES

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = catalogue_files(ROOT)
ENGLISH = [p for p in CATALOGUES if p.parent.parent.name == FALLBACK.value]


def _name(path: Path) -> str:
    return str(path.relative_to(ROOT))


def test_there_are_catalogues_for_the_engine_in_english() -> None:
    assert {p.stem for p in ENGLISH} >= {"explain", "transfers"}


@pytest.mark.parametrize("path", CATALOGUES, ids=_name)
def test_each_compiled_catalogue_is_fresh(path: Path) -> None:
    mo = path.with_suffix(".mo")
    assert mo.exists() and mo.read_bytes() == compiled(path), "run scripts/catalogues compile"


@pytest.mark.parametrize("language", [code for code in LANGUAGES if code != FALLBACK.value])
@pytest.mark.parametrize("english", ENGLISH, ids=_name)
def test_every_message_is_translated_with_the_same_placeholders(
    english: Path, language: str
) -> None:
    assert check_domain(english, language) == []


def test_placeholders_are_the_format_fields_without_their_specs() -> None:
    assert placeholders("{a} and {b:,.0f} of {c!r}") == {"a", "b", "c"}
