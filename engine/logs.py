"""Log lines for people and for machines: ``key=value`` by default, JSON lines on request.

Loggers are the standard library's, named after their module (``engine.cases``,
``engine.timers``, ``web.requests``). What a line is about goes in ``extra`` (a case id,
a duration), so that both formats show it as fields rather than inside a sentence:

    log.info("timers fired", extra={"case_id": 12, "duration_ms": 8.1})
    ts=2025-03-03T08:00:00.123+00:00 level=INFO logger=engine.timers msg="timers fired"
    case_id=12 duration_ms=8.1                                      (one line, wrapped here)
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any

from engine.settings import Settings

FORMATS = ("kv", "json")
DEFAULT_FORMAT, DEFAULT_LEVEL = "kv", "INFO"
# Every attribute a bare LogRecord has: what is not among them came in through ``extra``.
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}


def from_env() -> tuple[str, str]:
    """The log format and level: KETNAP_LOG_FORMAT (kv or json) and KETNAP_LOG_LEVEL,
    read and checked with the other settings (``engine.settings``)."""
    settings = Settings.from_env()
    return settings.log_format, settings.log_level


def fields(record: logging.LogRecord) -> dict[str, Any]:
    """The line's fields: time, level, logger, message, then what ``extra`` gave."""
    found = {
        "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
        "level": record.levelname,
        "logger": record.name,
        "msg": record.getMessage(),
    }
    found.update(
        (key, value)
        for key, value in vars(record).items()
        if key not in _STANDARD and not key.startswith("_") and value is not None
    )
    return found


def _kv_value(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    if text and not any(c in text for c in ' "=\\') and text.isprintable():
        return text
    return json.dumps(text, ensure_ascii=False)


class KeyValueFormatter(logging.Formatter):
    """``key=value`` pairs on one line; a traceback, if any, on the lines after it."""

    def format(self, record: logging.LogRecord) -> str:
        line = " ".join(f"{key}={_kv_value(value)}" for key, value in fields(record).items())
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line


class JsonFormatter(logging.Formatter):
    """One JSON object per line; a traceback goes in its ``exc`` field."""

    def format(self, record: logging.LogRecord) -> str:
        data = fields(record)
        if record.exc_info:
            data["exc"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False, default=str)


FORMATTERS = {"kv": KeyValueFormatter, "json": JsonFormatter}


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is when a line is written, not when configured:
    a test runner that swaps stderr for a while (click's) would leave a closed stream."""

    def __init__(self) -> None:
        logging.Handler.__init__(self)

    @property
    def stream(self):
        return sys.stderr


def configure(fmt: str = DEFAULT_FORMAT, level: str | int = DEFAULT_LEVEL) -> None:
    """Send every log line to stderr in ``fmt`` from ``level`` up (idempotent: the app
    factory and the CLI may both call it)."""
    if fmt not in FORMATTERS:
        raise ValueError(f"log format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    root = logging.getLogger()
    for handler in [h for h in root.handlers if isinstance(h, _StderrHandler)]:
        root.removeHandler(handler)
    handler = _StderrHandler()
    handler.setFormatter(FORMATTERS[fmt]())
    root.addHandler(handler)
    root.setLevel(level.upper() if isinstance(level, str) else level)
    # SpiffWorkflow logs every task state change at INFO: thousands of lines per case.
    logging.getLogger("spiff").setLevel(logging.WARNING)
