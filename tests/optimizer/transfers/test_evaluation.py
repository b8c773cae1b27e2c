"""The review as a value: JSON-able, with its reasons, rules and texts."""

from __future__ import annotations

import json

from optimizer.explain.messages import LANGUAGES
from optimizer.rules import RULES
from optimizer.transfers import evaluation_document
from tests.helpers import convict
from tests.optimizer.transfers.worlds import full, review, world


def test_the_evaluation_is_json_able_with_reasons_rules_and_both_languages() -> None:
    population, facilities = world(
        [full("FA", "KZ-71"), full("FS", "KZ-79")],
        [(convict("A", "KZ-79"), "FA"), (convict("B", "KZ-71"), "FS")],
    )
    data = json.loads(
        json.dumps(evaluation_document(review(population, facilities)), ensure_ascii=False)
    )
    assert data["recommendation"] == "grant-with-swap"
    assert data["reasons"][0] == {
        "code": "swap-available",
        "rule": "capacity",
        "legal_source": RULES["capacity"].legal_source,
    }
    assert set(data["explanation"]) == set(LANGUAGES)
    assert "Recommendation: grant with the swap of 2 people" in data["explanation"]["en"]
    assert "Рекомендация: удовлетворить с обменом 2 человек" in data["explanation"]["ru"]
    assert data["swaps"][0]["moves"][1]["convict_id"] == "B"
