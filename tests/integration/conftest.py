"""Integration fixtures: the real audio build (Piper), the service and a conversation."""

from __future__ import annotations

import json
import uuid

import pytest

from backcoach.skill.config import Config
from backcoach.skill.devtools.simulator import in_process
from backcoach.skill.service import make_service
from backcoach.skill.web.app import RequestContext
from tests.helpers import Conversation
from tests.stores import MOTO_REGION, set_moto_auth

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


@pytest.fixture
def enforced(aws_env, moto_url, monkeypatch):
    """A DynamoDB table, and a function user whose only rights are a given policy, with moto
    checking every call: gives the table and `with_policy(policy)`, which installs the policy,
    switches this environment to the user's keys and returns the store's URL."""
    import boto3

    table = f"backcoach-{uuid.uuid4().hex[:12]}"
    ddb = boto3.client("dynamodb", endpoint_url=moto_url, region_name=MOTO_REGION)
    ddb.create_table(
        TableName=table,
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    iam = boto3.client("iam", endpoint_url=moto_url, region_name=MOTO_REGION)
    user = f"fn-{uuid.uuid4().hex[:8]}"
    iam.create_user(UserName=user)
    key = iam.create_access_key(UserName=user)["AccessKey"]

    def with_policy(policy: dict) -> str:
        iam.put_user_policy(UserName=user, PolicyName="function", PolicyDocument=json.dumps(policy))
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", key["AccessKeyId"])
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", key["SecretAccessKey"])
        # boto3's default session keeps the credentials it first found: the store's must be
        # the function user's, read afresh (as a new Lambda container would).
        monkeypatch.setattr(boto3, "DEFAULT_SESSION", None)
        set_moto_auth(moto_url, "0")
        return f"dynamodb://{table}?region={MOTO_REGION}&endpoint={moto_url}"

    yield table, with_policy
    set_moto_auth(moto_url, "inf")  # the other tests share moto's server
