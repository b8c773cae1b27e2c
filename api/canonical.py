"""Canonical JSON text and the digests taken of it.

Digests (audit entries, request fingerprints, Idempotency-Key bindings) are SHA-256 over one
spelling of a value: compact UTF-8 JSON with sorted keys.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping
from typing import Any

import numpy as np


def json_text(value: Any, *, sort_keys: bool = True) -> str:
    """Compact UTF-8 JSON; with sorted keys it is canonical, the one spelling digests are taken of.

    Explanations are kept with the engine's key order (`sort_keys=False`): their wording follows
    it. The fast path leaves the work to the C encoder; only values holding NaN or infinities take
    the slow path through `jsonable`.
    """
    options: dict[str, Any] = {
        "sort_keys": sort_keys,
        "separators": (",", ":"),
        "ensure_ascii": False,
        "allow_nan": False,
    }
    try:
        return json.dumps(value, default=_plain, **options)
    except ValueError:
        return json.dumps(jsonable(value), **options)


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def jsonable(value: Any) -> Any:
    """Plain JSON values: numpy scalars become Python ones, NaN and infinities become null."""
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def sha256(text: str) -> str:
    """Hex SHA-256 of the text's UTF-8 bytes."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def digest(value: Any) -> str:
    """SHA-256 of the value's canonical JSON."""
    return sha256(json_text(value))
