"""Shared parts of the contract: error bodies, the language of texts, text checks."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator

from optimizer import i18n

Scalar = str | int | float | bool | None

NUL_TEXT = "text must not contain NUL characters"
SURROGATE_TEXT = "text must be valid Unicode (a lone surrogate is not)"


def no_nul(value: Any) -> Any:
    """Text that a store can keep and a digest can spell: no NUL, no lone UTF-16 surrogate.

    JSON can spell a lone surrogate (`"\\ud800"`) that no UTF-8 text holds; it is refused here,
    at the edge, like NUL.
    """
    if isinstance(value, str):
        if "\x00" in value:
            raise ValueError(NUL_TEXT)
        if not value.isascii():
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                raise ValueError(SURROGATE_TEXT) from None
    return value


def no_nul_anywhere(value: Any) -> Any:
    """`no_nul` all through lists and mappings (inline policies, unknown convict columns)."""
    if isinstance(value, str):
        no_nul(value)
    elif isinstance(value, dict):
        for key, item in value.items():
            no_nul_anywhere(key)
            no_nul_anywhere(item)
    elif isinstance(value, list | tuple):
        for item in value:
            no_nul_anywhere(item)
    return value


def _number_not_text_or_flag(value: Any) -> Any:
    if isinstance(value, bool | str):
        raise ValueError("must be a number, not text or true/false")
    return value


Count = Annotated[int, BeforeValidator(_number_not_text_or_flag)]
"""An integer in a request body: a JSON number with no fraction (`7` or `7.0`, as JSON Schema's
`integer` allows), never `true` or `"7"`."""


class RequestModel(BaseModel):
    """A request body: unknown fields refused, every text checked once (`no_nul`).

    Numbers and flags are declared strict field by field (`Count`, `StrictBool`): `true` is not
    an occupancy and `"7"` is not a count.
    """

    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="before")
    @classmethod
    def _plain_text(cls, value: Any) -> Any:
        return no_nul(value)


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
    local_message: str | None = Field(
        None,
        examples=["«abc» не является числом"],
        description="the message in the language the request names with `?lang=` or "
        "`Accept-Language` (absent when it names none; as `message` where no translation exists)",
    )


class ProblemsPublic(BaseModel):
    """422: every problem found in the input, in one pass."""

    detail: list[ProblemPublic]
    message: str | None = Field(
        None,
        description="how many problems there are, in the language the request names with "
        "`?lang=` or `Accept-Language` (absent when it names none); each problem's "
        "`local_message` says it in that language",
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
