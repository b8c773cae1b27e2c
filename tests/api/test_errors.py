"""Refusals: `detail` stays the fixed English sentence; `message` says it in the language the
request names (`?lang=`, else `Accept-Language`), and is absent when it names none."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.auth import Role
from api.errors import SENTENCES, message, request_language, says, sentence_key
from optimizer.i18n import Language

UNKNOWN_RUN = "/runs/00000000-0000-4000-8000-000000000000"
API = Path(__file__).resolve().parents[2] / "api"


@pytest.mark.parametrize(
    ("params", "headers", "expected"),
    [
        ({"lang": "ru"}, {}, "Распределение не найдено"),
        ({}, {"Accept-Language": "kk"}, "Бөлу табылмады"),
        ({"lang": "en"}, {"Accept-Language": "kk"}, "Run not found"),
        ({}, {"Accept-Language": "de, ru;q=0.5"}, "Распределение не найдено"),
    ],
)
def test_a_404_says_its_sentence_in_the_language_asked(
    client: TestClient, as_role: Any, params: dict[str, str], headers: dict[str, str], expected: str
) -> None:
    response = client.get(UNKNOWN_RUN, params=params, headers=as_role(Role.REVIEWER) | headers)
    assert response.status_code == 404
    assert response.json() == {"detail": "Run not found", "message": expected}


def test_without_a_language_the_body_is_the_english_detail_alone(
    client: TestClient, as_role: Any
) -> None:
    response = client.get(UNKNOWN_RUN, headers=as_role(Role.REVIEWER))
    assert response.json() == {"detail": "Run not found"}
    german = client.get(UNKNOWN_RUN, headers=as_role(Role.REVIEWER) | {"Accept-Language": "de"})
    assert german.json() == {"detail": "Run not found"}


def test_a_422_counts_its_problems_in_the_language_asked(client: TestClient, as_role: Any) -> None:
    response = client.post(
        "/runs",
        params={"lang": "ru"},
        json={"convicts": [{"convict_id": "C1", "sex": "X", "age": "abc"}]},
        headers=as_role(Role.ALLOCATOR),
    )
    assert response.status_code == 422
    body = response.json()
    count = len(body["detail"])
    forms = {1: "ошибка", 2: "ошибки", 3: "ошибки", 4: "ошибки"}
    assert body["message"] == (
        f"Во входных данных {count} {forms.get(count, 'ошибок')}; их перечень приведён в ответе."
    )


def _raised_sentences() -> set[str]:
    """Every string constant or literal that the service raises as a refusal's `detail`."""
    found: set[str] = set()
    for path in API.rglob("*.py"):
        if "console" in path.parts:
            continue  # the console's pages have their own catalogue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        constants = {
            t.id: n.value.value
            for n in ast.walk(tree)
            if isinstance(n, ast.Assign) and isinstance(n.value, ast.Constant)
            for t in n.targets
            if isinstance(t, ast.Name) and isinstance(n.value.value, str)
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
                name = getattr(node.exc.func, "id", "")
                if not name.endswith("Error") or name in {
                    "ValueError",
                    "RuntimeError",
                    "AnchorError",
                }:
                    continue
                for arg in node.exc.args:
                    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                        found.add(arg.value)
                    elif isinstance(arg, ast.Name) and arg.id in constants:
                        found.add(constants[arg.id])
    return found


def test_every_refusal_the_service_raises_is_in_the_catalogue() -> None:
    raised = _raised_sentences()
    assert "Run not found" in raised and "No swap makes room for this transfer" in raised
    assert {sentence for sentence in raised if sentence_key(sentence) is None} == set()


@pytest.mark.parametrize("lang", [Language.RU, Language.KK])
def test_every_sentence_is_translated(lang: Language) -> None:
    english = says(Language.EN)
    for key in SENTENCES:
        assert message(english(key), lang) != english(key)


def test_the_query_names_the_language_before_the_header() -> None:
    assert request_language("kk", "ru") is Language.KK
    assert request_language("de", "ru-RU") is Language.RU
    assert request_language(None, None) is None


def test_a_422_says_each_problem_in_the_language_asked(client: TestClient, as_role: Any) -> None:
    response = client.post(
        "/runs",
        json={
            "convicts": [
                {
                    "convict_id": "C1",
                    "sex": "M",
                    "age": "abc",
                    "security_level": "medium",
                    "home_region": "KZ-71",
                }
            ]
        },
        headers=as_role(Role.ALLOCATOR) | {"Accept-Language": "kk"},
    )
    assert response.status_code == 422
    [problem] = response.json()["detail"]
    assert problem["message"] == "'abc' is not a number"
    assert problem["local_message"] == "«abc» сан емес"
    english = client.post(
        "/runs",
        json={
            "convicts": [
                {
                    "convict_id": "C1",
                    "sex": "M",
                    "age": "abc",
                    "security_level": "medium",
                    "home_region": "KZ-71",
                }
            ]
        },
        headers=as_role(Role.ALLOCATOR),
    )
    assert "local_message" not in english.json()["detail"][0]
