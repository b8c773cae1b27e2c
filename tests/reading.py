"""The reader's check: what a Russian or Kazakh reader would stumble on in a rendered text.

`foreign_words` lists the words in Latin letters that are not identifiers the text may quote
(facility and convict ids, case ids, ISO region codes); `assert_reads_in` applies the whole
check for a language. Any rendered output (explanations, summaries, transfer reviews, policy
reports) can be checked by passing its text and the identifiers it may name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_.\-/]*")
KAZAKH_LETTERS = frozenset("әғқңөұүһіӘҒҚҢӨҰҮҺІ")


def foreign_words(text: str, identifiers: Iterable[str] = ()) -> list[str]:
    """Words in Latin letters that are not among `identifiers`, in order of appearance."""
    allowed = set(identifiers)
    return [w.rstrip(".-/") for w in LATIN_WORD.findall(text) if w.rstrip(".-/") not in allowed]


def assert_reads_in(text: str, lang: str, identifiers: Iterable[str] = ()) -> None:
    """Russian and Kazakh texts quote no Latin word but identifiers; Kazakh uses its letters."""
    if lang == "en":
        return
    assert foreign_words(text, identifiers) == [], f"Latin words in the {lang} text:\n{text}"
    if lang == "kk":
        assert KAZAKH_LETTERS & set(text), f"no Kazakh letters in the kk text:\n{text}"
