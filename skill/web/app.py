"""The Flask endpoint: POST /alexa for Alexa requests, GET /healthz and GET /readyz."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import orjson
from ask_sdk_core.exceptions import SerializationException
from ask_sdk_model import RequestEnvelope
from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from backcoach.skill.alexa.handlers import DeletionPending
from backcoach.skill.config import Config
from backcoach.skill.service import Service, make_service, not_ready
from backcoach.skill.web.checked_reader import CheckedReader
from backcoach.skill.web.envelope_shape import application_id, body_problem, envelope_problem
from backcoach.skill.web.request_log import log_request, log_salt

if TYPE_CHECKING:  # verify.py (and cryptography) is imported only when verification is on
    from backcoach.skill.web.verify import RequestVerifier

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 256 * 1024
"""Alexa requests are small; anything larger is refused with 413."""


class BadRequest(ValueError):
    """The body is not a usable Alexa request; the message says why."""


@dataclass(frozen=True)
class RequestContext:
    """Passed to handlers as handler_input.context: where this request reached us."""

    base_url: str


Read = tuple[dict, RequestEnvelope | None]
"""A request's envelope, and ASK's model of it when reading it was part of checking it."""


def _parse(body: bytes, reader: CheckedReader) -> Read:
    """The body as JSON, checked before parsing for what would break the parser or the
    skill (depth, broken surrogates) and after for the envelope's shape."""
    if not body:
        raise BadRequest("empty body")
    if problem := body_problem(body):
        raise BadRequest(problem)
    try:
        envelope = orjson.loads(body)
    except orjson.JSONDecodeError as exc:  # bad UTF-8 and lone surrogates too
        raise BadRequest("body is not JSON") from exc
    # A good envelope is checked and read in one walk; a doubtful one is checked again by
    # SHAPE's own walk, which words the problem (and read by `from_data` later, if it has none).
    model = reader.read_checked(envelope)
    if model is None and (problem := envelope_problem(envelope)):
        raise BadRequest(problem)
    return envelope, model


def _reader(
    verifier: RequestVerifier | None, skill_id: str | None, reader: CheckedReader
) -> Callable[[object, bytes], Read]:
    """How a body (and its headers) becomes the envelope: the signature checked first (the
    bytes are not parsed for anyone who cannot sign them), then parsed and checked."""
    if verifier is None:

        def unverified(headers, body: bytes) -> Read:
            envelope, model = _parse(body, reader)
            # Without verification the skill id is still checked when one is set.
            if skill_id and application_id(envelope) != skill_id:
                raise BadRequest("wrong application id")
            return envelope, model

        return unverified
    from backcoach.skill.web.verify import VerificationError

    def verified(headers, body: bytes) -> Read:
        try:
            verifier.check_signature(headers, body)
            envelope, model = _parse(body, reader)
            verifier.check_envelope(envelope)
            return envelope, model
        except VerificationError as exc:
            raise BadRequest(str(exc)) from exc

    return verified


def _json_response(data: object, status: int = 200) -> Response:
    """Compact JSON in UTF-8, as Alexa reads it (jsonify would sort and re-check every key)."""
    return Response(orjson.dumps(data), status=status, mimetype="application/json")


def create_app(
    config: Config | None = None,
    *,
    verifier: RequestVerifier | None = None,
    service: Service | None = None,
) -> Flask:
    """The endpoint for one configuration; tests pass config (and their own trust roots)."""
    service = service or make_service(config or Config.from_env())
    config, routine, skill = service.config, service.routine, service.skill
    serializer = CheckedReader()

    if config.verify:
        if verifier is None:
            from backcoach.skill.web.verify import RequestVerifier, load_trust_roots

            roots = load_trust_roots(config.trust_roots) if config.trust_roots else None
            verifier = RequestVerifier(skill_id=config.skill_id, trust_roots=roots)
        if not config.skill_id:
            log.warning("BACKCOACH_SKILL_ID is not set: the application id check is skipped")
    else:
        verifier = None
        log.warning("REQUEST VERIFICATION IS OFF: for local experiments only, never expose this")
    read_envelope = _reader(verifier, config.skill_id, serializer)

    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES
    app.config["BACKCOACH"] = config
    if config.trust_proxy:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_proto=1, x_host=1)  # type: ignore[method-assign]
    if service.catalog is not None:
        from backcoach.audio.serve import audio_blueprint

        app.register_blueprint(audio_blueprint(service.catalog))

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        # The error's own headers stay: `Allow` on a 405, `Content-Range` on a 416.
        headers = [(k, v) for k, v in exc.get_headers() if k.lower() != "content-type"]
        return jsonify(error=exc.name, reason=exc.description), exc.code, headers

    @app.get("/healthz")
    def healthz():
        return jsonify(status="ok", routine=routine.id, exercises=len(routine.exercises))

    @app.get("/readyz")
    def readyz():
        reason = not_ready(service)
        if reason:
            return jsonify(status="unavailable", reason=reason), 503
        return jsonify(status="ready")

    salt = log_salt(config.log_salt)
    last_resort = {
        "version": "1.0",
        "response": {
            "outputSpeech": {"type": "PlainText", "text": service.phrases.say("error.apology")},
            "shouldEndSession": True,
        },
    }
    """What Alexa hears if the skill fails past its own exception handler: an apology that
    ends the session, rather than a 500 and Alexa's "problem with the skill's response"."""

    def answer(body: bytes, seen: dict) -> Response:
        """The skill's answer to one request body; `seen` keeps the envelope for the log."""
        try:
            envelope, model = read_envelope(request.headers, body)
            seen["envelope"] = envelope
            request_envelope = (
                model if model is not None else serializer.from_data(envelope, RequestEnvelope)
            )
        except BadRequest as exc:
            seen["refused"] = str(exc)
            return _json_response({"error": "Bad Request", "reason": str(exc)}, 400)
        except (SerializationException, TypeError, ValueError, KeyError) as exc:
            seen["refused"] = reason = f"malformed Alexa envelope: {exc}"
            return _json_response({"error": "Bad Request", "reason": reason}, 400)
        # host_url would also decode percent escapes, which a valid Host header never has.
        context = RequestContext(base_url=f"{request.scheme}://{request.host}")
        try:
            response = skill.invoke(request_envelope=request_envelope, context=context)
        except DeletionPending as exc:  # Alexa redelivers an event answered with an error
            seen["refused"] = str(exc)
            return _json_response({"error": "Service Unavailable", "reason": str(exc)}, 503)
        except Exception:  # the SDK's exception handler itself failed: a bug, answered anyway
            log.exception("no answer from the skill for an accepted request")
            seen["refused"] = "the skill failed"
            return _json_response(last_resort)
        return _json_response(serializer.serialize(response))

    @app.post("/alexa")
    def alexa():
        started = time.perf_counter()
        seen: dict = {}
        status = 500  # unless an answer comes back
        try:
            # The raw bytes are what Alexa signed: parsed once here, never re-encoded.
            response = answer(request.get_data(cache=False), seen)
            status = response.status_code
            return response
        finally:
            latency_ms = (time.perf_counter() - started) * 1000
            log_request(seen.get("envelope"), status, latency_ms, salt, seen.get("refused"))

    return app
