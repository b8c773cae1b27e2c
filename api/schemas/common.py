"""Shared parts of the contract: error bodies, the language of texts, text checks."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from optimizer import i18n

Scalar = str | int | float | bool | None


def no_nul(value: Any) -> Any:
    if isinstance(value, str) and "\x00" in value:
        raise ValueError("text must not contain NUL characters")
    return value


def cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class ProblemPublic(BaseModel):
    """One defect of the input, as the CLI prints it: where it is and what is wrong."""

    file: str = Field(examples=["convicts"])
    row: int | None = Field(
        description="data row counted from 1; null for the whole file or column"
    )
    column: str | None = Field(examples=["age"])
    message: str = Field(examples=["'abc' is not a number"])


class ProblemsPublic(BaseModel):
    """422: every problem found in the input, in one pass."""

    detail: list[ProblemPublic]
    message: str | None = Field(
        None,
        description="how many problems there are, in the language the request names with "
        "`?lang=` or `Accept-Language` (absent when it names none); the problems are in English",
        examples=["Во входных данных 2 ошибки; их перечень приведён в ответе."],
    )


class ErrorPublic(BaseModel):
    """Any other refusal: a fixed English sentence, and the same sentence in the language asked."""

    detail: str = Field(
        description="a fixed English sentence, the same whatever the language asked",
        examples=["Run not found"],
    )
    message: str | None = Field(
        None,
        description="`detail` in the language the request names with `?lang=` (en, ru, kk) or, "
        "without it, the best of them for `Accept-Language`; absent when it names none",
        examples=["Распределение не найдено"],
    )


Language = i18n.Language
"""The languages of texts (en, ru, kk): the engine's own vocabulary."""


class Health(BaseModel):
    status: str = "ok"
