"""Speech engines and the build command: Piper by path, gTTS failing fast offline."""

from __future__ import annotations

import argparse
import socket
import threading
import time

import pytest

from backcoach.audio.build import cli
from backcoach.audio.build.voices import EngineError, GttsEngine, PiperEngine, Voice, make_voice
from backcoach.skill.domain.phrases import load_phrases
from backcoach.skill.domain.routine import load_routine


def assert_gtts_failure(exc: EngineError) -> None:
    message = str(exc)
    assert message.startswith("gtts: ")
    assert "network" in message
    assert "--engine piper" in message


def test_gtts_offline_fails_fast_with_a_clear_message():
    engine = GttsEngine()
    started = time.monotonic()
    try:
        engine.synthesize("one")
    except EngineError as exc:
        assert_gtts_failure(exc)
    else:
        pytest.skip("the network is reachable here: gTTS really spoke")
    assert time.monotonic() - started < 10


def test_gtts_fails_fast_when_the_host_cannot_be_resolved():
    started = time.monotonic()
    with pytest.raises(EngineError) as caught:
        GttsEngine(tld="invalid").synthesize("one")  # RFC 2606: .invalid never resolves
    assert time.monotonic() - started < 10
    assert_gtts_failure(caught.value)


def test_gtts_gives_up_on_a_server_that_never_answers(monkeypatch):
    # A proxy that accepts the connection and then says nothing: only the timeout ends it.
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(4)
    accepted: list[socket.socket] = []
    threading.Thread(target=lambda: accepted.append(server.accept()[0]), daemon=True).start()
    proxy = f"http://127.0.0.1:{server.getsockname()[1]}"
    for name in ("https_proxy", "HTTPS_PROXY", "http_proxy", "HTTP_PROXY"):
        monkeypatch.setenv(name, proxy)
    monkeypatch.delenv("no_proxy", raising=False)
    monkeypatch.delenv("NO_PROXY", raising=False)
    started = time.monotonic()
    try:
        with pytest.raises(EngineError) as caught:
            GttsEngine(timeout_s=1.0).synthesize("one")
    finally:
        server.close()
        for conn in accepted:
            conn.close()
    elapsed = time.monotonic() - started
    assert accepted, "gTTS really tried to connect"
    assert 0.9 <= elapsed < 5
    assert_gtts_failure(caught.value)


def test_make_voice_picks_the_engine():
    assert isinstance(make_voice("gtts"), GttsEngine)
    assert make_voice("gtts").id == "gtts:en:com"
    piper = make_voice("piper")
    assert isinstance(piper, PiperEngine) and isinstance(piper, Voice)
    with pytest.raises(EngineError, match="unknown speech engine 'espeak'"):
        make_voice("espeak")
    with pytest.raises(EngineError, match="--engine piper"):
        make_voice("gtts", "/some/voice.onnx")


def test_piper_id_names_the_voice_without_loading_it():
    default = PiperEngine()
    assert default.id.startswith("piper:en_US-joe-medium:")
    assert not default.loaded
    same = PiperEngine(default.model_path)
    assert same.id == default.id
    assert PiperEngine(length_scale=1.2).id != default.id


def test_piper_voice_by_path_must_exist(tmp_path):
    with pytest.raises(EngineError, match="piper: voice model not found: .*nope.onnx"):
        PiperEngine(tmp_path / "nope.onnx")
    model = tmp_path / "v.onnx"
    model.write_bytes(b"x")
    with pytest.raises(EngineError, match="voice config not found .*v.onnx.json"):
        PiperEngine(model)


def test_piper_broken_model_is_an_engine_error(tmp_path):
    model = tmp_path / "v.onnx"
    model.write_bytes(b"not a model")
    (tmp_path / "v.onnx.json").write_text("{}")
    engine = PiperEngine(model)
    with pytest.raises(EngineError, match="piper: cannot load"):
        engine.synthesize("one")


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    cli.add_arguments(parser)
    return parser.parse_args(argv)


def test_cli_arguments():
    args = parse()
    assert (args.engine, args.voice, args.out) == ("piper", None, None)
    args = parse("--engine", "gtts", "--out", "/tmp/x", "--voice", "v.onnx")
    assert (args.engine, str(args.out), str(args.voice)) == ("gtts", "/tmp/x", "v.onnx")
    with pytest.raises(SystemExit):
        parse("--engine", "espeak")


def test_cli_build_with_gtts_offline_exits_2_with_the_message(tmp_path, capsys):
    started = time.monotonic()
    code = cli.run(parse("--engine", "gtts"), load_routine(), load_phrases(), tmp_path / "audio")
    err = capsys.readouterr().err
    if code == 0:
        pytest.skip("the network is reachable here: gTTS really spoke")
    assert code == 2
    assert "gtts: " in err and "--engine piper" in err
    assert time.monotonic() - started < 10
    assert not list((tmp_path / "audio").glob("*.mp3"))


def test_cli_build_with_a_missing_piper_voice_exits_2(tmp_path, capsys):
    args = parse("--voice", str(tmp_path / "nope.onnx"), "--out", str(tmp_path / "a"))
    assert cli.run(args, load_routine(), load_phrases(), tmp_path / "default") == 2
    assert "voice model not found" in capsys.readouterr().err
