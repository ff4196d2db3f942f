"""What Alexa would send: a body's depth and text checked before it is parsed, and the parsed
envelope's shape (the fields the skill reads, their types) before any handler sees it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ask_sdk_model.request import Request

MAX_DEPTH = 48
"""The deepest nesting accepted. Alexa's envelopes nest about 9 deep (a slot's resolution
values), the coach's session attributes about 6 under `sessionAttributes`: anything far
deeper is an attack on the parser (Python's json gives up near 1,000) or on copy.deepcopy."""

_STRINGS = re.compile(rb'"(?:[^"\\]|\\.)*"')
_NOT_BRACKETS = bytes(sorted(set(range(256)) - set(b"[]{}")))
_HIGH, _LOW = rb"\\u[dD][89abAB][0-9a-fA-F]{2}", rb"\\u[dD][c-fC-F][0-9a-fA-F]{2}"
_LONE_SURROGATE = re.compile(
    rb"(?<!\\)(?:\\\\)*(?:" + _HIGH + rb"(?!" + _LOW + rb")|(?<!" + _HIGH + rb")" + _LOW + rb")"
)
"""A \\uD800-\\uDFFF escape that is not half of a pair: JSON allows it, Unicode text can't
hold it (encoding it for a hash, a log line or a store raises)."""


def body_problem(body: bytes) -> str | None:
    """Why a body must not be parsed (too deep, or text no Unicode string can hold), or None."""
    # Brackets inside strings can only make a body look deeper: strings are stripped (the
    # slower regex) only when the brackets alone go past the limit.
    if _too_deep(body) and _too_deep(_STRINGS.sub(b"", body)):
        return f"body nests deeper than {MAX_DEPTH} levels"
    if b"\\u" in body and _LONE_SURROGATE.search(body):
        return "body has a \\u escape that is half of a surrogate pair"
    return None


def _too_deep(text: bytes) -> bool:
    """Whether `text` nests deeper than MAX_DEPTH (strings not told apart)."""
    # Nothing nests deeper than it has opening brackets: counting them (in C) spares nearly
    # every request the walk over its brackets.
    return text.count(b"{") + text.count(b"[") > MAX_DEPTH and _deepest(text) > MAX_DEPTH


def _deepest(text: bytes) -> int:
    """The deepest nesting of [ and { in `text` (strings not told apart)."""
    depth = deepest = 0
    for byte in text.translate(None, delete=_NOT_BRACKETS):
        depth += 1 if byte in b"[{" else -1
        deepest = max(deepest, depth)
    return deepest


INTENT_TYPES = frozenset({"IntentRequest", "CanFulfillIntentRequest"})

# (path, JSON type(s), required): '*' is every value of an object, '#' every item of a list.
# A path under a missing optional object is not checked; `required` may name the request
# types that must have the field. Only what the skill or ASK's models read is listed: other
# fields pass untouched (Alexa adds fields over time).
SHAPE: tuple[tuple[str, tuple[type, ...], bool | frozenset[str]], ...] = (
    ("version", (str,), True),
    ("request", (dict,), True),
    ("request.type", (str,), True),
    ("request.requestId", (str,), True),
    ("request.timestamp", (str,), True),
    ("request.locale", (str,), False),
    ("request.reason", (str,), False),
    ("request.token", (str,), False),
    ("request.offsetInMilliseconds", (int,), False),
    ("request.intent", (dict,), INTENT_TYPES),
    ("request.intent.name", (str,), INTENT_TYPES),
    ("request.intent.confirmationStatus", (str,), False),
    ("request.intent.slots", (dict,), False),
    ("request.intent.slots.*", (dict,), True),
    ("request.intent.slots.*.name", (str,), True),
    ("request.intent.slots.*.value", (str,), False),
    ("request.intent.slots.*.resolutions", (dict,), False),
    ("request.intent.slots.*.resolutions.resolutionsPerAuthority", (list,), False),
    ("request.intent.slots.*.resolutions.resolutionsPerAuthority.#", (dict,), True),
    ("request.intent.slots.*.resolutions.resolutionsPerAuthority.#.authority", (str,), False),
    # Alexa gives every resolution its status (ER_SUCCESS_MATCH, ER_SUCCESS_NO_MATCH, ...).
    ("request.intent.slots.*.resolutions.resolutionsPerAuthority.#.status", (dict,), True),
    ("request.intent.slots.*.resolutions.resolutionsPerAuthority.#.status.code", (str,), True),
    ("request.intent.slots.*.resolutions.resolutionsPerAuthority.#.values", (list,), False),
    ("request.intent.slots.*.resolutions.resolutionsPerAuthority.#.values.#", (dict,), True),
    ("request.intent.slots.*.resolutions.resolutionsPerAuthority.#.values.#.value", (dict,), True),
    (
        "request.intent.slots.*.resolutions.resolutionsPerAuthority.#.values.#.value.name",
        (str,),
        True,
    ),
    (
        "request.intent.slots.*.resolutions.resolutionsPerAuthority.#.values.#.value.id",
        (str,),
        False,
    ),
    ("request.error", (dict,), False),
    ("request.error.type", (str,), False),
    ("request.error.message", (str,), False),
    ("session", (dict,), False),
    ("session.new", (bool,), True),
    ("session.sessionId", (str,), True),
    ("session.attributes", (dict,), False),
    ("session.application", (dict,), False),
    ("session.application.applicationId", (str,), True),
    ("session.user", (dict,), False),
    ("session.user.userId", (str,), True),
    ("context", (dict,), True),
    ("context.System", (dict,), True),
    ("context.System.application", (dict,), True),
    ("context.System.application.applicationId", (str,), True),
    ("context.System.user", (dict,), True),
    ("context.System.user.userId", (str,), True),
    ("context.System.person", (dict,), False),
    ("context.System.person.personId", (str,), True),
    ("context.System.device", (dict,), True),
    ("context.System.device.deviceId", (str,), False),
    ("context.System.device.supportedInterfaces", (dict,), True),
    ("context.System.device.supportedInterfaces.*", (dict,), True),
    ("context.System.apiEndpoint", (str,), False),
    ("context.System.apiAccessToken", (str,), False),
    ("context.AudioPlayer", (dict,), False),
    ("context.AudioPlayer.token", (str,), False),
    ("context.AudioPlayer.offsetInMilliseconds", (int,), False),
    ("context.AudioPlayer.playerActivity", (str,), False),
    ("context.Viewport", (dict,), False),
    ("context.Viewports", (list,), False),
)

NOT_EMPTY: tuple[str, ...] = (
    "request.requestId",
    "context.System.application.applicationId",
    "context.System.user.userId",
)
"""Ids the skill keys on: Alexa never sends them empty."""

_JSON_NAMES = {str: "a string", int: "a whole number", bool: "true or false"}
_JSON_NAMES.update({dict: "an object", list: "a list"})


@dataclass
class Node:
    """SHAPE as a tree, built once: the rule for the field at this path (if any), and the
    fields under it. A request is checked in one walk over the parts of it SHAPE names."""

    path: str = ""
    types: tuple[type, ...] = ()
    required: bool | frozenset[str] = False
    ruled: bool = False
    under: dict[str, Node] = field(default_factory=dict)


def _tree() -> Node:
    root = Node()
    for path, types, required in SHAPE:
        node = root
        for step in path.split("."):
            node = node.under.setdefault(step, Node())
        node.path, node.types, node.required, node.ruled = path, types, required, True
    return root


TREE = _tree()


def envelope_problem(envelope: object) -> str | None:
    """Why a parsed body is not an Alexa request envelope the skill can read, or None."""
    if not isinstance(envelope, dict):
        return "body is not a JSON object"
    request = envelope.get("request")
    kind = request.get("type") if isinstance(request, dict) else None
    if problem := walk(envelope, TREE, kind):
        return problem
    for path in NOT_EMPTY:
        value: object = envelope
        for step in path.split("."):
            value = value.get(step) if isinstance(value, dict) else None
        if not value:
            return f"{path} is empty"
    if kind not in Request.discriminator_value_class_map:
        return f"unknown request type {kind!r}"
    return None


def walk(value: object, node: Node, kind: object) -> str | None:
    """The first problem under `value`, which `node` describes ('*' and '#' fan out)."""
    for step, child in node.under.items():
        if step == "*":
            items = list(value.values()) if isinstance(value, dict) else []
        elif step == "#":
            items = value if isinstance(value, list) else []
        elif not isinstance(value, dict):
            continue  # the parent's own rule reports its type
        elif step in value:
            items = [value[step]]
        else:
            if child.ruled and must(child, kind):
                return f"{child.path} is missing"
            continue
        for item in items:
            if child.ruled and (problem := _type_problem(item, child, kind)):
                return problem
            if child.under and isinstance(item, (dict, list)):
                if problem := walk(item, child, kind):
                    return problem
    return None


def must(node: Node, kind: object) -> bool:
    return node.required if isinstance(node.required, bool) else kind in node.required


def _type_problem(value: object, node: Node, kind: object) -> str | None:
    if value is None and not must(node, kind):
        return None
    if not isinstance(value, node.types) or (isinstance(value, bool) and bool not in node.types):
        return f"{node.path} must be {' or '.join(_JSON_NAMES[t] for t in node.types)}"
    return None


def application_id(envelope: dict) -> str | None:
    """Return the application id from context.System, else from the session."""
    context = envelope.get("context")
    if isinstance(context, dict):
        holder = context.get("System")
    else:
        holder = envelope.get("session")
    application = holder.get("application") if isinstance(holder, dict) else None
    app_id = application.get("applicationId") if isinstance(application, dict) else None
    return app_id if isinstance(app_id, str) else None
