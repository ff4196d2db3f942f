"""The Echo Show screen as APL directives: the shipped document, the turn's datasource, and
commands that move the progress bar in step with the turn's audio."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from ask_sdk_core.handler_input import HandlerInput

from backcoach.skill.domain.package_data import package_dir

if TYPE_CHECKING:  # imported where a screen is drawn: most first turns have none (issue 22)
    from ask_sdk_model.interfaces.alexa.presentation.apl import (
        ExecuteCommandsDirective,
        RenderDocumentDirective,
    )

TOKEN = "backcoach-screen"
"""Names the rendered document; ExecuteCommands must name the same."""
DOCUMENT = package_dir("backcoach.skill.alexa") / "apl" / "screen.json"
DATASOURCE = "screen"
"""The datasource's key: the document binds `${payload.screen.…}`."""
SET_LINE, BAR, STATUS = "setLine", "barFill", "status"
"""The document's components the commands change: the set counter, the bar's fill, and the
line saying what to do once the audio is over (blank while it plays)."""
EMPTY, FULL = "100%", "0%"
"""The fill's offset when the bar is empty (slid out of its track, which the document mirrors
so that it fills from the left: APL's schema takes no negative dimension) and full."""


@dataclass(frozen=True)
class Viewport:
    """A viewport profile the document is laid out for: Amazon's size range of the profile
    (in dp), as the skill manifest declares it under ALEXA_PRESENTATION_APL."""

    profile: str
    mode: str
    min_width: int
    max_width: int
    min_height: int
    max_height: int


VIEWPORTS = (
    Viewport("hubLandscapeMedium", "HUB", 960, 1279, 600, 959),
    Viewport("hubLandscapeLarge", "HUB", 1280, 1920, 600, 1279),
    Viewport("hubLandscapeXLarge", "HUB", 1920, 2560, 960, 1279),
    Viewport("tvLandscapeXLarge", "TV", 960, 960, 540, 540),
)
"""Where the one fixed landscape layout fits, every kind of screen checked at each profile's
smallest size (tests/integration/test_apl_preview.py). Not declared: hubLandscapeSmall
(960×480, Echo Show 5) and hubRoundSmall, where the left column runs into the footer, and
the portrait hubs, which the two columns leave mostly empty; the document has no viewport
conditions to lay itself out otherwise."""


@cache
def document() -> dict:
    """The APL document, read once from the package."""
    return json.loads(DOCUMENT.read_text(encoding="utf-8"))


def supports_apl(handler_input: HandlerInput) -> bool:
    """Whether the requesting device has a screen that renders APL."""
    context = handler_input.request_envelope.context
    device = context.system.device if context and context.system else None
    interfaces = device.supported_interfaces if device else None
    return bool(interfaces and interfaces.alexa_presentation_apl is not None)


def render(payload: dict) -> RenderDocumentDirective:
    """Show the screen with this datasource (skill/domain/screen.py builds it)."""
    # Imported on first use: APL's models cost ~10 ms of every cold start (issue 22).
    from ask_sdk_model.interfaces.alexa.presentation.apl import RenderDocumentDirective

    return RenderDocumentDirective(
        token=TOKEN, document=document(), datasources={DATASOURCE: payload}
    )


def follow_audio(payload: dict) -> ExecuteCommandsDirective | None:
    """Commands that follow the turn's audio: wait while speech plays; for each clip, show
    its set and fill the bar over the clip's length. None when the turn plays no clips."""
    from ask_sdk_model.interfaces.alexa.presentation.apl import (  # first use (issue 22)
        AnimatedTransformProperty,
        AnimateItemCommand,
        ExecuteCommandsDirective,
        IdleCommand,
        MoveTransformProperty,
        SequentialCommand,
        SetValueCommand,
    )

    commands: list = []
    for beat in payload["timeline"]:
        if not beat["bar"]:
            commands.append(IdleCommand(delay=beat["ms"]))
            continue
        commands.append(
            SetValueCommand(component_id=SET_LINE, object_property="text", value=beat["label"])
        )
        fill = AnimatedTransformProperty(
            object_from=[MoveTransformProperty(translate_x=EMPTY)],
            to=[MoveTransformProperty(translate_x=FULL)],
        )
        commands.append(AnimateItemCommand(component_id=BAR, duration=beat["ms"], value=[fill]))
    if not any(b["bar"] for b in payload["timeline"]):
        return None
    commands.append(
        SetValueCommand(component_id=STATUS, object_property="text", value=payload["status"])
    )
    return ExecuteCommandsDirective(token=TOKEN, commands=[SequentialCommand(commands=commands)])


def screen_directives(payload: dict) -> list:
    """Every directive a turn's screen needs, in order."""
    follow = follow_audio(payload)
    return [render(payload), *([follow] if follow else [])]
