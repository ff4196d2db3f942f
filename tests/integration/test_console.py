"""`backcoach console` in a real browser: Debian's Chromium driven by Playwright, headless."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import free_port, provided, stop_process

pytestmark = pytest.mark.slow

CHROMIUM_ENV = "BACKCOACH_TEST_CHROMIUM"
TIMEOUT_MS = 60_000
"""Waits for the page: the first spoken text loads the Piper voice on a shared machine."""


def chromium_binary() -> str | None:
    return os.environ.get(CHROMIUM_ENV) or shutil.which("chromium")


@pytest.fixture(scope="module")
def console_url(audio_dir, tmp_path_factory) -> Iterator[str]:
    """`backcoach console` as its own process on a free port, with the integration audio."""
    port = free_port()
    log = tmp_path_factory.mktemp("console") / "console.log"
    environment = {
        **os.environ,
        "BACKCOACH_AUDIO_DIR": str(audio_dir),
        "BACKCOACH_DATA_DIR": str(tmp_path_factory.mktemp("console-data")),
    }
    command = [sys.executable, "-m", "backcoach.skill.cli", "console", "--port", str(port)]
    with log.open("w") as out:
        process = subprocess.Popen(command, env=environment, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{url}/console/state", timeout=1).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"the console did not start: {log.read_text()[-3000:]}")
                time.sleep(0.2)
        yield url
    finally:
        stop_process(process)


@pytest.fixture(scope="module")
def browser():
    binary = provided(chromium_binary(), "chromium", ".ci/chromium.sh")
    sync_api = pytest.importorskip("playwright.sync_api", reason="pip install -e '.[dev]'")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=binary,
            headless=True,
            args=["--autoplay-policy=no-user-gesture-required"],
        )
        yield launched
        launched.close()


class Console:
    """The page, driven as a person would, with what it shows read back."""

    def __init__(self, page, shots: Path):
        self.page = page
        self.shots = shots

    def say(self, text: str) -> None:
        self.page.fill("#utterance", text)
        self.page.click("#say")

    def entries(self, request_type: str):
        return self.page.locator(f'#timeline .entry[data-type="{request_type}"]')

    def wait_entry(self, request_type: str, count: int = 1):
        """The `count`th timeline entry for a request type, once it is there."""
        entry = self.entries(request_type).nth(count - 1)
        entry.wait_for(state="attached", timeout=TIMEOUT_MS)
        return entry

    def exchange(self, entry) -> tuple[dict, dict]:
        """The request and response JSON a timeline entry shows."""
        request, response = (
            json.loads(pre.split("\n", 1)[1]) for pre in entry.locator("pre").all_text_contents()
        )
        return request, response

    def audio(self, element_id: str) -> dict:
        return self.page.evaluate(
            f"""() => {{ const a = document.getElementById("{element_id}");
            return {{time: a.currentTime, paused: a.paused, src: a.currentSrc}}; }}"""
        )

    def wait_playing_past(self, seconds: float, element_id: str = "player") -> None:
        self.page.wait_for_function(
            f"""() => {{ const a = document.getElementById("{element_id}");
            return !a.paused && a.currentTime > {seconds}; }}""",
            timeout=TIMEOUT_MS,
        )

    def shot(self, name: str) -> Path:
        path = self.shots / f"{name}.png"
        self.page.screenshot(path=path, full_page=True)
        return path


@pytest.fixture
def console(browser, console_url, tmp_path) -> Iterator[Console]:
    """The page on a fresh session, as a new person, on the speaker profile."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    person = {"user_id": f"amzn1.ask.account.console-test-{uuid.uuid4()}", "profile": "speaker"}
    page.request.post(f"{console_url}/console/reset", data=person).dispose()
    page.goto(f"{console_url}/console/")
    page.wait_for_selector("body[data-ready=true]")
    assert page.input_value("#user") == person["user_id"]
    yield Console(page, tmp_path)
    context.close()


def start_hands_free(ui: Console) -> dict:
    """Start the hands-free routine with the spoken answer off; the first track's Play."""
    ui.page.uncheck("#sound")  # the player's tests need the track, not the spoken intro
    ui.say("play my back routine")
    _, response = ui.exchange(ui.wait_entry("IntentRequest"))
    (play,) = [d for d in response["response"]["directives"] if d["type"] == "AudioPlayer.Play"]
    ui.wait_playing_past(1.0)
    return play


def test_a_typed_utterance_shows_the_intent_and_the_speech(console):
    console.page.uncheck("#sound")
    console.say("open back coach")
    console.wait_entry("LaunchRequest")
    console.say("start the plank")
    console.wait_entry("IntentRequest")
    intent = console.page.locator("#intent")
    assert intent.inner_text().startswith("StartExerciseIntent")
    assert "plank" in intent.inner_text()  # the slot, resolved
    assert "plank" in console.page.locator("#speech-text").inner_text().lower()
    assert console.page.locator("#session").inner_text() == "stays open"
    assert console.page.locator("#problems li").count() == 0
    console.shot("typed-utterance")


def test_the_spoken_text_plays_in_the_offline_voice(console):
    console.say("open back coach")
    console.wait_entry("LaunchRequest")
    assert console.page.locator("#voice-note").is_hidden()  # Piper is installed here
    console.page.wait_for_function(
        """() => { const a = document.getElementById("speech-audio");
        return a.currentSrc.includes("/console/tts?text=Welcome") && a.currentTime > 0.5; }""",
        timeout=TIMEOUT_MS,
    )


def test_a_turns_clip_plays_in_the_page(console):
    console.page.uncheck("#sound")  # the exercise's long introduction
    console.say("start the plank")
    console.wait_entry("IntentRequest")
    console.page.check("#sound")
    console.say("ready")  # the set: its clips, then a line of spoken text
    console.wait_entry("IntentRequest", count=2)
    console.page.wait_for_function(
        """() => { const a = document.getElementById("speech-audio");
        return a.currentSrc.includes("/audio/") && !a.paused && a.currentTime > 0.5; }""",
        timeout=TIMEOUT_MS,
    )
    first = console.audio("speech-audio")
    time.sleep(1.0)
    later = console.audio("speech-audio")
    assert later["src"] == first["src"] and later["time"] > first["time"]
    console.shot("clip-playing")


def test_hands_free_sends_nearly_finished_and_queues_the_next_track(console):
    play = start_hands_free(console)
    token = play["audioItem"]["stream"]["token"]
    started, _ = console.exchange(console.wait_entry("AudioPlayer.PlaybackStarted"))
    assert started["request"]["token"] == token
    nearly = console.wait_entry("AudioPlayer.PlaybackNearlyFinished")
    request, response = console.exchange(nearly)
    assert request["request"]["token"] == token
    assert request["context"]["AudioPlayer"]["playerActivity"] == "PLAYING"
    (enqueue,) = response["response"]["directives"]
    assert enqueue["playBehavior"] == "ENQUEUE"
    assert enqueue["audioItem"]["stream"]["expectedPreviousToken"] == token
    queued = console.page.locator("#queue li")
    queued.first.wait_for(timeout=TIMEOUT_MS)
    assert queued.all_inner_texts() == [enqueue["audioItem"]["stream"]["token"]]
    # The track's audioItem.metadata, as a screen shows it, with its art served by the console.
    title = play["audioItem"]["metadata"]["title"]
    assert title in console.page.locator("#track").inner_text()
    console.page.wait_for_function("document.querySelector('#track img').naturalWidth > 0")
    console.shot("hands-free-queued")


def test_the_pause_button_stops_at_an_offset_and_resume_continues_there(console):
    start_hands_free(console)
    console.wait_playing_past(3.0)
    console.page.click("#pause-btn")
    pause_request, pause_response = console.exchange(
        console.wait_entry("PlaybackController.PauseCommandIssued")
    )
    assert pause_request["context"]["AudioPlayer"]["playerActivity"] == "PLAYING"
    assert [d["type"] for d in pause_response["response"]["directives"]] == ["AudioPlayer.Stop"]
    stopped, _ = console.exchange(console.wait_entry("AudioPlayer.PlaybackStopped"))
    offset_ms = stopped["request"]["offsetInMilliseconds"]
    assert offset_ms >= 3000
    held = console.audio("player")
    assert held["paused"] and abs(held["time"] * 1000 - offset_ms) < 300
    time.sleep(1.0)
    assert console.audio("player")["time"] == held["time"]  # it stays where it stopped
    console.shot("paused")

    console.page.click("#play-btn")
    _, resumed = console.exchange(console.wait_entry("PlaybackController.PlayCommandIssued"))
    (play,) = resumed["response"]["directives"]
    assert play["type"] == "AudioPlayer.Play"
    assert abs(play["audioItem"]["stream"]["offsetInMilliseconds"] - offset_ms) < 1000
    restarted, _ = console.exchange(console.wait_entry("AudioPlayer.PlaybackStarted", count=2))
    assert abs(restarted["request"]["offsetInMilliseconds"] - offset_ms) < 1000
    console.wait_playing_past(offset_ms / 1000 + 0.5)
    console.shot("resumed")


def test_a_finished_track_goes_on_to_the_queued_one_and_next_and_previous_buttons_move(console):
    first = start_hands_free(console)["audioItem"]["stream"]
    _, answer = console.exchange(console.wait_entry("AudioPlayer.PlaybackNearlyFinished"))
    (enqueue,) = answer["response"]["directives"]
    second = enqueue["audioItem"]["stream"]
    console.page.locator("#queue li").first.wait_for(timeout=TIMEOUT_MS)
    # A person who lets the track play to its end: the element itself reaches "ended".
    console.page.evaluate(
        "() => { const a = document.getElementById('player'); a.currentTime = a.duration - 1.0; }"
    )
    finished, _ = console.exchange(console.wait_entry("AudioPlayer.PlaybackFinished"))
    assert finished["request"]["token"] == first["token"]
    started, _ = console.exchange(console.wait_entry("AudioPlayer.PlaybackStarted", count=2))
    assert started["request"]["token"] == second["token"]
    console.wait_playing_past(0.5)
    assert console.audio("player")["src"].endswith(second["url"].rsplit("/", 1)[-1])
    # and asks for the one after it, as Alexa does at each track's start
    nearly, answer = console.exchange(console.wait_entry("AudioPlayer.PlaybackNearlyFinished", 2))
    assert nearly["request"]["token"] == second["token"]
    (enqueue,) = answer["response"]["directives"]
    assert enqueue["audioItem"]["stream"]["expectedPreviousToken"] == second["token"]

    for button, event, count in (("#next-btn", "Next", 3), ("#prev-btn", "Previous", 4)):
        console.page.click(button)
        request, response = console.exchange(
            console.wait_entry(f"PlaybackController.{event}CommandIssued")
        )
        assert request["context"]["AudioPlayer"]["token"] == started["request"]["token"]
        (play,) = [d for d in response["response"]["directives"] if d["type"] == "AudioPlayer.Play"]
        assert play["playBehavior"] == "REPLACE_ALL"
        stream = play["audioItem"]["stream"]
        assert stream["token"] != started["request"]["token"], event
        started, _ = console.exchange(console.wait_entry("AudioPlayer.PlaybackStarted", count))
        assert started["request"]["token"] == stream["token"]
        console.wait_playing_past(0.5)
        assert console.audio("player")["src"].endswith(stream["url"].rsplit("/", 1)[-1])
    console.shot("next-and-previous")


def test_the_echo_show_profile_shows_the_exercise_and_the_set_counter(console):
    console.page.select_option("#device", "echo-show")
    console.page.wait_for_selector("#timeline .timeline-note >> text=reset: echo-show")
    console.page.uncheck("#sound")
    console.say("start the plank")
    request, _ = console.exchange(console.wait_entry("IntentRequest"))
    interfaces = request["context"]["System"]["device"]["supportedInterfaces"]
    assert "Alexa.Presentation.APL" in interfaces
    screen = console.page.frame_locator("#screen-preview iframe").locator("body")
    screen.wait_for(timeout=TIMEOUT_MS)
    text = screen.inner_text()
    assert "Plank" in text
    assert re.search(r"Set \d+ of \d+", text)
    assert "not the real Echo Show renderer" in console.page.locator("#screen h2").inner_text()
    console.shot("echo-show")


def test_this_hurts_stops_playback(console):
    start_hands_free(console)
    console.say("Alexa, tell Back Coach this hurts")
    request, response = console.exchange(console.wait_entry("IntentRequest", count=2))
    assert request["request"]["intent"]["name"] == "PainIntent"
    assert request["context"]["AudioPlayer"]["playerActivity"] == "PLAYING"
    assert "AudioPlayer.Stop" in [d["type"] for d in response["response"]["directives"]]
    console.wait_entry("AudioPlayer.PlaybackStopped")
    assert console.audio("player")["paused"]
    assert console.page.locator("#now-playing").inner_text().startswith("STOPPED")
    assert "stopping the pelvic extension" in console.page.locator("#speech-text").inner_text()
    console.shot("this-hurts")


# --- the endpoints without a browser --------------------------------------------------------

CONSOLE_BASE = "http://127.0.0.1:8090"


@pytest.fixture(scope="module")
def client(config):
    from backcoach.skill.devtools.console.app import create_console_app

    return create_console_app(config, base_url=CONSOLE_BASE).test_client()


@pytest.mark.parametrize(
    ("path", "body", "says"),
    [
        ("/console/say", "not json", "the body must be a JSON object"),
        ("/console/say", {"text": "  "}, "'text' is empty"),
        ("/console/say", {"text": "hi", "player": {"activity": "DANCING"}}, "'player.activity'"),
        ("/console/event", {"type": "AudioPlayer.Rewind"}, "'type' must be one of"),
        ("/console/event", {"type": "AudioPlayer.PlaybackStarted", "offset_ms": -5}, "offset_ms"),
        ("/console/reset", {"profile": "fridge"}, "'profile' must be one of"),
        ("/console/reset", {"user_id": " "}, "'user_id' must not be blank"),
    ],
)
def test_bad_input_gets_a_400_that_names_the_field(client, path, body, says):
    if isinstance(body, str):
        reply = client.post(path, data=body, content_type="application/json")
    else:
        reply = client.post(path, json=body)
    assert reply.status_code == 400
    assert says in reply.get_json()["error"]


def test_speech_too_long_for_alexa_is_refused(client):
    reply = client.get("/console/tts", query_string={"text": "word " * 2000})
    assert reply.status_code == 400 and "'text' must be 1 to" in reply.get_json()["error"]


def test_a_device_without_audio_player_sends_no_player_events(client):
    client.post("/console/reset", json={"profile": "no-player"})
    reply = client.post("/console/event", json={"type": "AudioPlayer.PlaybackStarted"})
    assert reply.status_code == 400 and "has no AudioPlayer" in reply.get_json()["error"]
    client.post("/console/reset", json={"profile": "speaker"})


def test_clips_link_to_the_console_and_only_its_own_http_links_pass_the_rules(client):
    client.post("/console/reset", json={"user_id": f"console-rules-{uuid.uuid4()}"})
    client.post("/console/say", json={"text": "start the plank"})
    turn = client.post("/console/say", json={"text": "ready"}).get_json()
    clips = [part["audio"] for part in turn["parts"] if "audio" in part]
    assert clips and all(url.startswith(f"{CONSOLE_BASE}/audio/") for url in clips)
    assert turn["problems"] == []
    served = client.get(clips[0].removeprefix(CONSOLE_BASE))
    assert served.status_code == 200 and served.mimetype == "audio/mpeg"


def test_an_http_link_elsewhere_is_reported(config):
    from backcoach.skill.devtools.console.session import ConsoleSession
    from backcoach.skill.devtools.nlu import Nlu
    from backcoach.skill.devtools.simulator import Turn

    session = ConsoleSession(
        lambda envelope: {}, Nlu.load(), skill_id="s", base_url=CONSOLE_BASE, length_s=lambda u: 1.0
    )
    ssml = '<speak><audio src="{}/audio/a.mp3"/></speak>'
    response = {"version": "1.0", "response": {"outputSpeech": {"type": "SSML", "ssml": ""}}}

    def problems(base: str) -> list[str]:
        response["response"]["outputSpeech"]["ssml"] = ssml.format(base)
        return session.problems(Turn({"request": {"type": "IntentRequest"}}, response))

    assert problems(CONSOLE_BASE) == []
    assert problems("http://cdn.example.com") == [
        "outputSpeech: audio src is not https: 'http://cdn.example.com/audio/a.mp3'"
    ]


def test_only_this_machines_names_reach_the_console(client):
    """DNS rebinding: a page on another site whose name now resolves here gets nothing."""
    assert client.get("/console/state").status_code == 200
    for host in ("127.0.0.1:8090", "[::1]:8090", "localhost"):
        assert client.get("/console/state", headers={"Host": host}).status_code == 200, host
    for host in ("evil.example:8090", "evil.example", "localhost.evil.example"):
        refused = client.get("/console/tts?text=hello", headers={"Host": host})
        assert refused.status_code == 403, host
