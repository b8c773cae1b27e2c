"""Run requests: convict records as text rows, unknown columns kept, NUL refused."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from api.schemas.runs import ConvictRecord, RunCreate


def test_a_record_is_a_row_of_text_cells_with_unknown_columns() -> None:
    record = ConvictRecord.model_validate({"convict_id": "C1", "age": 30, "extra": None})
    assert record.record()["age"] == "30"
    assert record.record()["extra"] == ""
    assert record.record()["home_lat"] == ""


def test_nul_in_a_record_and_unknown_fields_of_a_run_are_refused() -> None:
    with pytest.raises(ValidationError):
        ConvictRecord.model_validate({"convict_id": "C\x001"})
    with pytest.raises(ValidationError):
        RunCreate.model_validate({"convicts": [], "speed": "fast"})
