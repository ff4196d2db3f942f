"""One log line per Alexa request: what it was, how it went, how long it took, whose (a
salted hash of the user id, never the id) and Alexa's id for it (to match Alexa's own logs)."""

from __future__ import annotations

import json
import logging
import os
import time

from backcoach.skill.log_format import (
    ALEXA_ID,
    JsonFormatter,
    TextFormatter,
    keyed_hash,
    passes_ours,
    set_log_salt,
)

log = logging.getLogger("backcoach.requests")

REQUEST_ID_CHARS = 100
"""Alexa's request ids are some 60 characters; a forged envelope's is cut here."""


def log_salt(configured: str | None) -> bytes:
    """BACKCOACH_LOG_SALT, or a random salt for this process (hashes then differ per run);
    also the key of the hashes that replace any id another log line would hold."""
    salt = configured.encode() if configured else os.urandom(16)  # what secrets.token_bytes is
    set_log_salt(salt)
    return salt


def user_hash(user_id: str | None, salt: bytes) -> str | None:
    """A keyed hash of the user id: the same person gets the same hash under one salt."""
    return keyed_hash(user_id, salt)


def _get(data: object, *keys: str) -> object:
    """data[a][b]…, or None where a link is missing or not an object."""
    for key in keys:
        data = data.get(key) if isinstance(data, dict) else None
    return data


def request_fields(envelope: object, salt: bytes) -> dict:
    """What the line says about the request, read from the parsed envelope (a dict)."""
    req = _get(envelope, "request")
    user = _get(envelope, "context", "System", "user", "userId") or _get(
        envelope, "session", "user", "userId"
    )
    new = _get(envelope, "session", "new")
    request_id = _get(req, "requestId")
    return {
        "type": _get(req, "type"),
        "intent": _get(req, "intent", "name"),
        "new_session": new if isinstance(new, bool) else None,
        "user": user_hash(user if isinstance(user, str) else None, salt),
        # Not private (it names one request, not a person): logged as Alexa sent it.
        "request_id": request_id[:REQUEST_ID_CHARS] if isinstance(request_id, str) else None,
    }


def log_request(
    envelope: object, status: int, latency_ms: float, salt: bytes, refused: str | None = None
) -> None:
    """The request's line: INFO, or WARNING for a refused or failed request and for a session
    Alexa ended on an error (how it reports a response it rejected as invalid)."""
    fields = {**request_fields(envelope, salt), "status": status, "latency_ms": latency_ms}
    if refused:
        fields["refused"] = refused
    error = _get(envelope, "request", "error")
    level = logging.WARNING if status >= 400 else logging.INFO
    if fields["type"] == "SessionEndedRequest":
        # Why it ended (a timeout, for someone still getting into position, is the common one).
        fields["reason"] = _get(envelope, "request", "reason")
        if isinstance(error, dict):
            fields["error_type"] = error.get("type")
            fields["error_message"] = error.get("message")
            level = logging.WARNING
    if not log.isEnabledFor(level):
        return
    message, direct = text_line(fields), _direct(level)
    # A refused body's id in the reason takes the way through logging, which hides it.
    if direct is None or ALEXA_ID.search(message):
        log.log(level, message, extra={"request": fields})
        return
    # The same line, without a LogRecord and the walk through loggers, filters and handlers
    # that would end at this one handler (a line is written on every turn: issue 22).
    handler, formatter = direct
    line = formatter.line(time.time(), logging.getLevelName(level), log.name, message, fields)
    with handler.lock:  # type: ignore[union-attr]
        try:
            handler.stream.write(line + handler.terminator)
            handler.flush()
        except Exception:  # as StreamHandler.emit: logging's own report, never the turn's
            handler.handleError(log.makeRecord(log.name, level, "", 0, line, (), None))


def _direct(level: int) -> tuple[logging.StreamHandler, TextFormatter | JsonFormatter] | None:
    """configure_logging's one handler and its formatter, when a request line at `level`
    would reach that handler and no other, unchanged by anything on the way: the line can
    then be written to it directly."""
    root = logging.root
    if len(root.handlers) != 1 or root.filters:
        return None
    handler, formatter = root.handlers[0], root.handlers[0].formatter
    if (
        type(handler) is not logging.StreamHandler
        or not isinstance(formatter, TextFormatter | JsonFormatter)
        or type(formatter) not in (TextFormatter, JsonFormatter)  # a subclass may differ
        or handler.filters != [passes_ours]
        or handler.level > level
    ):
        return None
    on_the_way: logging.Logger | None = log
    while on_the_way is not None and on_the_way is not root:
        if on_the_way.handlers or on_the_way.filters or not on_the_way.propagate:
            return None
        on_the_way = on_the_way.parent
    make = logging.getLogRecordFactory()
    # protect_logs' factory hides ids in a message; a request line holds none (its user is
    # hashed), so a record made by it would say the same.
    if make is not logging.LogRecord and not getattr(make, "protects_ids", False):
        return None
    return handler, formatter


def text_line(fields: dict) -> str:
    """The fields as `key=value` pairs, in a stable order (None shown as `-`)."""
    shown = {**fields, "latency_ms": f"{fields['latency_ms']:.1f}"}
    return " ".join(f"{key}={_text(value)}" for key, value in shown.items())


def _text(value: object) -> str:
    """A value as one token: `-` for None, quoted when it has spaces (messages do) or control
    characters (a forged envelope's, which must not end the line or drive a terminal)."""
    if value is None:
        return "-"
    text = str(value)
    plain = text and text.isprintable() and " " not in text
    return text if plain else json.dumps(text, ensure_ascii=False)
