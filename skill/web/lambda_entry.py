"""Serving the skill from AWS Lambda instead of the Flask endpoint."""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Mapping
from functools import cache
from pathlib import Path

from backcoach.skill.startup import collector_paused

# Imported with the collector paused, as the CLI imports the skill: a tenth of a cold start.
with collector_paused():
    from ask_sdk_model import RequestEnvelope

    from backcoach.skill.config import SETTINGS, Config
    from backcoach.skill.service import START_UP_ERRORS, make_service
    from backcoach.skill.web.checked_reader import CheckedReader
    from backcoach.skill.web.envelope_shape import envelope_problem
    from backcoach.skill.web.request_log import log_request, log_salt

HANDLER = "backcoach.skill.web.lambda_entry.lambda_handler"
"""The function's handler setting."""

BUNDLE_DIR = "backcoach_bundle"
"""The folder of a Lambda package (`backcoach package lambda`) with the routine and manifest."""

BUNDLED = {"audio_dir": "audio", "routine_path": "routine.json"}
"""Config field -> its file or folder in BUNDLE_DIR: the defaults inside a package (the
routine as JSON, as the phrases beside their YAML: a cold start without a YAML parser)."""

_SERIALIZER = CheckedReader()
"""One per container: it keeps what it learns about each model class."""


def bundled_env(env: Mapping[str, str]) -> dict[str, str]:
    """`env`, plus the package's routine and manifest for the settings it leaves unset."""
    bundle = Path(env.get("LAMBDA_TASK_ROOT") or ".") / BUNDLE_DIR
    if not bundle.is_dir():
        return dict(env)
    defaults = {SETTINGS[field]: str(bundle / name) for field, name in BUNDLED.items()}
    return defaults | {name: value for name, value in env.items() if value.strip()}


@cache
def _skill():
    """Built once per container; the SDK checks the application id (no signatures on Lambda).

    A setting that cannot work is one line in the function's log, and the runtime stops."""
    try:
        config = Config.from_env(bundled_env(os.environ))
        with collector_paused():  # the routine, its audio and the skill, kept for good
            return make_service(config, skill_id=config.skill_id).skill
    except START_UP_ERRORS as exc:
        print(f"backcoach: {exc.args[0] if exc.args else exc}", file=sys.stderr, flush=True)
        raise SystemExit(2) from None


@cache
def _log_salt() -> bytes:
    """The request lines' salt; and INFO lines kept, which Lambda's root logger would drop
    unless the function's log level says otherwise."""
    if not os.environ.get("AWS_LAMBDA_LOG_LEVEL"):
        logging.getLogger("backcoach").setLevel(logging.INFO)
    return log_salt(os.environ.get(SETTINGS["log_salt"]))


class RefusedEvent(ValueError):
    """An event Alexa would never send (the message says why): refused before any handler."""


def lambda_handler(event: dict, context) -> dict:
    """AWS Lambda entry point: Alexa's event (already parsed) in, the serialised response out."""
    skill = _skill()  # a setting that cannot work stops here, with its one line
    started, status, refused = time.perf_counter(), 500, None  # unless an answer comes back
    try:
        # The same shape check as the web endpoint's: whoever may invoke the function, a
        # malformed event fails here, in one line, not inside a handler. A good one is
        # checked and read in one walk; a doubtful one by the shape check, then as before.
        envelope = _SERIALIZER.read_checked(event)
        if envelope is None:
            if refused := envelope_problem(event):
                status = 400
                raise RefusedEvent(refused)
            envelope = _SERIALIZER.from_data(event, RequestEnvelope)
        answer = _SERIALIZER.serialize(skill.invoke(request_envelope=envelope, context=context))
        status = 200
        return answer
    finally:
        took_ms = (time.perf_counter() - started) * 1000
        log_request(event, status, took_ms, _log_salt(), refused)
