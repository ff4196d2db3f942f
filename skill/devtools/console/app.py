"""The console's Flask app: the page, its JSON endpoints, the built clips and spoken text."""

from __future__ import annotations

import dataclasses
import threading
from urllib.parse import urlsplit

from flask import Flask, jsonify, redirect, request, send_file
from werkzeug.exceptions import HTTPException

from backcoach.skill.config import Config
from backcoach.skill.devtools.console.session import (
    ConsoleInputError,
    ConsoleSession,
    offset_ms,
)
from backcoach.skill.devtools.console.speech import NO_VOICE_NOTE, Speaker, make_speaker
from backcoach.skill.devtools.envelopes import DEFAULT_SKILL_ID
from backcoach.skill.devtools.nlu import Nlu
from backcoach.skill.devtools.simulator import in_process
from backcoach.skill.service import make_service
from backcoach.skill.web.app import RequestContext

MAX_BODY_BYTES = 64 * 1024
"""What the page sends is an utterance or an event: small."""


def _body() -> dict:
    """The JSON object the page posted; ConsoleInputError if it is not one."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise ConsoleInputError("the body must be a JSON object")
    return data


def _field(data: dict, name: str, default: str | None = None) -> str:
    value = data.get(name, default)
    if not isinstance(value, str):
        raise ConsoleInputError(f"'{name}' must be a string")
    return value


def create_console_app(config: Config, base_url: str, user_id: str | None = None) -> Flask:
    """The console for the skill this config describes, linking clips to `base_url`/audio."""
    # The skill runs in this process, unverified, and links its clips to this server.
    config = dataclasses.replace(config, verify=False, public_url=None)
    service = make_service(config)
    skill_id = config.skill_id or DEFAULT_SKILL_ID
    nlu = Nlu.load(config.locale, skill_id_authority=f"amzn1.er-authority.echo-sdk.{skill_id}")
    session = ConsoleSession(
        in_process(service.skill, RequestContext(base_url=base_url)),
        nlu,
        skill_id=skill_id,
        base_url=base_url,
        length_s=service.audio_s,
        user_id=user_id,
    )
    speaker = make_speaker(config.data_dir / "console-speech", config.piper_voice)
    lock = threading.Lock()  # one conversation: turns and events are taken one at a time

    app = Flask(__name__, static_folder="static", static_url_path="/console/static")
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES
    if service.catalog is not None:
        from backcoach.audio.serve import audio_blueprint

        app.register_blueprint(audio_blueprint(service.catalog))

    # Only this machine's names: a web page elsewhere whose name is made to resolve to this
    # machine (DNS rebinding) must not drive the console or render text with its voice.
    allowed = {"localhost", "127.0.0.1", "[::1]", urlsplit(base_url).hostname or "localhost"}

    @app.before_request
    def same_host_only():
        host = request.host.rsplit(":", 1)[0] if not request.host.endswith("]") else request.host
        if host.lower() not in allowed:
            return jsonify(error=f"403 Forbidden: the console answers only {sorted(allowed)}"), 403
        return None

    @app.errorhandler(ConsoleInputError)
    def bad_input(exc: ConsoleInputError):
        return jsonify(error=str(exc)), 400

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        return jsonify(error=f"{exc.code} {exc.name}: {exc.description}"), exc.code

    @app.get("/")
    def home():
        return redirect("/console/")

    @app.get("/console/")
    def page():
        return app.send_static_file("index.html")

    @app.get("/console/state")
    def state():
        with lock:
            described = session.describe()
        voice = {"available": True, "note": ""}
        if not isinstance(speaker, Speaker):
            voice = {"available": False, "note": speaker}
        return jsonify(**described, voice=voice, base_url=base_url)

    @app.post("/console/say")
    def say():
        data = _body()
        with lock:
            return jsonify(session.say(_field(data, "text"), data.get("player")))

    @app.post("/console/event")
    def event():
        data = _body()
        kind, token, offset = _field(data, "type"), _field(data, "token", ""), offset_ms(data)
        with lock:
            return jsonify(session.event(kind, token, offset, data.get("player")))

    @app.post("/console/reset")
    def reset():
        data = _body()
        user = data.get("user_id")
        if user is not None and not isinstance(user, str):
            raise ConsoleInputError("'user_id' must be a string")
        profile = data.get("profile")
        if profile is not None and not isinstance(profile, str):
            raise ConsoleInputError("'profile' must be a string")
        with lock:
            return jsonify(session.reset(user, profile))

    @app.get("/console/tts")
    def tts():
        if not isinstance(speaker, Speaker):
            return jsonify(error=speaker), 503
        text = request.args.get("text", "")
        try:
            path = speaker.mp3(text)
        except ValueError as exc:
            raise ConsoleInputError(str(exc)) from None
        except RuntimeError as exc:  # the voice or ffmpeg failed: say so, keep the page going
            return jsonify(error=f"{NO_VOICE_NOTE}: {exc}"), 503
        return send_file(path, mimetype="audio/mpeg", conditional=True, max_age=3600)

    return app
