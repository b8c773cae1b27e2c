"""Transfer request models: one target at most, NUL refused."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from api.schemas.transfers import TransferDecisionCreate, TransferRequestCreate


def test_a_region_and_a_facility_together_are_refused() -> None:
    with pytest.raises(ValidationError, match="not both"):
        TransferRequestCreate(convict_id="P1", target_region="KZ-75", target_facility="F001")
    assert TransferRequestCreate(convict_id="P1").target_region is None


def test_a_reason_with_nul_is_refused() -> None:
    with pytest.raises(ValidationError):
        TransferDecisionCreate.model_validate({"decision": "deny", "reason": "a\x00"})
