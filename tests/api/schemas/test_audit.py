"""Audit entries as published: a payload that is not an object is still shown."""

from __future__ import annotations

import pytest

from api.schemas.audit import AuditEntryPublic
from api.tables import AuditEntryRow


@pytest.mark.parametrize(
    ("payload", "shown"),
    [('{"a":1}', {"a": 1}), ("[1]", {"value": [1]}), ("{oops", {"unreadable": "{oops"})],
)
def test_a_payload_is_shown_as_an_object(payload: str, shown: dict[str, object]) -> None:
    row = AuditEntryRow(
        sequence=1,
        recorded_at="2024-01-01T00:00:00.000000+00:00",
        actor="system",
        action="store.seeded",
        payload=payload,
        payload_digest="0" * 64,
        previous_digest="0" * 64,
        entry_digest="0" * 64,
    )
    assert AuditEntryPublic.from_row(row).payload == shown
