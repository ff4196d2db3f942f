"""How log lines look: timestamped text for people, or one JSON object a line for collectors."""

from __future__ import annotations

import json
import logging
import os
import re
import time
from datetime import UTC, datetime

try:  # CPython's own BLAKE2, without loading OpenSSL as hashlib does (4 ms of a cold start)
    from _blake2 import blake2b
except ImportError:  # pragma: no cover (another Python)
    from hashlib import blake2b

LOG_FORMATS = ("text", "json")

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class TextFormatter(logging.Formatter):
    """TEXT_FORMAT, its date and time formatted once a second (a line is written every turn)."""

    def __init__(self) -> None:
        super().__init__(TEXT_FORMAT)
        self._second: tuple[int, str] = (-1, "")

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:  # noqa: N802
        return self.stamp(record.created, record.msecs)

    def stamp(self, created: float, msecs: float) -> str:
        """`created` as logging.Formatter writes it by default (`2026-12-07 08:30:00,123`)."""
        second, text = self._second
        if int(created) != second:
            text = time.strftime(self.default_time_format, self.converter(created))
            self._second = (int(created), text)
        return f"{text},{int(msecs):03d}"  # logging's default_msec_format, "%s,%03d"

    def line(self, created: float, level: str, name: str, message: str, fields: dict) -> str:
        """The line `format` writes for a record with no exception, without making one."""
        return f"{self.stamp(created, _msecs(created))} {level} {name}: {message}"


class JsonFormatter(logging.Formatter):
    """time, level, logger and message; a request line adds its fields (see request_log)."""

    def format(self, record: logging.LogRecord) -> str:
        fields = getattr(record, "request", None) or {}
        if not record.exc_info:
            return self.line(
                record.created, record.levelname, record.name, record.getMessage(), fields
            )
        line = self._object(record.created, record.levelname, record.name, record.getMessage())
        line.update(fields)
        line["exception"] = record.exc_text or self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)

    def line(self, created: float, level: str, name: str, message: str, fields: dict) -> str:
        """The line `format` writes for a record with no exception, without making one."""
        line = self._object(created, level, name, message)
        line.update(fields)
        return json.dumps(line, ensure_ascii=False, default=str)

    @staticmethod
    def _object(created: float, level: str, name: str, message: str) -> dict:
        when = datetime.fromtimestamp(created, UTC).isoformat(timespec="milliseconds")
        return {"time": when, "level": level, "logger": name, "message": message}


def _msecs(created: float) -> float:
    """A LogRecord's `msecs` for a time it was `created` (as logging works it out)."""
    return int((created - int(created)) * 1000) + 0.0


def configure_logging(log_format: str = "text", level: int = logging.INFO) -> None:
    """Send every log line to stderr in the chosen format; called once, by the CLI."""
    handler = logging.StreamHandler()
    if log_format == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(TextFormatter())
    # Other libraries' INFO (boto's credential notes, werkzeug's request lines, loggers that
    # set their own level) is noise here: their warnings pass, INFO only from the skill and
    # the server it runs under.
    handler.addFilter(passes_ours)
    logging.basicConfig(level=level, handlers=[handler], force=True)
    # Neither format shows where a line was logged from, nor its thread or process: skip
    # finding them for every record (logging HOWTO, "Optimization"): the request line is
    # written on every turn.
    logging._srcfile = None
    logging.logThreads = False
    logging.logProcesses = False
    logging.logMultiprocessing = False


def passes_ours(record: logging.LogRecord) -> bool:
    """Whether a line is shown: a warning or worse, or the skill's or waitress's own."""
    return record.levelno >= logging.WARNING or record.name.split(".")[0] in OURS


OURS = frozenset({"backcoach", "waitress"})
"""Loggers whose INFO lines are shown."""


# -- no Alexa id in any log line ------------------------------------------------------------------

ALEXA_ID = re.compile(r"amzn1\.ask\.(?:account|person|device|user)\.[A-Za-z0-9._\-]+")
"""A person's or device's id as Alexa sends it (userId, personId, deviceId)."""
USER_HASH_CHARS = 16
"""Hex digits of an id's hash kept: enough to tell people apart in a day's logs."""
REDACTED = "id_redacted"
"""Set on a record whose message or exception held an Alexa id (the tests look for it)."""

_salt = os.urandom(16)


def set_log_salt(salt: bytes) -> None:
    """The key of the ids' hashes (BACKCOACH_LOG_SALT; else random per process)."""
    global _salt
    _salt = salt


def keyed_hash(value: str | None, salt: bytes) -> str | None:
    """A keyed hash of an id (keyed BLAKE2b, a MAC like HMAC): the same person gets the same
    hash under one salt, and no one without the salt can tell whose it is."""
    if not value:
        return None
    data = value.encode("utf-8", "surrogatepass")
    key = salt if len(salt) <= blake2b.MAX_KEY_SIZE else blake2b(salt).digest()
    return blake2b(data, key=key, digest_size=USER_HASH_CHARS // 2).hexdigest()


def id_hash(value: str | None) -> str | None:
    """keyed_hash under the log's salt (set_log_salt)."""
    return keyed_hash(value, _salt)


def redact(text: str) -> str:
    """`text` with every Alexa id replaced by `id:` and its hash."""
    return ALEXA_ID.sub(lambda m: f"id:{id_hash(m.group(0))}", text)


def protect_logs() -> None:
    """Make every log record, whoever logs it and whichever handler prints it (ours, waitress's,
    Lambda's), carry a hash where its message or exception held an Alexa id. Idempotent."""
    make = logging.getLogRecordFactory()
    if getattr(make, "protects_ids", False):
        return

    def private_record(*args, **kwargs) -> logging.LogRecord:
        record = make(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: logging reports it itself
            return record
        if ALEXA_ID.search(message):
            record.msg, record.args = redact(message), ()
            setattr(record, REDACTED, True)
        if record.exc_info and record.exc_info[1] is not None:
            text = logging.Formatter().formatException(record.exc_info)
            if ALEXA_ID.search(text):
                record.exc_text = redact(text)
                setattr(record, REDACTED, True)
        return record

    private_record.protects_ids = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(private_record)
