"""Forms drawn from a request schema: one control per field of the pydantic model the JSON API
takes, so a field the service gains appears in the console without a second copy of its limits.

Enums become a choice, booleans a check box, numbers a number box with the schema's bounds,
anything else a text box; the answers are validated by the model itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any

import annotated_types
from pydantic import BaseModel, ValidationError

from api.console.vocabulary import N_

LABELS = {"distance": N_("Distance")}
"""Words for the fields the console knows; any other field is labelled with its description."""


@dataclass(frozen=True, slots=True)
class FormField:
    """One control of a form: its name, kind (choice, check, number, text) and limits."""

    name: str
    label: str
    kind: str
    value: str
    choices: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    step: str = "1"


def form_fields(
    model: type[BaseModel], values: dict[str, str], skip: frozenset[str]
) -> list[FormField]:
    """The controls of `model`'s fields (but `skip`), showing `values` or the defaults."""
    fields = []
    for name, info in model.model_fields.items():
        if name in skip:
            continue
        kind, choices, step = _kind(info.annotation)
        default = info.get_default(call_default_factory=True)
        shown = values.get(name, _text(default))
        lower, upper = _bounds(info.metadata)
        label = LABELS.get(name) or info.description or info.title or name.replace("_", " ")
        fields.append(FormField(name, label, kind, shown, choices, lower, upper, step))
    return fields


def _kind(annotation: Any) -> tuple[str, tuple[str, ...], str]:
    options = [a for a in getattr(annotation, "__args__", (annotation,)) if a is not type(None)]
    kind = options[0] if len(options) == 1 else str
    kind = getattr(kind, "__origin__", kind) if hasattr(kind, "__metadata__") else kind
    if isinstance(kind, type) and issubclass(kind, Enum):
        return "choice", tuple(str(m.value) for m in kind), "1"
    if kind is bool:
        return "check", (), "1"
    if kind is int:
        return "number", (), "1"
    if kind is float:
        return "number", (), "any"
    return "text", (), "1"


def _bounds(metadata: list[Any]) -> tuple[float | None, float | None]:
    lower = upper = None
    for item in metadata:
        if isinstance(item, annotated_types.Ge | annotated_types.Gt):
            lower = float(getattr(item, "ge", getattr(item, "gt", 0)))
        if isinstance(item, annotated_types.Le | annotated_types.Lt):
            upper = float(getattr(item, "le", getattr(item, "lt", 0)))
    return lower, upper


def _text(value: Any) -> str:
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, bool):
        return "true" if value else ""
    return "" if value is None else str(value)


def _number(text: str) -> int | str:
    """A whole number box's answer as a number (strict schemas refuse digits as text)."""
    try:
        return int(text)
    except ValueError:
        return text


def read_form(
    model: type[BaseModel], form: dict[str, str], fields: list[FormField], fixed: dict[str, Any]
) -> tuple[BaseModel | None, list[str]]:
    """The model from the form's answers (empty boxes take the defaults) and `fixed` values,
    or the problems, each naming its field."""
    answers: dict[str, Any] = dict(fixed)
    for field in fields:
        given = form.get(field.name, "")
        if field.kind == "check":
            answers[field.name] = given == "true"
        elif given.strip():
            whole = field.kind == "number" and field.step == "1"
            answers[field.name] = _number(given.strip()) if whole else given.strip()
    try:
        return model.model_validate(answers), []
    except ValidationError as error:
        labels = {f.name: f.label for f in fields}
        return None, [
            f"{labels.get(str(e['loc'][0]), str(e['loc'][0])) if e['loc'] else ''}: {e['msg']}"
            for e in error.errors()
        ]
