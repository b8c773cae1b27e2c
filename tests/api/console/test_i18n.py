"""The console's catalogues: every text of the console translated into Russian and Kazakh,
the compiled `.mo` files current with their `.po` sources, every vocabulary word present."""

from __future__ import annotations

import gettext
import io
from enum import StrEnum

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from api.auth import Role
from api.console import vocabulary
from api.console.i18n import LOCALE_DIR, ConsoleLanguage, number, translations
from api.schemas.benchmarks import BenchmarkMode
from api.status import BenchmarkStatus, RunStatus, TransferStatus
from optimizer.domain import DistanceKind, Objective, SecurityLevel, UnplacedReason
from optimizer.transfers import Ground, Verdict

LANGUAGES = ("ru", "kk")
KEYWORDS = {"_": None, "N_": None, "gettext": None, "ngettext": (1, 2)}


def _used_msgids() -> set[str]:
    """Every text the console's templates and modules mark for translation."""
    found = extract_from_dir(
        str(LOCALE_DIR.parent),
        method_map=[("**/templates/**.html", "jinja2"), ("**.py", "python")],
        options_map={"**/templates/**.html": {"extensions": "jinja2.ext.i18n"}},
        keywords=KEYWORDS,
    )
    ids = set()
    for _file, _line, message, _comments, _context in found:
        ids.add(message if isinstance(message, str) else message[0])
    return ids


def _catalogue(code: str):  # type: ignore[no-untyped-def]
    with open(LOCALE_DIR / code / "LC_MESSAGES" / "console.po", "rb") as source:
        return read_po(source, locale=code)


@pytest.mark.parametrize("code", LANGUAGES)
def test_every_console_text_is_translated(code: str) -> None:
    catalogue = _catalogue(code)
    translated = {
        (m.id if isinstance(m.id, str) else m.id[0])
        for m in catalogue
        if m.id and all(m.string if isinstance(m.string, tuple) else [m.string])
    }
    untranslated = sorted(_used_msgids() - translated)
    assert untranslated == []
    assert not any(m.fuzzy for m in catalogue if m.id)


@pytest.mark.parametrize("code", [*LANGUAGES, "en"])
def test_the_compiled_catalogue_is_current(code: str) -> None:
    """The `.mo` shipped answers exactly what compiling its `.po` now gives."""
    fresh = io.BytesIO()
    write_mo(fresh, _catalogue(code))
    fresh.seek(0)
    expected = gettext.GNUTranslations(fresh)
    with open(LOCALE_DIR / code / "LC_MESSAGES" / "console.mo", "rb") as shipped_file:
        shipped = gettext.GNUTranslations(shipped_file)
    assert shipped._catalog == expected._catalog  # type: ignore[attr-defined]


VOCABULARIES: list[type[StrEnum]] = [
    Role,
    RunStatus,
    TransferStatus,
    BenchmarkStatus,
    Objective,
    DistanceKind,
    SecurityLevel,
    UnplacedReason,
    Ground,
    Verdict,
    BenchmarkMode,
]


@pytest.mark.parametrize("vocabulary_type", VOCABULARIES, ids=lambda v: v.__name__)
def test_every_word_of_the_vocabularies_is_in_the_catalogue(vocabulary_type: type[StrEnum]) -> None:
    marked = {
        word
        for name in dir(vocabulary)
        if isinstance(getattr(vocabulary, name), tuple)
        for word in getattr(vocabulary, name)
    }
    assert {v.value for v in vocabulary_type} <= marked


def test_the_languages_translate_and_format_numbers_their_way() -> None:
    assert translations(ConsoleLanguage.RU).gettext("Sign in") == "Войти"
    assert translations(ConsoleLanguage.KK).gettext("Sign in") == "Кіру"
    assert (
        translations(ConsoleLanguage.RU).ngettext(
            "The batch has %(num)s problem; nothing was stored.",
            "The batch has %(num)s problems; nothing was stored.",
            5,
        )
        == "В списке %(num)s ошибок; ничего не сохранено."
    )
    assert number(12345.6, ConsoleLanguage.EN, 1) == "12,345.6"
    assert number(12345.6, ConsoleLanguage.RU, 1) == "12\xa0345,6"


def test_english_writes_every_vocabulary_code_in_prose() -> None:
    """The English console shows words, not the API's codes: each code has its prose, and no
    hyphenated code is left as it is."""
    english = translations(ConsoleLanguage.EN)
    for vocabulary_type in VOCABULARIES:
        for word in vocabulary_type:
            prose = english.gettext(word.value)
            assert prose.strip(), word
            assert "-" not in word.value or prose != word.value, word
    assert english.gettext("no-eligible-facility") == "no facility the law allows for this convict"
    assert english.gettext("medium") == "medium security"
    assert english.gettext("Sign in") == "Sign in"  # other texts are their msgids
