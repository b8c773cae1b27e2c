"""Forms drawn from a request schema: controls by type, bounds from the schema, answers
validated by the model, problems naming their field."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, Field

from api.console.forms import form_fields, read_form


class Colour(StrEnum):
    RED = "red"
    BLUE = "blue"


class Sample(BaseModel):
    colour: Colour = Colour.BLUE
    count: int = Field(default=3, ge=1, le=9, description="how many")
    share: float | None = Field(default=None, gt=0, lt=1)
    strict: bool = False
    note: str = ""
    hidden: int = 0


SKIP = frozenset({"hidden"})


def test_each_field_gets_its_control_with_the_schemas_bounds() -> None:
    fields = {f.name: f for f in form_fields(Sample, {}, SKIP)}
    assert list(fields) == ["colour", "count", "share", "strict", "note"]
    assert (fields["colour"].kind, fields["colour"].choices, fields["colour"].value) == (
        "choice",
        ("red", "blue"),
        "blue",
    )
    count = fields["count"]
    assert (count.kind, count.minimum, count.maximum, count.value, count.label) == (
        "number",
        1.0,
        9.0,
        "3",
        "how many",
    )
    assert (fields["share"].step, fields["share"].minimum, fields["share"].value) == ("any", 0, "")
    assert (fields["strict"].kind, fields["note"].kind) == ("check", "text")


def test_answers_are_validated_by_the_model() -> None:
    answers = {"colour": "red", "count": "5", "share": "", "strict": "true", "note": " hi "}
    fields = form_fields(Sample, answers, SKIP)
    model, problems = read_form(Sample, answers, fields, {"hidden": 7})
    assert problems == []
    assert model == Sample(colour=Colour.RED, count=5, strict=True, note="hi", hidden=7)


def test_bad_answers_name_their_fields() -> None:
    answers = {"colour": "green", "count": "12"}
    fields = form_fields(Sample, answers, SKIP)
    model, problems = read_form(Sample, answers, fields, {})
    assert model is None
    assert [p.split(":")[0] for p in problems] == ["colour", "how many"]
    assert form_fields(Sample, answers, SKIP)[1].value == "12"  # the answer is shown back
