"""Serving the skill from AWS Lambda instead of the Flask endpoint."""

from __future__ import annotations

from functools import cache

from ask_sdk_model import RequestEnvelope

from backcoach.skill.config import Config
from backcoach.skill.service import make_service
from backcoach.skill.web.serializer import EnvelopeSerializer

_SERIALIZER = EnvelopeSerializer()
"""One per container: it keeps what it learns about each model class."""


@cache
def _skill():
    """Built once per container; the SDK checks the application id (no signatures on Lambda)."""
    config = Config.from_env()
    return make_service(config, skill_id=config.skill_id).skill


def lambda_handler(event: dict, context) -> dict:
    """AWS Lambda entry point: Alexa's event (already parsed) in, the serialised response out."""
    envelope = _SERIALIZER.from_data(event, RequestEnvelope)
    return _SERIALIZER.serialize(_skill().invoke(request_envelope=envelope, context=context))
