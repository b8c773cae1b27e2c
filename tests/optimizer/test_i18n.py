"""One message lookup: the languages, English as the fallback, and formatting."""

from __future__ import annotations

import pytest

from optimizer.i18n import LANGUAGES, Language, language, translate, translator

CATALOGUE = {
    "en": {"hello": "Hello, {name}.", "only-en": "English only"},
    "ru": {"hello": "Здравствуйте, {name}."},
}


def test_the_languages_are_english_and_russian() -> None:
    assert LANGUAGES == ("en", "ru")
    assert [language(code) for code in LANGUAGES] == [Language.EN, Language.RU]
    assert language(Language.RU) is Language.RU


@pytest.mark.parametrize("code", ["kk", "EN", ""])
def test_an_unknown_language_is_refused_with_the_choices(code: str) -> None:
    with pytest.raises(ValueError, match=f"unknown language '{code}'; expected one of en, ru"):
        translate(CATALOGUE, "hello", code)


def test_a_message_is_filled_in_its_language() -> None:
    assert translate(CATALOGUE, "hello", "ru", name="Аня") == "Здравствуйте, Аня."
    assert translate(CATALOGUE, "hello", Language.EN, name="Ann") == "Hello, Ann."


def test_a_message_missing_in_a_language_falls_back_to_english() -> None:
    assert translate(CATALOGUE, "only-en", "ru") == "English only"
    assert translator({"en": CATALOGUE["en"]}, "ru")("hello", name="Ann") == "Hello, Ann."


def test_a_message_missing_in_english_is_an_error() -> None:
    with pytest.raises(KeyError):
        translate(CATALOGUE, "absent", "ru")


def test_a_translator_is_bound_to_one_language() -> None:
    say = translator(CATALOGUE, "ru")
    assert say("hello", name="Аня") == "Здравствуйте, Аня."
    assert say("only-en") == "English only"
