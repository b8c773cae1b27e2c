"""The one message lookup: languages, English fallback, plural forms, locale numbers."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo

from optimizer import i18n
from optimizer.i18n import Language, negotiate, translate, translator


@pytest.fixture
def greetings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A `greetings` domain: English complete, Russian with one message and a plural."""
    english = Catalog(locale="en")
    english.add("hello", "Hello, {name}.")
    english.add("only-en", "English only")
    english.add(("convicts", "convicts"), ("{n} convict", "{n} convicts"))
    russian = Catalog(locale="ru")
    russian.add("hello", "Здравствуйте, {name}.")
    russian.add(("convicts", "convicts"), ("{n} осуждённый", "{n} осуждённых", "{n} осуждённых"))
    for lang, catalogue in (("en", english), ("ru", russian)):
        folder = tmp_path / lang / "LC_MESSAGES"
        folder.mkdir(parents=True)
        with (folder / "greetings.mo").open("wb") as file:
            write_mo(file, catalogue)
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    i18n._catalogue.cache_clear()
    yield "greetings"
    i18n._catalogue.cache_clear()


@pytest.mark.parametrize("code", ["de", "EN", ""])
def test_an_unknown_language_names_the_languages_there_are(code: str) -> None:
    with pytest.raises(ValueError, match="expected one of en, ru, kk"):
        translator("explain", code)


def test_a_message_is_filled_in_the_language_asked(greetings: str) -> None:
    assert translate(greetings, "hello", "ru", name="Аня") == "Здравствуйте, Аня."
    assert translate(greetings, "hello", Language.EN, name="Ann") == "Hello, Ann."


def test_a_message_missing_in_a_language_falls_back_to_english(greetings: str) -> None:
    assert translate(greetings, "only-en", "ru") == "English only"
    assert translate(greetings, "only-en", "kk") == "English only"


def test_a_message_missing_in_english_too_is_an_error(greetings: str) -> None:
    with pytest.raises(KeyError, match="absent"):
        translate(greetings, "absent", "ru")


@pytest.mark.parametrize(
    ("n", "text"),
    [
        (1, "1 осуждённый"),
        (2, "2 осуждённых"),
        (5, "5 осуждённых"),
        (21, "21 осуждённый"),
        (1000, "1 000 осуждённых"),
    ],
)
def test_counted_phrases_take_the_languages_plural_forms(greetings: str, n: int, text: str) -> None:
    assert translator(greetings, "ru").plural("convicts", n).replace("\xa0", " ") == text


def test_numbers_percentages_and_dates_follow_the_locale() -> None:
    english, russian, kazakh = (translator("explain", code) for code in ("en", "ru", "kk"))
    assert english.number(2413.4) == "2,413"
    assert russian.number(2413.4).replace("\xa0", " ") == "2 413"
    assert kazakh.number(2413.46, 1).replace("\xa0", " ") == "2 413,5"
    assert english.percent(0.481) == "48.1%"
    assert russian.percent(0.481).replace("\xa0", " ") == "48,1 %"
    assert russian.date(datetime.date(2026, 12, 6)).replace("\u202f", " ") == "6 декабря 2026 г."


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("ru-RU,ru;q=0.9,en;q=0.8", Language.RU),
        ("kk, ru;q=0.5", Language.KK),
        ("de-DE, en;q=0.3", Language.EN),
        ("de", Language.EN),
        ("ru;q=0, kk;q=0.2", Language.KK),
        (None, Language.EN),
    ],
)
def test_the_accept_language_header_picks_our_best_language(
    header: str | None, expected: Language
) -> None:
    assert negotiate(header) is expected
