"""Serving the skill from AWS Lambda instead of the Flask endpoint."""

from __future__ import annotations

import json
from functools import cache

from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope

from backcoach.skill.config import Config
from backcoach.skill.service import make_service


@cache
def _skill():
    """Built once per container; the SDK checks the application id (no signatures on Lambda)."""
    config = Config.from_env()
    return make_service(config, skill_id=config.skill_id).skill


def lambda_handler(event: dict, context) -> dict:
    """AWS Lambda entry point: deserialise Alexa's event, run the skill, serialise the response."""
    serializer = DefaultSerializer()
    envelope = serializer.deserialize(payload=json.dumps(event), obj_type=RequestEnvelope)
    return serializer.serialize(_skill().invoke(request_envelope=envelope, context=context))
