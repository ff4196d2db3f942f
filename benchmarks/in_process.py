"""CPU per everyday turn inside one process, through Flask's test client: no server, no
network, no client threads; for comparing two versions of the turn itself.

    .venv/bin/python -m benchmarks.in_process [TURNS]
"""

from __future__ import annotations

import io
import json
import logging
import sys
import tempfile
import time
from pathlib import Path

from backcoach.skill.config import Config
from backcoach.skill.devtools import envelopes as env
from backcoach.skill.log_format import configure_logging
from backcoach.skill.service import make_service
from backcoach.skill.web.app import create_app
from benchmarks.server import ROOT

ROUNDS = 5


def cpu_ms_per_turn(turns: int = 400) -> float:
    """The best of ROUNDS runs of `turns` "how am I doing" turns in one open session."""
    configure_logging()
    logging.getLogger().handlers[0].setStream(io.StringIO())  # the lines are made, not shown
    with tempfile.TemporaryDirectory() as data:
        config = Config(verify=False, audio_dir=ROOT / "var" / "audio", data_dir=Path(data))
        client = create_app(service=make_service(config)).test_client()
        caller = env.Caller(user_id="amzn1.ask.account.in-process")
        launch = caller.envelope(env.launch_request(), session_id="s", new=True)
        opened = client.post("/alexa", json=launch).get_json()
        ask = env.intent_request("StatsIntent")
        body = json.dumps(
            caller.envelope(ask, session_id="s", attributes=opened["sessionAttributes"])
        )
        for _ in range(200):
            client.post("/alexa", data=body, content_type="application/json")
        best = float("inf")
        for _ in range(ROUNDS):
            started = time.process_time()
            for _ in range(turns):
                client.post("/alexa", data=body, content_type="application/json")
            best = min(best, (time.process_time() - started) * 1000 / turns)
    return best


if __name__ == "__main__":
    turns = int(sys.argv[1]) if len(sys.argv) > 1 else 400
    print(f"{cpu_ms_per_turn(turns):.3f} ms CPU per turn (best of {ROUNDS} runs of {turns})")
