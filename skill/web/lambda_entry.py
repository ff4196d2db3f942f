"""Serving the skill from AWS Lambda instead of the Flask endpoint."""

from __future__ import annotations

import logging
import os
import time
from functools import cache

from ask_sdk_model import RequestEnvelope

from backcoach.skill.config import SETTINGS, Config
from backcoach.skill.service import make_service
from backcoach.skill.web.request_log import log_request, log_salt
from backcoach.skill.web.serializer import EnvelopeSerializer

_SERIALIZER = EnvelopeSerializer()
"""One per container: it keeps what it learns about each model class."""


@cache
def _skill():
    """Built once per container; the SDK checks the application id (no signatures on Lambda)."""
    config = Config.from_env()
    return make_service(config, skill_id=config.skill_id).skill


@cache
def _log_salt() -> bytes:
    """The request lines' salt; and INFO lines kept, which Lambda's root logger would drop
    unless the function's log level says otherwise."""
    if not os.environ.get("AWS_LAMBDA_LOG_LEVEL"):
        logging.getLogger("backcoach").setLevel(logging.INFO)
    return log_salt(os.environ.get(SETTINGS["log_salt"]))


def lambda_handler(event: dict, context) -> dict:
    """AWS Lambda entry point: Alexa's event (already parsed) in, the serialised response out."""
    started, status = time.perf_counter(), 500  # unless an answer comes back
    try:
        envelope = _SERIALIZER.from_data(event, RequestEnvelope)
        answer = _SERIALIZER.serialize(_skill().invoke(request_envelope=envelope, context=context))
        status = 200
        return answer
    finally:
        log_request(event, status, (time.perf_counter() - started) * 1000, _log_salt())
