"""The Echo Show screen: the shipped APL document, its bindings against the datasource of
every kind of screen, Alexa's limits, the directives' shape, and where APL never goes."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest
from ask_sdk_model.interfaces.alexa.presentation.apl import RenderDocumentDirective
from flask import Flask

from backcoach.audio.artwork import IMAGES, image_id
from backcoach.audio.serve import audio_blueprint
from backcoach.skill.alexa.screen_directives import (
    BAR,
    SET_LINE,
    STATUS,
    TOKEN,
    document,
    render,
    screen_directives,
)
from backcoach.skill.alexa.skill_builder import build_skill
from backcoach.skill.devtools.apl_preview import PreviewError, evaluate, preview_html
from backcoach.skill.devtools.icons import png_size
from backcoach.skill.devtools.nlu import Nlu
from backcoach.skill.devtools.simulator import SessionState, Simulator, in_process
from backcoach.skill.devtools.track_art import drawings
from backcoach.skill.domain.alexa_limits import MAX_RESPONSE_BYTES
from backcoach.skill.domain.plan import units
from backcoach.skill.domain.screen import PLAIN, Kind, kind_of, screen
from backcoach.skill.domain.state import Pending
from tests.screens import ASKED, ENDINGS, JSON, asked_turn, multi_unit_index, turn_of

RENDER = "Alexa.Presentation.APL.RenderDocument"
EXECUTE = "Alexa.Presentation.APL.ExecuteCommands"
BINDING = re.compile(r"\$\{([^}]*)\}")
NAME = re.compile(r"[A-Za-z_][\w.]*")
MAX_DEPTH = 8
"""Deepest component nesting allowed: every level is one more layout pass on the device, and
Amazon advises flat documents for smooth inflation on low-end screens."""
BASE = "https://coach.example/audio/"
QUOTED = re.compile(r"“([^”]+)”")
"""What the screen tells the person to say: the words in its quotation marks."""


@pytest.fixture(params=list(Kind))
def shown(request, coach) -> tuple[Kind, dict]:
    state, reply = turn_of(request.param, coach)
    assert kind_of(state, reply) == request.param  # the scenario really is that screen
    return request.param, screen(coach, state, reply)


def components(item: dict, depth: int = 1) -> Iterator[tuple[dict, int]]:
    """Every component of a document (and its depth), the data-bound ones included."""
    yield item, depth
    for child in [*item.get("items", []), *([item["item"]] if "item" in item else [])]:
        yield from components(child, depth + 1)


def bindings(item: dict, in_data: bool = False) -> Iterator[tuple[str, bool]]:
    """Every `${…}` name a component binds, and whether it sits under a data-bound Sequence
    (where `data.` names one of its rows)."""
    if "data" in item:
        yield from ((name, in_data) for name in names(item["data"]))
        in_data = True
    for key, value in item.items():
        if key not in ("items", "item", "data"):
            yield from ((name, in_data) for text in _strings(value) for name in names(text))
    for child in [*item.get("items", []), *([item["item"]] if "item" in item else [])]:
        yield from bindings(child, in_data)


def _strings(value) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)


def names(text: str) -> list[str]:
    """The data names an expression reads (string literals and keywords left out)."""
    out = []
    for expr in BINDING.findall(text):
        bare = re.sub(r"'[^']*'", "", expr)
        out += [n for n in NAME.findall(bare) if n not in ("true", "false")]
    return out


def resolve(path: str, scope: dict) -> object:
    node: object = scope
    for part in path.split("."):
        assert isinstance(node, dict) and part in node, f"${{{path}}} is unbound"
        node = node[part]
    return node


# -- the document -----------------------------------------------------------------------------


def test_the_document_is_an_apl_document_with_a_payload_parameter():
    doc = document()
    assert doc["type"] == "APL"
    assert re.fullmatch(r"\d{4}\.\d", doc["version"])
    assert doc["mainTemplate"]["parameters"] == ["payload"]
    assert len(doc["mainTemplate"]["items"]) == 1


def test_components_are_ones_the_preview_knows_ids_are_unique_and_nesting_is_shallow():
    found = list(components(document()["mainTemplate"]["items"][0]))
    assert {c["type"] for c, _ in found} <= {"Container", "Frame", "Text", "Sequence", "Image"}
    ids = [c["id"] for c, _ in found if "id" in c]
    assert len(ids) == len(set(ids))
    assert {SET_LINE, BAR, STATUS} <= set(ids)  # what the commands change is there
    assert max(depth for _, depth in found) <= MAX_DEPTH


def test_every_binding_resolves_against_every_kind_of_screen(shown):
    kind, payload = shown
    scope = {"payload": {"screen": payload}}
    rows = payload["steps"]
    for name, in_data in bindings(document()["mainTemplate"]["items"][0]):
        if name.startswith("data."):
            assert in_data, f"${{{name}}} outside a data-bound component"
            for row in rows:
                resolve(name, {"data": row})
        else:
            resolve(name, scope)


def test_every_kind_renders_in_the_preview_with_its_words(shown):
    kind, payload = shown
    html = preview_html(JSON.serialize(render(payload)))
    assert "Preview" in html
    assert payload["heading"] in html
    if kind in PLAIN:
        assert payload["message"] in html or payload["status"] in html
    else:
        assert payload["setLine"] in html and payload["counter"] in html


# -- the datasource -----------------------------------------------------------------------------


def test_numbers_come_from_the_routine(coach):
    s, reply = turn_of(Kind.SET, coach)
    payload = screen(coach, s, reply)
    index = multi_unit_index(coach)
    ex = coach.routine.exercises[index]
    lv = ex.dose.level(0)
    assert payload["counter"] == f"Exercise {index + 1} of {coach.total}"
    unit = units(ex, 0)[1]
    assert payload["setLine"].startswith(f"Set {unit.set_no} of {lv.sets}")
    if lv.hold_s:
        assert f"hold {lv.hold_s} s" in payload["setLine"]
    assert sum(step["current"] for step in payload["steps"]) == 1


def test_the_bar_follows_the_plan_or_the_built_clips(coach):
    s, reply = turn_of(Kind.SET, coach)
    clips = reply.segments
    planned = screen(coach, s, reply)
    bars = [b for b in planned["timeline"] if b["bar"]]
    assert [b["ms"] for b in bars] == [round(seg.duration_s * 1000) for seg in clips]
    built = screen(coach, s, reply, clip_s=lambda clip_id: 12.345)
    assert [b["ms"] for b in built["timeline"] if b["bar"]] == [12345] * len(clips)


def test_the_intro_highlights_the_start_and_waits_for_its_speech(coach):
    s, reply = turn_of(Kind.INTRO, coach)
    payload = screen(coach, s, reply)
    assert payload["steps"][0]["current"] and payload["steps"][0]["text"] == coach.current(s).start
    first = payload["timeline"][0]
    assert not first["bar"] and first["ms"] > 0  # the steps are read before the lead-in


# -- the screen never contradicts the voice ------------------------------------------------------


@pytest.fixture(scope="module")
def nlu() -> Nlu:
    return Nlu.load()


@pytest.mark.parametrize("name", list(ASKED))
def test_the_hint_names_the_answers_to_what_the_voice_asked(name, coach, nlu):
    """After pain, at a check-in, at the doctor or leak question, "Did anything hurt?": the
    screen's words are understood as the answers to the question just asked, never "ready"."""
    state, reply = asked_turn(name, coach)
    assert not reply.end_session and state.place.pending != Pending.READY
    status = screen(coach, state, reply)["status"]
    said = QUOTED.findall(status)
    assert "ready" not in said, status
    assert tuple(nlu.understand(words).intent for words in said) == ASKED[name], status


@pytest.mark.parametrize("name", ENDINGS)
def test_a_turn_that_ends_the_session_hints_nothing_and_offers_nothing_next(name, coach):
    state, reply = asked_turn(name, coach)
    assert reply.end_session
    payload = screen(coach, state, reply)
    assert not QUOTED.findall(payload["status"]), payload["status"]
    assert payload["label"] == ""  # no "Up next" once a red flag or a condition ends it


def test_ready_is_on_screen_only_when_the_voice_asks_for_it(coach):
    turns = [turn_of(kind, coach) for kind in Kind]
    turns += [asked_turn(name, coach) for name in (*ASKED, *ENDINGS)]
    hinted = 0
    for state, reply in turns:
        status = screen(coach, state, reply)["status"]
        if "ready" in QUOTED.findall(status):
            hinted += 1
            assert "ready" in reply.text.lower(), status  # the voice asked for it too
    assert hinted  # the rest screen asks for it


# -- directives ---------------------------------------------------------------------------------


def test_render_and_commands_have_amazons_shape(coach):
    s, reply = turn_of(Kind.SET, coach)
    payload = screen(coach, s, reply)
    rendered, follow = screen_directives(payload)
    assert isinstance(rendered, RenderDocumentDirective)
    body = JSON.serialize(rendered)
    assert body["type"] == RENDER and body["token"] == TOKEN
    assert body["datasources"] == {"screen": payload}
    commands = JSON.serialize(follow)
    assert commands["type"] == EXECUTE and commands["token"] == TOKEN
    (sequence,) = commands["commands"]
    animated = [c for c in sequence["commands"] if c["type"] == "AnimateItem"]
    bars = [b for b in payload["timeline"] if b["bar"]]
    assert [c["duration"] for c in animated] == [b["ms"] for b in bars]
    assert {c["componentId"] for c in animated} == {BAR}
    (move,) = animated[0]["value"]
    assert move["property"] == "transform"
    assert sequence["commands"][-1]["value"] == payload["status"]


def test_a_waiting_screen_has_no_commands(coach):
    s, reply = turn_of(Kind.REST, coach)
    assert [d.object_type for d in screen_directives(screen(coach, s, reply))] == [RENDER]


def launch_and_start(apl: bool, **kwargs) -> list:
    skill = build_skill(coach_routine(), coach_phrases(), **kwargs)
    sim = Simulator(in_process(skill), state=SessionState(), apl=apl, length_s=lambda u: 60.0)
    return [sim.say("open back coach"), sim.say("yes")]


def coach_routine():
    from backcoach.skill.domain.routine import load_routine

    return load_routine()


def coach_phrases():
    from backcoach.skill.domain.phrases import load_phrases

    return load_phrases("en-US")


def test_an_echo_show_gets_the_screen_within_alexas_size_limit():
    for turn in launch_and_start(apl=True):
        types = [d["type"] for d in turn.directives]
        assert RENDER in types, types
        assert len(json.dumps(turn.response).encode()) <= MAX_RESPONSE_BYTES
        assert turn.problems == ()


def test_a_speaker_gets_no_apl():
    for turn in launch_and_start(apl=False):
        assert not [d for d in turn.directives if d["type"].startswith("Alexa.Presentation")]


def clip_links(handler_input):
    def url(clip_id: str) -> str:
        shipped = IMAGES.get(clip_id.removeprefix("image:"))
        return f"https://coach.example/images/{shipped}" if shipped else f"{BASE}{clip_id}.mp3"

    return url


def test_player_events_never_carry_apl_and_tracks_carry_metadata():
    skill = build_skill(
        coach_routine(),
        coach_phrases(),
        clip_url=clip_links,
        track_length_s=lambda exercise_id, level: 60.0,
    )
    sim = Simulator(in_process(skill), state=SessionState(), apl=True, length_s=lambda u: 60.0)
    sim.say("open back coach")
    started = sim.say("hands free")
    sim.wait(70)
    assert sim.events, "the player sent no events"
    plays = [d for d in started.directives if d["type"] == "AudioPlayer.Play"]
    for turn in sim.events:
        assert not [d for d in turn.directives if d["type"].startswith("Alexa.Presentation")]
        plays += [d for d in turn.directives if d["type"] == "AudioPlayer.Play"]
    assert len(plays) >= 2  # the first track and the one enqueued behind it
    first_id = coach_routine().exercises[0]
    meta = plays[0]["audioItem"]["metadata"]
    assert meta["title"] == first_id.name.capitalize()
    assert meta["subtitle"].startswith("Level 1 of ")
    assert meta["art"]["sources"][0]["url"] == "https://coach.example/images/art.png"
    assert meta["backgroundImage"]["sources"][0]["url"].endswith("/images/background.png")


# -- images and the preview ----------------------------------------------------------------------


def test_shipped_images_are_the_drawn_ones_and_are_served(tmp_path):
    from backcoach.audio.artwork import IMAGE_DIR
    from backcoach.audio.catalog import AudioCatalog
    from backcoach.audio.manifest import write_manifest

    for name, data in drawings().items():
        assert (IMAGE_DIR / name).read_bytes() == data, f"{name}: run track_art to redraw"
        assert png_size(data)[0] >= 480
    write_manifest(tmp_path, {})
    app = Flask(__name__)
    app.register_blueprint(audio_blueprint(AudioCatalog.load(tmp_path)))
    client = app.test_client()
    r = client.get(f"/images/{IMAGES['art']}")
    assert r.status_code == 200 and r.mimetype == "image/png"
    assert client.get("/images/manifest.json").status_code == 404
    assert client.get("/images/..%2Fserve.py").status_code == 404
    assert image_id("art") == "image:art"


def test_the_preview_evaluates_the_expressions_the_document_uses():
    scope = {"payload": {"s": {"kind": "pain", "on": True, "n": 2}}, "data": {"current": False}}
    assert evaluate("${payload.s.kind == 'pain' ? '#F00' : '#FFF'}", scope) == "#F00"
    assert evaluate("${payload.s.kind != 'pain' && payload.s.on}", scope) is False
    assert evaluate("${!data.current || payload.s.kind == 'x'}", scope) is True
    assert evaluate("Set ${payload.s.n}.", scope) == "Set 2."
    assert evaluate("${payload.s.n}", scope) == 2
    with pytest.raises(PreviewError, match="unbound"):
        evaluate("${payload.s.missing}", scope)


def test_the_preview_fills_the_bar_over_each_clip_in_turn(coach):
    s, reply = turn_of(Kind.INTRO, coach)
    payload = screen(coach, s, reply)
    html = preview_html({"document": document(), "datasources": {"screen": payload}})
    start, runs = 0, []
    for beat in payload["timeline"]:
        if beat["bar"]:
            runs.append(f"fill {beat['ms']}ms linear {start}ms forwards")
        start += beat["ms"]
    assert f"animation:{', '.join(runs)}" in html
    assert 'id="preview-label"' in html
