"""Texts of the engine shown in the console, asked of the engine in the console's language.

A language the engine does not speak yet (its catalogues grow one language at a time) is
answered in English, and the page says so.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from api.console.i18n import ConsoleLanguage


@dataclass(frozen=True, slots=True)
class EngineText:
    text: str
    lang: ConsoleLanguage
    """The language the text is in: the one asked for, or English when the engine lacks it."""


def explanation_text(
    stored: str,
    lang: ConsoleLanguage,
    regions: Mapping[str, list[Any]],
    facilities: Mapping[str, list[Any]],
) -> EngineText:
    """A stored explanation in words, with region and facility names in the chosen language."""
    from optimizer.explain import render_explanation

    document = json.loads(stored)
    return EngineText(render_explanation(document, lang.value, regions, facilities), lang)


def review_text(stored: str, lang: ConsoleLanguage, region_names: Mapping[str, str]) -> EngineText:
    """A stored transfer review in words: as stored in that language, else rendered anew."""
    from api.services.transfer_reviews import evaluation_from_dict
    from optimizer.transfers import render_evaluation

    evaluation = json.loads(stored)
    words = evaluation.get("explanation", {})
    if lang.value in words:
        return EngineText(words[lang.value], lang)
    try:
        return EngineText(
            render_evaluation(evaluation_from_dict(evaluation, region_names), lang.value), lang
        )
    except ValueError:
        return EngineText(words.get("en", ""), ConsoleLanguage.EN)
