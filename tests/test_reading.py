"""The reader's check itself: Latin words are found unless they are identifiers."""

from __future__ import annotations

import pytest

from tests.reading import assert_reads_in, foreign_words


def test_a_latin_word_is_found_and_an_identifier_is_not() -> None:
    text = "Направлен в F017 (KZ-61): вид режима maximum, правило same-security-level."
    assert foreign_words(text, {"F017", "KZ-61"}) == ["maximum", "same-security-level"]


def test_kazakh_needs_kazakh_letters() -> None:
    with pytest.raises(AssertionError, match="no Kazakh letters"):
        assert_reads_in("Направлен в учреждение", "kk")
    assert_reads_in("Жіберілген мекеме: F017", "kk", {"F017"})
