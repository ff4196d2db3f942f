"""The whole routine as one MP3, to practise with any speaker."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pydub import AudioSegment

from backcoach.audio.build.mp3 import encode_mp3
from backcoach.audio.build.render import RENDER, WordBank
from backcoach.audio.build.track import Track, render_track, track_id
from backcoach.audio.build.voices import Voice
from backcoach.skill.domain import track_script
from backcoach.skill.domain.coach import Coach

CHAPTER_GAP_S = 2.0
"""Silence between one exercise's track and the next."""


@dataclass(frozen=True)
class Chapter:
    """Where a part of the routine starts in the rendered file."""

    title: str
    start_s: float


def _stamp(seconds: float) -> str:
    return f"{int(seconds // 60):02d}:{seconds % 60:04.1f}"


def render_routine(
    coach: Coach,
    level: int,
    voice: Voice,
    out: Path,
    say: Callable[[str], None] = lambda line: print(line, file=sys.stderr, flush=True),
) -> list[Chapter]:
    """Welcome and disclaimer, every exercise at `level` (clamped per exercise), and the close."""
    bank = WordBank(voice, RENDER)
    silence = AudioSegment.silent(int(CHAPTER_GAP_S * 1000), frame_rate=RENDER.sample_rate_hz)
    safety = coach.routine.safety
    opening = Track(
        "opening",
        (
            coach.say("welcome.new", count=coach.phrasing.exercise_count),
            *coach.phrasing.disclaimer(),
            safety.caution,
        ),
    )
    parts: list[tuple[str, Track]] = [("Welcome", opening)]
    for index, exercise in enumerate(coach.routine.exercises):
        lv = max(0, min(level, len(exercise.dose.levels) - 1))
        script = track_script.track(coach.phrasing, coach.words, index, lv)
        parts.append((exercise.name, Track(track_id(exercise.id, lv), script)))
    done = coach.say("block.done_routine", count=coach.phrasing.exercise_count)
    closing = Track("closing", (done, safety.outcome))
    parts.append(("The end", closing))

    audio = AudioSegment.empty().set_frame_rate(RENDER.sample_rate_hz)
    chapters = []
    for number, (title, track) in enumerate(parts, 1):
        say(f"[{number}/{len(parts)}] {title}")
        rendered, _ = render_track(track, bank)
        chapters.append(Chapter(title, len(audio) / 1000))
        audio += rendered + (silence if number < len(parts) else AudioSegment.empty())
    say(f"encoding {len(audio) / 60000:.1f} min of audio to {out}")
    encode_mp3(audio.set_frame_rate(RENDER.sample_rate_hz), out)
    return chapters


def chapter_lines(chapters: list[Chapter]) -> list[str]:
    """Chapters as `mm:ss.s  title` lines."""
    return [f"{_stamp(c.start_s)}  {c.title}" for c in chapters]
