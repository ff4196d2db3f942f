"""The Echo Show screen of every kind, previewed in a real browser (Debian's Chromium through
Playwright): the words are on screen, the bar fills over the clips' lengths, and a
screenshot of each is saved (BACKCOACH_SCREENS_DIR=docs/screens rewrites the committed ones)."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
from pathlib import Path

import pytest

from backcoach.skill.alexa.screen_directives import VIEWPORTS, Viewport, render
from backcoach.skill.devtools import apl_preview
from backcoach.skill.devtools import envelopes as env
from backcoach.skill.devtools.apl_preview import VIEWPORT, preview_html
from backcoach.skill.devtools.simulator import SessionState, Simulator
from backcoach.skill.domain.screen import PLAIN, Kind, kind_of, screen
from backcoach.skill.service import make_service
from backcoach.skill.web.app import create_app
from tests.helpers import exercise_slot, provided
from tests.screens import JSON, turn_of

pytestmark = pytest.mark.slow

LABEL_PX = 30
"""Room above the screen for the preview's label."""
RENDER = "Alexa.Presentation.APL.RenderDocument"
OVERFLOW = """() => {
  const screen = document.getElementById('screen').getBoundingClientRect();
  const footer = document.getElementById('footer').getBoundingClientRect();
  const out = [];
  for (const e of document.querySelectorAll('.text, [data-apl=Sequence], #barTrack')) {
    const box = e.getBoundingClientRect();
    // The steps scroll (and are clipped) inside their Sequence: the list itself must fit.
    if (box.width === 0 || e.parentElement.closest('[data-apl=Sequence]')) continue;
    const bottom = e.closest('#footer') ? screen.bottom : footer.top;
    if (box.bottom > bottom + 1 || box.right > screen.right + 1) {
      out.push(`${e.id || e.dataset.apl}: ${Math.round(box.bottom - bottom)}px too low`);
    }
  }
  return out;
}"""
"""What runs off the screen or into the footer (the safety rule and disclaimer)."""


def talk(client):
    """Sends envelopes to the app's endpoint, as Alexa would."""

    def send(envelope: dict) -> dict:
        reply = client.post("/alexa", data=json.dumps(envelope), content_type="application/json")
        assert reply.status_code == 200, reply.get_data(as_text=True)
        return reply.get_json()

    return send


def chromium_path() -> str:
    """Debian's Chromium: BACKCOACH_TEST_CHROMIUM, else `chromium` on the PATH."""
    found = os.environ.get("BACKCOACH_TEST_CHROMIUM") or shutil.which("chromium")
    return provided(found, "chromium", ".ci/chromium.sh")


@pytest.fixture(scope="module")
def browser():
    playwright = pytest.importorskip("playwright.sync_api")
    path = chromium_path()
    with playwright.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=path, args=["--no-sandbox"])
        yield launched
        launched.close()


@pytest.fixture
def page(browser):
    opened = browser.new_page(viewport={"width": VIEWPORT[0], "height": VIEWPORT[1] + LABEL_PX})
    yield opened
    opened.close()


def screens_dir(tmp_path: Path) -> list[Path]:
    """Where screenshots go: the test's folder, and the docs when asked to rewrite them."""
    wanted = os.environ.get("BACKCOACH_SCREENS_DIR")
    return [tmp_path, *([Path(wanted)] if wanted else [])]


@pytest.mark.parametrize("kind", list(Kind))
def test_each_screen_shows_its_words_and_fills_the_bar(kind, coach, page, tmp_path):
    state, reply = turn_of(kind, coach)
    assert kind_of(state, reply) == kind
    payload = screen(coach, state, reply)
    page.set_content(preview_html(JSON.serialize(render(payload))))

    assert page.locator("#preview-label").inner_text().startswith("Preview")
    assert page.locator("#heading").inner_text() == payload["heading"]
    if kind in PLAIN:
        shown = page.locator("#message").inner_text() + page.locator("#doneCount").inner_text()
        assert (payload["message"] or payload["status"]) in shown
        assert page.locator("#barFill").count() == 0
    else:
        assert page.locator("#setLine").inner_text() == payload["setLine"]
        assert page.locator("#counter").inner_text() == payload["counter"]
        current = [s for s in payload["steps"] if s["current"]][0]["text"]
        weight = page.get_by_text(current, exact=True).evaluate(
            "e => getComputedStyle(e).fontWeight"
        )
        assert weight == "700"  # the current step stands out
    # The pain rule is always on screen: the pain screen's message, else the footer.
    safety = page.locator("#message" if kind == Kind.PAIN else "#safety").inner_text()
    assert payload["safety"] in safety

    bars = [b for b in payload["timeline"] if b["bar"]]
    if bars:
        durations = page.locator("#barFill").evaluate(
            "e => e.getAnimations().map(a => a.effect.getTiming().duration)"
        )
        assert durations == [b["ms"] for b in bars]
        # Halfway through the first clip the bar is half full: it moves with the audio.
        first_at = sum(b["ms"] for b in payload["timeline"][: payload["timeline"].index(bars[0])])
        middle = first_at + bars[0]["ms"] / 2
        page.locator("#barFill").evaluate(
            f"e => e.getAnimations().forEach(a => {{ a.pause(); a.currentTime = {middle}; }})"
        )
        fill = page.locator("#barFill").bounding_box()
        track = page.locator("#barTrack").bounding_box()
        assert fill and track
        shown_fraction = (fill["x"] + fill["width"] - track["x"]) / track["width"]
        assert shown_fraction == pytest.approx(0.5, abs=0.02)
    for folder in screens_dir(tmp_path):
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(folder / f"{kind}.png"))
        assert (folder / f"{kind}.png").stat().st_size > 1000


def test_an_echo_show_gets_bars_timed_by_the_built_clips_and_served_track_art(config, service):
    """Through the app with the built audio: the bar fills over each built clip's measured
    length, and a hands-free track's art is an https link the app serves."""
    public = dataclasses.replace(config, public_url="https://coach.example.com")
    client = create_app(public, service=make_service(public)).test_client()
    sim = Simulator(talk(client), state=SessionState(), apl=True, length_s=service.audio_s)
    sim.say("open back coach")
    started = sim.send(
        env.intent_request("StartExerciseIntent", {"exercise": exercise_slot("plank")})
    )
    (render_directive,) = [d for d in started.directives if d["type"] == RENDER]
    timeline = render_directive["datasources"]["screen"]["timeline"]
    clips = started.audio
    bars = [beat["ms"] for beat in timeline if beat["bar"]]
    assert clips and bars == [round(service.audio_s(url) * 1000) for url in clips]

    sim.say("stop")
    played = sim.say("play my back routine")
    (play,) = [d for d in played.directives if d["type"] == "AudioPlayer.Play"]
    art = play["audioItem"]["metadata"]["art"]["sources"][0]["url"]
    assert art == "https://coach.example.com/images/art.png"
    image = client.get(art.removeprefix("https://coach.example.com"))
    assert image.status_code == 200 and image.mimetype == "image/png"


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=lambda v: v.profile)
def test_every_screen_fits_each_declared_viewport(viewport: Viewport, coach, browser, monkeypatch):
    """The manifest declares these profiles: at each one's smallest size every kind of screen
    fits, nothing over the footer or off the edge (the document has one fixed layout)."""
    size = (viewport.min_width, viewport.min_height)
    monkeypatch.setattr(apl_preview, "VIEWPORT", size)
    page = browser.new_page(viewport={"width": size[0], "height": size[1] + LABEL_PX})
    try:
        for kind in Kind:
            state, reply = turn_of(kind, coach)
            page.set_content(preview_html(JSON.serialize(render(screen(coach, state, reply)))))
            assert page.evaluate(OVERFLOW) == [], f"{kind} at {size[0]}x{size[1]}"
    finally:
        page.close()
