"""The generated IAM policy, enforced: moto's server checks every DynamoDB call against it.

Two of moto's ways differ from AWS's and are bridged here, each said where it is done: moto
authorizes a DynamoDB call against the resource "*" (so the test widens the table ARN to "*":
it checks the actions, not the resource), and it checks a transaction as the action
`dynamodb:TransactWriteItems` (AWS checks each of its items: UpdateItem, PutItem).
"""

from __future__ import annotations

import dataclasses
import json
import urllib.request
import uuid

import pytest

from backcoach.skill.deploy.policy import Where, lambda_policy
from backcoach.skill.devtools.simulator import SessionState, Simulator, in_process
from backcoach.skill.service import make_service
from backcoach.skill.web.app import RequestContext

REGION = "eu-west-1"
MOTO_ACCOUNT = "123456789012"
"""The account moto's server plays."""
NOT_SAVED = "couldn't save"


def _set_auth(moto_url: str, free_calls: str) -> None:
    """moto's switch: after `free_calls` more calls, every call needs IAM credentials."""
    request = urllib.request.Request(
        f"{moto_url}/moto-api/reset-auth",
        data=free_calls.encode(),
        method="POST",
        headers={"Content-Type": "text/plain"},  # not a form: moto reads the raw body
    )
    urllib.request.urlopen(request, timeout=10).close()


def _as_moto_checks(policy: dict) -> dict:
    """The policy as moto can check it (see the module's docstring)."""
    table = policy["Statement"][0]
    assert table["Sid"] == "Table"
    actions = [*table["Action"]]
    if "dynamodb:UpdateItem" in actions and "dynamodb:PutItem" in actions:
        actions.append("dynamodb:TransactWriteItems")
    widened = {**table, "Action": actions, "Resource": "*"}
    return {**policy, "Statement": [widened, *policy["Statement"][1:]]}


@pytest.fixture
def enforced(aws_env, moto_url, monkeypatch):
    """A table, and a function user whose only rights are a given policy, with moto checking
    every call; gives a function that installs a policy and switches to the user's keys."""
    import boto3

    table = f"backcoach-{uuid.uuid4().hex[:12]}"
    ddb = boto3.client("dynamodb", endpoint_url=moto_url, region_name=REGION)
    ddb.create_table(
        TableName=table,
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    iam = boto3.client("iam", endpoint_url=moto_url, region_name=REGION)
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
        _set_auth(moto_url, "0")
        return f"dynamodb://{table}?region={REGION}&endpoint={moto_url}"

    yield table, with_policy
    _set_auth(moto_url, "inf")  # the other tests share moto's server


def _routine(config, tmp_path, store: str) -> list[str]:
    """A person walks the whole routine, then opens the skill again; what they heard."""
    cfg = dataclasses.replace(config, data_dir=tmp_path, store=store)
    service = make_service(cfg)
    send = in_process(service.skill, RequestContext(base_url="https://coach.example.com"))
    sim = Simulator(send, state=SessionState(), length_s=service.audio_s)
    heard = [sim.say("open back coach").speech]
    while len(heard) < 30:
        turn = sim.say("no" if heard[-1].endswith("Did anything hurt?") else "yes")
        heard.append(turn.speech)
        if turn.ends_session:
            break
    heard.append(sim.say("open back coach").speech)  # the finished session's history row
    heard.append(sim.say("how am I doing").speech)
    return heard


def test_a_whole_routine_saves_under_exactly_the_generated_policy(enforced, config, tmp_path):
    table, with_policy = enforced
    policy = lambda_policy(Where(MOTO_ACCOUNT, REGION, table))
    heard = _routine(config, tmp_path, with_policy(_as_moto_checks(policy)))
    assert not any(NOT_SAVED in said for said in heard), heard
    assert "Welcome back" in heard[-2] or "Good to hear" in heard[-2]


def test_without_update_item_every_save_fails(enforced, config, tmp_path):
    table, with_policy = enforced
    policy = _as_moto_checks(lambda_policy(Where(MOTO_ACCOUNT, REGION, table)))
    statement = policy["Statement"][0]
    statement["Action"] = [a for a in statement["Action"] if a != "dynamodb:UpdateItem"]
    heard = _routine(config, tmp_path, with_policy(policy))
    assert NOT_SAVED in heard[1]
