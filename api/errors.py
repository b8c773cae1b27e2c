"""The service's errors, each with its HTTP status and a fixed sentence as `detail`.

`app.py` maps them, and the engine's `InputError`, to responses in one place; tests assert the
sentences word for word. `detail` stays the English sentence (clients match on it); when the
client names a language (`?lang=`, else an `Accept-Language` that matches en, ru or kk),
`message` says the same beside it in that language, from the gettext domain `service` under
`api/locale`.
"""

from __future__ import annotations

import functools
from pathlib import Path

from optimizer.i18n import FALLBACK, Language, Translator, negotiate, translator

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
"""The service's own catalogues: `api/locale/<lang>/LC_MESSAGES/service.po`."""

DOMAIN = "service"

SENTENCES = (
    "not-authenticated",
    "invalid-token",
    "not-permitted",
    "run-not-found",
    "placement-not-found",
    "transfer-request-not-found",
    "facility-not-found",
    "convict-not-found",
    "region-not-found",
    "benchmark-not-found",
    "benchmark-report-not-found",
    "benchmark-failed",
    "benchmark-not-finished",
    "occupancy-changed-meanwhile",
    "occupancy-changed-since-run",
    "occupancy-changed-since-request",
    "run-already-committed",
    "run-before-population",
    "convict-serving",
    "idempotency-mismatch",
    "reason-needed",
    "same-reviewer",
    "not-lawful",
    "no-swap",
    "no-room",
    "already-decided",
    "awaiting-approval",
    "not-awaiting-approval",
    "token-not-found",
    "user-not-found",
    "no-waiting-list",
    "consent-needed",
    "nothing-to-appeal",
    "notice-not-found",
    "campaign-week-not-found",
)
"""The keys of every fixed `detail` sentence; the English catalogue holds the sentences."""


def says(lang: str | Language) -> Translator:
    """The service's sentences in `lang`."""
    return translator(DOMAIN, str(lang), LOCALE_DIR)


@functools.cache
def _keys_by_sentence() -> dict[str, str]:
    english = says(FALLBACK)
    return {english(key): key for key in SENTENCES}


def sentence_key(detail: str) -> str | None:
    """The catalogue key of an English `detail` sentence; None for one it does not hold."""
    return _keys_by_sentence().get(detail)


def message(detail: str, lang: Language) -> str:
    """The `detail` sentence in `lang` (as it is when the catalogue does not hold it)."""
    key = sentence_key(detail)
    return detail if key is None else says(lang)(key)


def problems_message(count: int, lang: Language) -> str:
    """The sentence beside a 422's list of problems: how many there are, in `lang`."""
    return says(lang).plural("input.problems", count)


def request_language(query_lang: str | None, accept_language: str | None) -> Language | None:
    """`?lang=` when it names one of our languages, else the best for `Accept-Language`; None
    when the request names none of them."""
    if query_lang in {language.value for language in Language}:
        return Language(query_lang)
    return negotiate(accept_language, default=None) if accept_language else None


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
