"""One router per resource; `responses` documents the refusals each route can give."""

from __future__ import annotations

from typing import Any

from api.schemas import ErrorPublic, ProblemsPublic

_DESCRIPTIONS = {
    401: ("Missing or unknown bearer token", "Not authenticated"),
    403: ("The token's role may not use this route", "Not permitted for this role"),
    404: ("No such resource", "Run not found"),
    409: (
        "The change conflicts with the store's state",
        "Occupancy changed since the run was solved",
    ),
    413: (
        "The request body (40 MiB by default, `PLACEMENT_MAX_BODY_BYTES`), the upload or the "
        "batch is larger than the service accepts; refused before the body is read",
        "Request body exceeds the limit of 41943040 bytes",
    ),
}


def responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries for the given status codes; 401, 403, 413 and 422 are always there."""
    documented: dict[int | str, dict[str, Any]] = {
        422: {
            "model": ProblemsPublic,
            "description": "Bad input: every problem, with file, row and column",
        }
    }
    for code in sorted({401, 403, 413, *codes}):
        description, example = _DESCRIPTIONS[code]
        documented[code] = {
            "model": ErrorPublic,
            "description": description,
            "content": {"application/json": {"example": {"detail": example, "message": example}}},
        }
    return documented
