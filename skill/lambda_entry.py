"""Serving the skill from AWS Lambda instead of the Flask endpoint."""

from __future__ import annotations

import json
from functools import cache

from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope

from .config import Config
from .factory import build_skill
from .routine import load_routine
from .speech import load_phrases


@cache
def _skill():
    config = Config.from_env()
    routine = load_routine(config.routine_path)
    return build_skill(routine, load_phrases(config.locale), skill_id=config.skill_id)


def handle(event: dict, context) -> dict:
    """Deserialise Alexa's event, run the skill, serialise the response."""
    serializer = DefaultSerializer()
    envelope = serializer.deserialize(payload=json.dumps(event), obj_type=RequestEnvelope)
    return serializer.serialize(_skill().invoke(request_envelope=envelope, context=context))
