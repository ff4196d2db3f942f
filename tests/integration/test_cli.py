"""The `backcoach` command line, run as a person would run it."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
import time

import pytest

from tests.helpers import backcoach, start_server, stop_server


@pytest.fixture
def environment(config, tmp_path):
    return {"BACKCOACH_AUDIO_DIR": str(config.audio_cache), "BACKCOACH_DATA_DIR": str(tmp_path)}


def test_say_prints_intent_speech_clips_and_session(environment, tmp_path):
    session = tmp_path / "me.json"
    first = backcoach(
        "say", "--session", str(session), "ask back coach to start the plank", env=environment
    )
    assert first.returncode == 0, first.stderr
    assert "intent:  StartExerciseIntent  exercise='plank' -> plank" in first.stdout
    assert "session: open" in first.stdout
    assert "INVALID RESPONSE" not in first.stdout  # in-process links are https, as Alexa's are
    second = backcoach("say", "--session", str(session), "I'm ready", env=environment)
    assert "intent:  ReadyIntent" in second.stdout
    assert "audio:   lead-in (" in second.stdout and "audio:   hold-5s (" in second.stdout


def test_say_session_keeps_the_listening_clock_between_calls(environment, tmp_path):
    """Three calls in a row: each is answered as said after the audio ended (no false
    interruption); --barge-in cuts the last one short, and it is played again."""
    session = str(tmp_path / "me.json")
    said = ["ask back coach to start the butt lifter", "I'm ready", "I'm ready"]
    turns = [backcoach("say", "--session", session, words, env=environment) for words in said]
    assert all(turn.returncode == 0 for turn in turns), [turn.stderr for turn in turns]
    for turn in turns[1:]:
        assert "again" not in turn.stdout and "Back to the" not in turn.stdout, turn.stdout
    cut = backcoach("say", "--session", session, "--barge-in", "5", "wait", env=environment)
    again = backcoach("say", "--session", session, "I'm ready", env=environment)
    assert "intent:  AMAZON.PauseIntent" in cut.stdout and "Okay, back to the" in again.stdout


def test_say_session_keeps_the_virtual_player_between_calls(environment, tmp_path):
    session = str(tmp_path / "hands-free.json")
    started = backcoach("say", "--session", session, "play my back routine", env=environment)
    assert "AudioPlayer.PlaybackStarted" in started.stdout
    paused = backcoach("say", "--session", session, "pause", env=environment)
    assert "intent:  AMAZON.PauseIntent" in paused.stdout
    assert "directive: AudioPlayer.Stop" in paused.stdout
    assert "AudioPlayer.PlaybackStopped" in paused.stdout


def test_say_json_prints_the_request_and_the_response_as_returned(environment):
    run = backcoach("say", "--json", "open back coach", env=environment)
    (line,) = run.stdout.strip().splitlines()
    turn = json.loads(line)
    assert turn["request"]["request"]["type"] == "LaunchRequest"
    assert "Welcome to Back Coach" in turn["response"]["response"]["outputSpeech"]["ssml"]


def test_chat_reads_lines_until_quit(environment):
    script = "open back coach\nplay my back routine\n:wait 30\n:player\n:quit\n"
    run = subprocess.run(
        [sys.executable, "-m", "backcoach.skill.cli", "chat"],
        input=script,
        env={**os.environ, **environment},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert "intent:  HandsFreeIntent" in run.stdout
    assert "AudioPlayer.PlaybackStarted" in run.stdout
    assert "player:  PLAYING bc1:back_routine:pelvic_extension:0:" in run.stdout
    assert "at 30.0 s" in run.stdout


def test_export_skill_package(tmp_path, environment):
    out = tmp_path / "project"
    run = backcoach(
        "export-skill-package",
        str(out),
        env={
            **environment,
            "BACKCOACH_PUBLIC_URL": "https://coach.example.com",
            "BACKCOACH_PRIVACY_URL": "https://coach.example.com/privacy",
            "BACKCOACH_TERMS_URL": "https://coach.example.com/terms",
            "BACKCOACH_SSL_CERT_TYPE": "Wildcard",
        },
    )
    assert run.returncode == 0, run.stderr
    assert (out / "ask-resources.json").is_file()
    package = out / "skill-package"
    manifest = json.loads((package / "skill.json").read_text())["manifest"]
    endpoint = manifest["apis"]["custom"]["endpoint"]
    assert endpoint == {"uri": "https://coach.example.com/alexa", "sslCertificateType": "Wildcard"}
    assert {"type": "AUDIO_PLAYER"} in manifest["apis"]["custom"]["interfaces"]
    assert manifest["publishingInformation"]["category"] == "HEALTH_AND_FITNESS"
    privacy = manifest["privacyAndCompliance"]
    assert privacy["usesPersonalInfo"] is True  # progress is kept per user id (README, Privacy)
    assert privacy["locales"]["en-US"]["privacyPolicyUrl"] == "https://coach.example.com/privacy"
    assert privacy["locales"]["en-US"]["termsOfUseUrl"] == "https://coach.example.com/terms"
    model = json.loads((package / "interactionModels" / "custom" / "en-US.json").read_text())
    assert model["interactionModel"]["languageModel"]["invocationName"] == "back coach"
    assert str(package / "assets" / "images" / "en-US_largeIconUri.png") in run.stdout.split()


UNSET_PACKAGE_SETTINGS = {
    f"BACKCOACH_{name}": ""
    for name in ("PUBLIC_URL", "LAMBDA_ARN", "PRIVACY_URL", "TERMS_URL", "SSL_CERT_TYPE")
}
"""Blank is unset: whatever the shell running the tests has set."""


def test_export_refuses_a_package_not_ready_for_certification(tmp_path):
    bare = UNSET_PACKAGE_SETTINGS
    run = backcoach("export-skill-package", str(tmp_path / "p"), env=bare)
    assert run.returncode == 2
    assert run.stderr.count("\n") == 1 and "BACKCOACH_PUBLIC_URL" in run.stderr
    assert "Traceback" not in run.stderr and not (tmp_path / "p").exists()
    draft = backcoach("export-skill-package", "--draft", str(tmp_path / "p"), env=bare)
    assert draft.returncode == 0, draft.stderr


def test_export_names_the_bad_field_of_its_settings_file(tmp_path):
    settings = tmp_path / "skill-package.yaml"
    settings.write_text("public_url: https://coach.example.com\nssl_cert_type: SelfSignd\n")
    run = backcoach(
        "export-skill-package",
        "--settings",
        str(settings),
        str(tmp_path / "p"),
        env=UNSET_PACKAGE_SETTINGS,
    )
    assert run.returncode == 2
    assert run.stderr == (
        f"backcoach: {settings}: ssl_cert_type: must be 'Trusted', 'Wildcard' or 'SelfSigned',"
        " got 'SelfSignd'\n"
    )


def test_export_without_a_model_for_the_locale_fails_in_one_line(tmp_path):
    run = backcoach(
        "export-skill-package",
        "--draft",
        str(tmp_path / "p"),
        env={**UNSET_PACKAGE_SETTINGS, "BACKCOACH_LOCALE": "fr-FR"},
    )
    assert run.returncode == 2
    assert run.stderr.startswith("backcoach: fr-FR: no interaction model")
    assert run.stderr.count("\n") == 1


def test_gtts_without_a_network_fails_fast_and_says_so(tmp_path):
    started = time.monotonic()
    run = backcoach(
        "audio",
        "build",
        "--engine",
        "gtts",
        "--out",
        str(tmp_path / "a"),
        env={"https_proxy": "http://127.0.0.1:9", "HTTPS_PROXY": "http://127.0.0.1:9"},
    )
    assert run.returncode == 2
    assert "gtts" in run.stderr and "--engine piper" in run.stderr
    assert time.monotonic() - started < 60


def test_serving_without_an_audio_build_says_what_to_run(tmp_path):
    run = backcoach("serve", "--port", "1", env={"BACKCOACH_DATA_DIR": str(tmp_path)})
    assert run.returncode == 2
    assert "run `backcoach audio build`" in run.stderr


def test_a_bad_setting_is_named(tmp_path):
    run = backcoach("say", "hi", env={"BACKCOACH_PUBLIC_URL": "http://plain.example.com"})
    assert run.returncode == 2 and "BACKCOACH_PUBLIC_URL: must be an https:// URL" in run.stderr


@pytest.mark.parametrize(
    ("setting", "content", "named"),
    [
        ("script", "steps:\n  - teleport: 3\n", "bad.yaml: step 1: needs exactly one of"),
        ("script", "steps:\n  - say: [unclosed\n", "bad.yaml: cannot be read:"),
        ("routine", "id: broken\n", "bad.yaml: "),
        ("locale", "", "BACKCOACH_LOCALE: no phrases for 'xx-XX' (have: en-US)"),
    ],
)
def test_a_bad_file_or_locale_is_one_line_naming_it(tmp_path, setting, content, named):
    """Content errors exit 2 with one line that names the file or setting; no traceback."""
    bad = tmp_path / "bad.yaml"
    bad.write_text(content)
    env = {"BACKCOACH_AUDIO": "false", "BACKCOACH_DATA_DIR": str(tmp_path)}
    args = ["say", "hi"]
    if setting == "script":
        args = ["test-dialogs", str(bad)]
    elif setting == "routine":
        env["BACKCOACH_ROUTINE"] = str(bad)
    else:
        env["BACKCOACH_LOCALE"] = "xx-XX"
    run = backcoach(*args, env=env)
    assert run.returncode == 2, run.stderr
    assert run.stderr.startswith(f"backcoach: {named}"), run.stderr
    assert len(run.stderr.strip().splitlines()) == 1 and "Traceback" not in run.stderr


@pytest.fixture(scope="module")
def plain_http_server(config, tmp_path_factory):
    """`backcoach serve --no-verify` with no public URL: it links audio over plain http."""
    cfg = dataclasses.replace(config, data_dir=tmp_path_factory.mktemp("http-data"))
    process, url = start_server(cfg, BACKCOACH_PUBLIC_URL="")
    yield url
    stop_server(process)


HTTP_PLAY = "INVALID RESPONSE: AudioPlayer.Play: stream url is not https: 'http://127.0.0.1:"


@pytest.mark.slow  # a `backcoach serve` process
def test_say_over_url_reports_the_http_links_alexa_would_reject(
    plain_http_server, environment, tmp_path
):
    session = str(tmp_path / "me.json")
    talk = ("say", "--url", plain_http_server, "--session", session)
    opened = backcoach(*talk, "open back coach", env=environment)
    assert opened.returncode == 0 and "INVALID" not in opened.stdout, opened.stdout
    played = backcoach(*talk, "play my back routine", env=environment)
    assert played.returncode == 1
    assert HTTP_PLAY in played.stdout
    as_json = backcoach(*talk, "--json", "next", env=environment)
    turns = [json.loads(line) for line in as_json.stdout.splitlines()]
    assert as_json.returncode == 1
    assert any("AudioPlayer.Play: stream url is not https" in p for p in turns[0]["problems"])


@pytest.mark.slow  # a `backcoach serve` process
def test_chat_over_url_reports_the_http_links_alexa_would_reject(plain_http_server, environment):
    run = subprocess.run(
        [sys.executable, "-m", "backcoach.skill.cli", "chat", "--url", plain_http_server],
        input="open back coach\nplay my back routine\n:quit\n",
        env={**os.environ, **environment},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert HTTP_PLAY in run.stdout


@pytest.mark.slow  # a `backcoach serve` process
def test_test_dialogs_over_url_fails_the_step_alexa_would_reject(
    plain_http_server, environment, tmp_path
):
    (tmp_path / "play.yaml").write_text(
        "name: hands free\nsteps:\n  - say: open back coach\n  - say: play my back routine\n"
    )
    run = backcoach("test-dialogs", "--url", plain_http_server, str(tmp_path), env=environment)
    assert run.returncode == 1
    assert "PASS step 1: say 'open back coach'" in run.stdout
    assert "FAIL step 2: say 'play my back routine'" in run.stdout
    assert HTTP_PLAY in run.stdout
    assert "1 scripts, 1 failed steps" in run.stdout
