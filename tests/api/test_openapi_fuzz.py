"""Every operation of the OpenAPI schema, fed generated requests with an admin token, checked
with all of schemathesis's checks (`--checks all`): no 5xx, every status, header, content type
and body as documented, bad data refused, good data accepted, unsupported methods 405 with Allow.

The operations are driven with Hypothesis directly (`APIOperation.as_strategy`), ten examples
each of valid data and five of invalid data, against one app with a fresh store.
"""

from __future__ import annotations

import itertools
from typing import Any

import schemathesis
import schemathesis.specs.openapi.checks
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import CHECKS
from schemathesis.config import SchemathesisConfig

from api.auth import Role

ALL_CHECKS = list(CHECKS.get_all())

ENGINE_VALIDATED = {
    "operations": [
        {
            "include-path-regex": "^/(runs|runs/csv|benchmarks)$",
            "include-method": "POST",
            "checks": {
                "positive_data_acceptance": {
                    "expected-statuses": ["2xx", "401", "403", "404", "409", "413", "422"]
                }
            },
        }
    ]
}
"""A batch and a policy are checked by the engine, as the CLI checks its files: a schema-valid
convict record or policy can still be unlawful or unknown (an invented region code, a policy
that changes nothing), and the answer is the documented 422 problem list."""

EXAMPLES_PER_OPERATION = {GenerationMode.POSITIVE: 10, GenerationMode.NEGATIVE: 5}


def test_every_operation_passes_all_checks(app: FastAPI, tokens: dict[Role, str]) -> None:
    config = SchemathesisConfig.from_dict(ENGINE_VALIDATED)
    schema = schemathesis.openapi.from_asgi("/openapi.json", app, config=config)
    headers = {"Authorization": f"Bearer {tokens[Role.ADMIN]}"}
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 12
    for operation, mode in itertools.product(operations, GenerationMode):

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=EXAMPLES_PER_OPERATION[mode],
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
            derandomize=True,  # the same cases on every run: a failure is reproducible
        )
        def exercise(case: Any) -> None:
            try:
                case.call_and_validate(headers=headers, checks=ALL_CHECKS)
            except (Exception, BaseExceptionGroup) as failure:  # every failure, named
                failures.append(f"{case.method} {case.formatted_path}: {failure}")

        try:
            exercise()
        except Unsatisfiable:  # no invalid request exists (an operation without inputs)
            assert mode is GenerationMode.NEGATIVE, f"{operation.label}: no valid request"
    assert failures == [], "\n\n".join(failures)
