"""The service's errors, each with its HTTP status and a fixed sentence as `detail`.

`app.py` maps them, and the engine's `InputError`, to responses in one place; tests assert the
sentences word for word.
"""

from __future__ import annotations

NOT_AUTHENTICATED = "Not authenticated"
INVALID_TOKEN = "Invalid token"
FORBIDDEN = "Not permitted for this role"
BODY_TOO_LARGE = "Request body exceeds the limit of {limit} bytes"
BATCH_TOO_LARGE = "Batch exceeds the limit of {limit} convicts"
UPLOAD_TOO_LARGE = "Upload exceeds the limit of {limit} bytes"
IDEMPOTENCY_MISMATCH = "Idempotency-Key was already used with a different request"
UNREADABLE_BODY = "The request body could not be read: {reason}"
INTERNAL_ERROR = "Internal server error"
UNKNOWN_QUERY = "unknown query parameter {name!r}"
POLICY_CHANGES_NOTHING = (
    "the policy changes nothing; name the bundled policy 'baseline' to compare with today"
)
POLICY_CAPACITY_TOO_LARGE = "the policy gives a facility more than {limit} places"


class ServiceError(Exception):
    """An answer other than success: `status_code` and a fixed `detail` sentence."""

    status_code = 400
    column: str | None = None
    """For a 422: the request field the refusal is about, in its problem list."""

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
    column = "Idempotency-Key"


class DecisionRefusedError(ServiceError):
    """A transfer decision that a rule forbids: a hard rule, or the four-eyes rule (422)."""

    status_code = 422
    column = "decision"
