"""Every operation of the OpenAPI schema, fed generated requests with an admin token: no 5xx.

The operations are driven with Hypothesis directly (`APIOperation.as_strategy`), ten examples
each, against one app with a fresh store.
"""

from __future__ import annotations

from typing import Any

import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings

from api.auth import Role

EXAMPLES_PER_OPERATION = 10


def test_no_operation_answers_with_a_server_error(app: FastAPI, tokens: dict[Role, str]) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    headers = {"Authorization": f"Bearer {tokens[Role.ADMIN]}"}
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 12
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
        )
        def exercise(case: Any) -> None:
            response = case.call(headers=headers)
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.formatted_path}: {response.status_code}")

        exercise()
    assert failures == []
