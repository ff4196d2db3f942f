"""Integration fixtures: the real audio build (Piper), the service and a conversation."""

from __future__ import annotations

import pytest

from backcoach.skill.config import Config
from backcoach.skill.devtools.simulator import in_process
from backcoach.skill.service import make_service
from backcoach.skill.web.app import RequestContext
from tests.helpers import Conversation

PUBLIC_URL = "https://coach.example.com"


@pytest.fixture(scope="session")
def audio_dir(request, tmp_path_factory, routine, phrases):
    """The real audio build of every clip (Piper, offline), kept in pytest's cache directory.

    The build is incremental: the first run renders every clip (a minute or two on a small
    machine), later runs find them all in `.pytest_cache/d/audio` and only check them; a
    change to the routine, the phrases, the voice or the render renders just what changed.
    With the cache provider off (`-p no:cacheprovider`) it builds into a temporary directory.
    """
    from backcoach.audio.build.builder import build
    from backcoach.audio.build.voices import make_voice

    cache = getattr(request.config, "cache", None)
    directory = cache.mkdir("audio") if cache is not None else tmp_path_factory.mktemp("audio")
    build(routine, phrases, directory, make_voice("piper"), progress=False)
    return directory


@pytest.fixture(scope="session")
def config(audio_dir, tmp_path_factory):
    return Config(verify=False, audio_dir=audio_dir, data_dir=tmp_path_factory.mktemp("data"))


@pytest.fixture(scope="session")
def service(config):
    return make_service(config)


@pytest.fixture(scope="session")
def skill(service):
    return service.skill


@pytest.fixture
def conv(service):
    send = in_process(service.skill, RequestContext(base_url=PUBLIC_URL))
    return Conversation(send, audio_s=service.audio_s)
