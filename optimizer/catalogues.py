"""Maintaining the gettext catalogues: compile `.po` to `.mo`, and check them for gaps.

A catalogue is complete when every message of the English catalogue of its domain has a
translation in every language, with the same `{placeholders}`, and every plural form filled;
its `.mo` is fresh when it equals what compiling the `.po` gives.
"""

from __future__ import annotations

import io
import re
import string
from collections.abc import Iterable
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from optimizer.i18n import FALLBACK, LANGUAGES

PLACEHOLDER = re.compile(r"\{([a-z_0-9]*)[^{}]*\}")


def catalogue_files(root: Path) -> list[Path]:
    """Every `.po` of the project (engine and service)."""
    return sorted(p for p in root.glob("**/locale/*/LC_MESSAGES/*.po") if ".venv" not in p.parts)


def read_catalogue(path: Path) -> Catalog:
    with path.open("rb") as file:
        return read_po(file, locale=path.parent.parent.name)


def compiled(path: Path) -> bytes:
    """The `.mo` bytes of a `.po` file."""
    buffer = io.BytesIO()
    write_mo(buffer, read_catalogue(path), use_fuzzy=False)
    return buffer.getvalue()


def compile_all(paths: Iterable[Path]) -> list[Path]:
    written = []
    for path in paths:
        target = path.with_suffix(".mo")
        target.write_bytes(compiled(path))
        written.append(target)
    return written


def placeholders(text: str) -> set[str]:
    """The `{field}` names of a text (format specs ignored)."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def _strings(message: Message) -> list[str]:
    value = message.string
    if isinstance(value, tuple | list):
        return [s or "" for s in value]
    return [value or ""]


def check_domain(english: Path, language: str) -> list[str]:
    """Gaps of one domain in one language against English."""
    source = read_catalogue(english)
    path = english.parent.parent.parent / language / "LC_MESSAGES" / english.name
    if not path.exists():
        return [f"{path}: missing catalogue"]
    translated = read_catalogue(path)
    problems = []
    for message in source:
        if not message.id:
            continue
        key = message.id if isinstance(message.id, str) else message.id[0]
        found = translated.get(message.id)
        if found is None or not all(_strings(found)) or found.fuzzy:
            problems.append(f"{path}: {key!r} has no translation")
            continue
        wanted = set().union(*(placeholders(s) for s in _strings(message)))
        for text in _strings(found):
            if placeholders(text) - {"n"} != wanted - {"n"}:
                problems.append(
                    f"{path}: {key!r} has the placeholders {sorted(placeholders(text))}; "
                    f"English has {sorted(wanted)}"
                )
    return problems


def check_all(paths: Iterable[Path]) -> list[str]:
    """Every gap and every stale `.mo` among the catalogues."""
    problems = []
    paths = list(paths)
    for path in paths:
        mo = path.with_suffix(".mo")
        if not mo.exists() or mo.read_bytes() != compiled(path):
            problems.append(f"{mo}: stale; run scripts/catalogues compile")
        if path.parent.parent.name == FALLBACK.value:
            for language in LANGUAGES:
                if language != FALLBACK.value:
                    problems += check_domain(path, language)
    return problems
