"""Structured logs: one JSON object per line, for `placement serve` (`--log-format json`).

Fields: time (UTC, ISO 8601), level, logger, message, and the fields a log call passes in
`extra` under `fields` (the access log: method, route, status, duration_ms). Messages never hold
request paths, queries or bodies: ids in them are convict data.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any


class JsonFormatter(logging.Formatter):
    """One JSON object per record; an exception's type and stack frames, never its message."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            entry.update(fields)
        if record.exc_info and record.exc_info[0] is not None:
            entry["exception"] = record.exc_info[0].__name__
        return json.dumps(entry, ensure_ascii=False, default=str)
