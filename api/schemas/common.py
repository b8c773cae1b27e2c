"""Shared parts of the contract: error bodies, the language of texts, text checks."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field

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


class ErrorPublic(BaseModel):
    """Any other refusal: a fixed sentence."""

    detail: str = Field(examples=["Run not found"])


class Language(StrEnum):
    EN = "en"
    RU = "ru"


class Health(BaseModel):
    status: str = "ok"
