"""How log lines look: timestamped text for people, or one JSON object a line for collectors."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

LOG_FORMATS = ("text", "json")

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class JsonFormatter(logging.Formatter):
    """time, level, logger and message; a request line adds its fields (see request_log)."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        line.update(getattr(record, "request", None) or {})
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


def configure_logging(log_format: str = "text", level: int = logging.INFO) -> None:
    """Send every log line to stderr in the chosen format; called once, by the CLI."""
    handler = logging.StreamHandler()
    if log_format == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter(TEXT_FORMAT))
    # Other libraries' INFO (boto's credential notes, werkzeug's request lines, loggers that
    # set their own level) is noise here: their warnings pass, INFO only from the skill and
    # the server it runs under.
    handler.addFilter(_ours_or_warning)
    logging.basicConfig(level=level, handlers=[handler], force=True)


def _ours_or_warning(record: logging.LogRecord) -> bool:
    """Whether a line is shown: a warning or worse, or the skill's or waitress's own."""
    return record.levelno >= logging.WARNING or record.name.split(".")[0] in OURS


OURS = frozenset({"backcoach", "waitress"})
"""Loggers whose INFO lines are shown."""
