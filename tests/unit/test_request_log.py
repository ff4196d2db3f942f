"""The per-request log line: its fields, its level, the salted user hash, Alexa's request id,
text and JSON."""

from __future__ import annotations

import io
import json
import logging
import re

import pytest

from backcoach.skill.devtools import envelopes as env
from backcoach.skill.log_format import TEXT_FORMAT, JsonFormatter
from backcoach.skill.web.request_log import log_request, log_salt, request_fields, user_hash

USER = "amzn1.ask.account.SECRET-PERSON"


REQUEST_ID = "amzn1.echo-api.request.0f5c3a2e-8d1b-4c7e-9a61-2b7d4e9f0c13"


def envelope(request: dict, new: bool = False) -> dict:
    return env.Caller(user_id=USER).envelope(
        {**request, "requestId": REQUEST_ID}, session_id="s", new=new
    )


def test_the_user_hash_is_stable_under_one_salt_and_differs_across_salts():
    salt = log_salt("pepper")
    assert user_hash(USER, salt) == user_hash(USER, log_salt("pepper"))
    assert user_hash(USER, salt) != user_hash("amzn1.ask.account.OTHER", salt)
    assert user_hash(USER, salt) != user_hash(USER, log_salt("salt"))
    assert USER not in user_hash(USER, salt)


def test_without_a_configured_salt_each_process_draws_its_own():
    assert log_salt(None) != log_salt(None)
    assert user_hash(USER, log_salt(None)) != user_hash(USER, log_salt(None))


def test_fields_read_type_intent_new_session_user_and_request_id_from_the_parsed_envelope():
    salt = log_salt("s")
    fields = request_fields(envelope(env.intent_request("ReadyIntent"), new=True), salt)
    assert fields == {
        "type": "IntentRequest",
        "intent": "ReadyIntent",
        "new_session": True,
        "user": user_hash(USER, salt),
        "request_id": REQUEST_ID,
    }
    launch = request_fields(envelope(env.launch_request()), salt)
    assert launch["intent"] is None and launch["new_session"] is False


def test_fields_of_something_that_is_not_an_envelope_are_empty():
    assert request_fields(None, b"s") == {
        "type": None,
        "intent": None,
        "new_session": None,
        "user": None,
        "request_id": None,
    }
    assert request_fields({"request": "nonsense", "session": []}, b"s")["type"] is None


def test_a_turn_is_one_info_line_without_the_user_id(caplog):
    caplog.set_level(logging.INFO, logger="backcoach.requests")
    log_request(envelope(env.intent_request("ReadyIntent")), 200, 12.345, log_salt("s"))
    (record,) = caplog.records
    assert record.levelno == logging.INFO
    assert record.getMessage() == (
        f"type=IntentRequest intent=ReadyIntent new_session=False user={user_hash(USER, b's')}"
        f" request_id={REQUEST_ID} status=200 latency_ms=12.3"
    )
    assert USER not in record.getMessage() and USER not in json.dumps(record.request)


def test_a_forged_request_id_stays_one_short_token(caplog):
    forged = envelope(env.launch_request())
    forged["request"]["requestId"] = "x\ntype=Forged " + "y" * 500
    log_request(forged, 400, 1.0, b"s", refused="bad signature")
    (record,) = caplog.records
    assert "\n" not in record.getMessage() and " type=Forged" not in record.getMessage()
    assert len(record.request["request_id"]) == 100
    assert request_fields({"request": {"requestId": 7}}, b"s")["request_id"] is None


def test_a_session_alexa_ended_on_an_error_is_a_warning_with_the_error(caplog):
    ended = env.session_ended_request(
        "ERROR", {"type": "INVALID_RESPONSE", "message": "Audio URL must be https"}
    )
    log_request(envelope(ended), 200, 3.0, b"s")
    (record,) = caplog.records
    assert record.levelno == logging.WARNING
    assert record.request["error_type"] == "INVALID_RESPONSE"
    assert 'error_message="Audio URL must be https"' in record.getMessage()


def test_a_session_ended_without_error_is_info_with_the_reason(caplog):
    caplog.set_level(logging.INFO, logger="backcoach.requests")
    log_request(envelope(env.session_ended_request("EXCEEDED_MAX_REPROMPTS")), 200, 3.0, b"s")
    (record,) = caplog.records
    assert record.levelno == logging.INFO
    assert record.request["reason"] == "EXCEEDED_MAX_REPROMPTS"
    assert "type=SessionEndedRequest intent=- " in record.getMessage()
    assert "reason=EXCEEDED_MAX_REPROMPTS" in record.getMessage()


def test_a_refused_request_is_a_warning_with_the_reason(caplog):
    log_request(None, 400, 0.2, b"s", refused="body is not JSON")
    (record,) = caplog.records
    assert record.levelno == logging.WARNING
    assert record.getMessage().endswith('status=400 latency_ms=0.2 refused="body is not JSON"')


def test_json_lines_carry_time_level_and_the_request_fields(caplog):
    caplog.set_level(logging.INFO, logger="backcoach.requests")
    log_request(envelope(env.launch_request(), new=True), 200, 7.5, b"s")
    line = json.loads(JsonFormatter().format(caplog.records[0]))
    assert line["time"].endswith("+00:00") and line["level"] == "INFO"
    assert line["type"] == "LaunchRequest" and line["new_session"] is True
    assert line["status"] == 200 and line["latency_ms"] == 7.5
    assert line["request_id"] == REQUEST_ID
    plain = logging.Formatter(TEXT_FORMAT).format(caplog.records[0])
    assert plain[:4].isdigit() and " INFO backcoach.requests: type=LaunchRequest" in plain


# -- no Alexa id in any log line (log_format.protect_logs) ---------------------------------------


def test_an_id_in_any_log_line_becomes_the_same_hash_as_the_request_lines(caplog):
    from backcoach.skill.log_format import REDACTED, JsonFormatter, protect_logs
    from backcoach.skill.web.request_log import log_salt, user_hash
    from tests.conftest import ID_WATCH

    protect_logs()
    protect_logs()  # idempotent: one factory, not two
    salt = log_salt("pepper")
    person = "amzn1.ask.account.AHXYZ-123_abc"
    other = logging.getLogger("botocore.somewhere")  # not ours: protected all the same
    caught = len(ID_WATCH.leaks)
    with caplog.at_level(logging.INFO):
        other.info("key %s was stale", person)
        try:
            raise KeyError(f"no row for {person}")
        except KeyError:
            logging.getLogger("backcoach.x").exception("failed for device amzn1.ask.device.D1")
    # The whole run's watch (tests/conftest.py) saw both; they were put there on purpose.
    assert len(ID_WATCH.leaks) == caught + 2
    del ID_WATCH.leaks[caught:]
    plain, failed = caplog.records[-2:]
    assert plain.getMessage() == f"key id:{user_hash(person, salt)} was stale"
    assert getattr(plain, REDACTED) and getattr(failed, REDACTED)
    for line in (logging.Formatter().format(failed), JsonFormatter().format(failed)):
        assert "amzn1.ask" not in line and "no row for id:" in line, line


# -- the request line written straight to configure_logging's handler (issue 22) -----------------


@pytest.fixture
def configured():
    """configure_logging as the CLI calls it, writing to a buffer; the test run's own logging
    back afterwards."""
    from backcoach.skill.log_format import configure_logging, protect_logs

    root = logging.getLogger()
    saved = root.handlers[:], root.level
    made: list[logging.LogRecord] = []
    protect_logs()  # as the app does: every record is made by the factory that hides ids
    factory = logging.getLogRecordFactory()

    def counting(*args, **kwargs):
        made.append(record := factory(*args, **kwargs))
        return record

    counting.protects_ids = True  # type: ignore[attr-defined]

    def configure(log_format: str) -> io.StringIO:
        configure_logging(log_format)
        logging.getLogger().handlers[0].setStream(buffer := io.StringIO())
        return buffer

    logging.setLogRecordFactory(counting)
    try:
        yield configure, made
    finally:
        logging.setLogRecordFactory(factory)
        root.handlers[:], root.level = saved
        logging._srcfile = __file__  # configure_logging skipped the caller lookup; back on


def _lines(buffer: io.StringIO) -> list[str]:
    return buffer.getvalue().splitlines()


@pytest.mark.parametrize("log_format", ["text", "json"])
def test_the_line_written_straight_to_the_handler_is_the_line_logging_would_write(
    configured, log_format
):
    configure, made = configured
    buffer = configure(log_format)
    request_log = logging.getLogger("backcoach.requests")

    def a_turn_and_a_refusal() -> None:
        log_request(envelope(env.launch_request(), new=True), 200, 7.5, b"s")
        log_request(None, 400, 7.5, b"s", refused="bad")

    a_turn_and_a_refusal()  # straight to the handler: no record is made
    assert made == []
    request_log.addFilter(lambda record: True)  # now the way through logging
    try:
        a_turn_and_a_refusal()
    finally:
        request_log.filters.clear()
    assert len(made) == 2
    straight, through = _lines(buffer)[:2], _lines(buffer)[2:]
    if log_format == "json":
        straight = [{**json.loads(line), "time": "-"} for line in straight]  # type: ignore[misc]
        through = [{**json.loads(line), "time": "-"} for line in through]  # type: ignore[misc]
        assert straight[1]["level"] == "WARNING" and straight[1]["refused"] == "bad"
    else:
        assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} INFO .*", straight[0])
        straight, through = [s[23:] for s in straight], [t[23:] for t in through]
    assert straight == through and len(straight) == 2


def test_another_handler_on_the_way_gets_the_line_through_logging(configured):
    configure, made = configured
    buffer = configure("text")
    caught: list[logging.LogRecord] = []
    watch = logging.Handler()
    watch.emit = caught.append  # type: ignore[method-assign]
    logging.getLogger().addHandler(watch)
    log_request(envelope(env.launch_request(), new=True), 200, 7.5, b"s")
    assert len(made) == len(caught) == 1 and len(_lines(buffer)) == 1
    logging.getLogger().removeHandler(watch)
    # An INFO line nobody wants is not made (the next test's fixture sets INFO back).
    logging.getLogger("backcoach").setLevel(logging.WARNING)
    log_request(envelope(env.launch_request(), new=True), 200, 7.5, b"s")
    assert len(made) == 1 and len(_lines(buffer)) == 1


def test_an_id_in_a_refused_requests_reason_is_hidden_on_the_straight_way_too(configured):
    configure, made = configured
    buffer = configure("text")
    person = "amzn1.ask.account.AHXYZ-123_abc"
    log_request(None, 400, 0.2, b"s", refused=f"malformed Alexa envelope: bad user {person}")
    (line,) = _lines(buffer)
    assert person not in line and "bad user id:" in line
    assert len(made) == 1  # it went the way through logging, which hides it
