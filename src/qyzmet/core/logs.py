"""Log records as one JSON object per line (production) or plain text, with the work's request id.

`QYZMET_LOG_FORMAT` chooses: `json` (the default under QYZMET_PROFILE=production) or `plain`.
Each record carries `request_id` and `case_number` from `core.context`; extra fields given with
`logger.info(..., extra={...})` are kept in the JSON object.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any, Final

from qyzmet.core import context

# Attributes every LogRecord has; anything else on a record was passed as `extra`.
_STANDARD: Final = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}
_DROPPED: Final = frozenset({"request", "server_time"})  # Django's extras that are objects, not data


class ContextFilter(logging.Filter):
    """Adds `request_id` and `case_number` (empty outside any work) to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", ""):
            # django.request logs a response after the request's context ended; its record holds the request.
            record.request_id = context.request_id() or getattr(getattr(record, "request", None), "request_id", "")
        if not getattr(record, "case_number", ""):
            record.case_number = context.case_number()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time (UTC, ISO 8601), level, logger, message, request_id, case_number, extras."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "") or context.request_id(),
            "case_number": getattr(record, "case_number", "") or context.case_number(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and key not in entry and key not in _DROPPED and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


PLAIN_FORMAT: Final = "%(asctime)s %(levelname)s %(name)s [%(request_id)s %(case_number)s] %(message)s"


def logging_config(*, log_format: str, level: str, qyzmet_level: str) -> dict[str, Any]:
    """The LOGGING setting: console output in `log_format` (json or plain) with the context filter."""
    formatter: dict[str, Any] = (
        {"()": "qyzmet.core.logs.JsonFormatter"} if log_format == "json" else {"format": PLAIN_FORMAT}
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"context": {"()": "qyzmet.core.logs.ContextFilter"}},
        "formatters": {"qyzmet": formatter},
        "handlers": {
            "console": {"class": "logging.StreamHandler", "formatter": "qyzmet", "filters": ["context"]},
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {"qyzmet": {"level": qyzmet_level}},
    }
