"""The service's errors, each with its HTTP status and a fixed sentence as `detail`.

`app.py` maps them, and the engine's `InputError`, to responses in one place; tests assert the
sentences word for word.
"""

from __future__ import annotations


class ServiceError(Exception):
    """An answer other than success: `status_code` and a fixed `detail` sentence."""

    status_code = 400

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class UnauthorizedError(ServiceError):
    status_code = 401


class ForbiddenError(ServiceError):
    status_code = 403


class NotFoundError(ServiceError):
    status_code = 404


class ConflictError(ServiceError):
    status_code = 409


class TooLargeError(ServiceError):
    status_code = 413


class IdempotencyMismatchError(ServiceError):
    """The same Idempotency-Key came with a different request (422, as the IETF draft advises)."""

    status_code = 422


class DecisionRefusedError(ServiceError):
    """A transfer decision that a rule forbids: a hard rule, or the four-eyes rule (422)."""

    status_code = 422
