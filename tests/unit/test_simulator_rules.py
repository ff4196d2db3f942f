"""The simulator holds every response to Alexa's rules, the way Alexa would reject it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from backcoach.skill.devtools import envelopes as env
from backcoach.skill.devtools.dialogs import load_script, run_script
from backcoach.skill.devtools.response_rules import INVALID
from backcoach.skill.devtools.simulator import SessionState, Simulator, TransportError

CLIP = "https://coach.example.com/audio/clip-0123.mp3"
TRACK = "https://coach.example.com/audio/track-0123.mp3"
LENGTHS = {CLIP: 5.0, TRACK: 60.0, CLIP.replace("https", "http"): 5.0}


def speaking(ssml: str, *, end: bool = False, **body) -> dict:
    """A response envelope saying `ssml` (body: more of the response, such as directives)."""
    return {
        "version": "1.0",
        "response": {
            "outputSpeech": {"type": "SSML", "ssml": ssml},
            "shouldEndSession": end,
            **body,
        },
    }


def play(url: str) -> dict:
    return {
        "type": "AudioPlayer.Play",
        "playBehavior": "REPLACE_ALL",
        "audioItem": {"stream": {"url": url, "token": "t1", "offsetInMilliseconds": 0}},
    }


QUIET = {"version": "1.0", "response": {}}


class Skill:
    """A skill that answers the launch with `launch` and every player event with `events`."""

    def __init__(self, launch: dict, events: dict = QUIET):
        self.launch, self.events = launch, events

    def __call__(self, envelope: dict) -> dict:
        kind = envelope["request"]["type"]
        return self.launch if kind == "LaunchRequest" else self.events


def launched(skill: Skill):
    sim = Simulator(skill, state=SessionState(), length_s=LENGTHS.get)
    return sim.send(env.launch_request()), sim


def test_a_response_within_the_rules_has_no_problems():
    turn, sim = launched(
        Skill(
            speaking(f'<speak>Hi <audio src="{CLIP}"/></speak>', end=True, directives=[play(TRACK)])
        )
    )
    assert turn.problems == ()
    assert [e.intent for e in sim.events] == ["AudioPlayer.PlaybackStarted"]
    assert all(e.problems == () for e in sim.events)


@pytest.mark.parametrize(
    "response,problem",
    [
        (
            speaking(f'<speak><audio src="{CLIP.replace("https", "http")}"/></speak>'),
            "outputSpeech: audio src is not https: 'http://",
        ),
        (
            speaking(
                "<speak>x</speak>", end=True, directives=[play(TRACK.replace("https", "http"))]
            ),
            "AudioPlayer.Play: stream url is not https: 'http://",
        ),
        (speaking("<speak>" + "word " * 1700 + "</speak>"), "characters of speech (limit"),
        (
            speaking("<speak>" + f'<audio src="{CLIP}"/>' * 6 + "</speak>"),
            "6 <audio> tags (limit 5)",
        ),
        (
            speaking(
                "<speak>x</speak>",
                reprompt={
                    "outputSpeech": {
                        "type": "SSML",
                        "ssml": "<speak><audio src='https://x/none.mp3'/></speak>",
                    }
                },
            ),
            "reprompt: unknown audio clip 'https://x/none.mp3'",
        ),
    ],
    ids=["http-audio", "http-play", "long-speech", "too-many-clips", "untimed-reprompt-clip"],
)
def test_each_broken_rule_is_a_problem_of_the_turn(response, problem):
    turn, _ = launched(Skill(response))
    assert any(problem in p for p in turn.problems), turn.problems


@pytest.mark.parametrize("part", ["outputSpeech", "card", "reprompt"])
def test_speech_on_a_player_event_is_a_problem_of_that_event(part):
    extra = {
        "outputSpeech": {"type": "PlainText", "text": "now playing"},
        "card": {"type": "Simple", "title": "t", "content": "c"},
        "reprompt": {"outputSpeech": {"type": "PlainText", "text": "ready?"}},
    }
    chatty = {"version": "1.0", "response": {part: extra[part]}}
    turn, sim = launched(
        Skill(speaking("<speak>x</speak>", end=True, directives=[play(TRACK)]), chatty)
    )
    assert turn.problems == ()
    (started,) = sim.events
    assert started.problems == (
        f"AudioPlayer.PlaybackStarted: answered with ['{part}'] (directives only)",
    )


def test_the_same_speech_answering_a_person_is_fine():
    turn, _ = launched(Skill({"version": "1.0", "response": {"card": {"type": "Simple"}}}))
    assert turn.problems == ()


def test_a_clip_that_cannot_be_fetched_is_unknown_as_alexa_would_find():
    def unreachable(url: str) -> float | None:
        raise TransportError(f"cannot fetch {url}")

    sim = Simulator(
        Skill(speaking(f'<speak><audio src="{CLIP}"/></speak>')),
        state=SessionState(),
        length_s=unreachable,
    )
    turn = sim.send(env.launch_request())
    assert turn.problems == (f"outputSpeech: unknown audio clip {CLIP!r}",)


def test_a_dialog_step_fails_when_alexa_would_reject_its_response(tmp_path: Path):
    script = tmp_path / "s.yaml"
    script.write_text("name: rejected\nsteps:\n  - request: LaunchRequest\n")
    broken = Skill(
        speaking("<speak>x</speak>", end=True, directives=[play(TRACK)]),
        speaking("<speak>y</speak>"),
    )
    (result,) = run_script(load_script(script), broken, length_s=LENGTHS.get)
    assert not result.ok
    assert result.problems == [
        f"{INVALID} AudioPlayer.PlaybackStarted: answered with ['outputSpeech'] (directives only)"
    ]
    fine = Skill(speaking("<speak>x</speak>", end=True, directives=[play(TRACK)]))
    (result,) = run_script(load_script(script), fine, length_s=LENGTHS.get)
    assert result.ok, result.problems


def test_a_clock_set_back_after_the_simulator_is_made_stamps_the_first_turn():
    """A test that sets the simulated clock to a moment past (`state.later_s`) after making
    the simulator has its first turn sent then, not pulled forward to the real clock."""
    sent: list[dict] = []

    def transport(envelope: dict) -> dict:
        sent.append(envelope)
        return speaking("<speak>Hello.</speak>")

    sim = Simulator(transport, state=SessionState(), length_s=LENGTHS.get)
    then = datetime.now(UTC) - timedelta(hours=1)
    sim.state.later_s = (then - datetime.now(UTC)).total_seconds()
    sim.say("open back coach")
    stamped = datetime.fromisoformat(sent[0]["request"]["timestamp"].replace("Z", "+00:00"))
    assert abs(stamped - then) < timedelta(seconds=10)
