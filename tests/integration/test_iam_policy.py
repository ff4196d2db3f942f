"""The generated IAM policy, enforced: moto's server checks every DynamoDB call against it.

Two of moto's ways differ from AWS's and are bridged (tests/stores.py `as_moto_checks`):
moto authorizes a DynamoDB call against the resource "*" (so the table ARN is widened: the
actions are what is checked), and a transaction as the action `dynamodb:TransactWriteItems`
(AWS checks each of its items: UpdateItem, PutItem). The moto user and the switch to enforced
checks are the `enforced` fixture (tests/integration/conftest.py).
"""

from __future__ import annotations

import dataclasses

from backcoach.skill.deploy.policy import Where, lambda_policy
from backcoach.skill.devtools.simulator import SessionState, Simulator, in_process
from backcoach.skill.service import make_service
from backcoach.skill.web.app import RequestContext
from tests.stores import MOTO_ACCOUNT, as_moto_checks

REGION = "eu-west-1"
NOT_SAVED = "couldn't save"


def _routine(config, tmp_path, store: str) -> list[str]:
    """A person walks the whole routine, then opens the skill again; what they heard."""
    cfg = dataclasses.replace(config, data_dir=tmp_path, store=store)
    service = make_service(cfg)
    send = in_process(service.skill, RequestContext(base_url="https://coach.example.com"))
    sim = Simulator(send, state=SessionState(), length_s=service.audio_s)
    heard = [sim.say("open back coach").speech]
    while len(heard) < 30:
        last = heard[-1]
        rate = last.endswith("easy, about right, or hard?")
        turn = sim.say("no" if last.endswith("Did anything hurt?") else "fine" if rate else "yes")
        heard.append(turn.speech)
        if turn.ends_session:
            break
    heard.append(sim.say("open back coach").speech)  # the finished session's history row
    heard.append(sim.say("how am I doing").speech)
    return heard


def test_a_whole_routine_saves_under_exactly_the_generated_policy(enforced, config, tmp_path):
    table, with_policy = enforced
    policy = lambda_policy(Where(MOTO_ACCOUNT, REGION, table))
    heard = _routine(config, tmp_path, with_policy(as_moto_checks(policy)))
    assert not any(NOT_SAVED in said for said in heard), heard
    assert "Welcome back" in heard[-2] or "Good to hear" in heard[-2]


def test_without_update_item_every_save_fails(enforced, config, tmp_path):
    table, with_policy = enforced
    policy = as_moto_checks(lambda_policy(Where(MOTO_ACCOUNT, REGION, table)))
    statement = policy["Statement"][0]
    statement["Action"] = [a for a in statement["Action"] if a != "dynamodb:UpdateItem"]
    heard = _routine(config, tmp_path, with_policy(policy))
    assert NOT_SAVED in heard[1]
