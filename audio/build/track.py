"""Hands-free tracks: an exercise's spoken steps, pauses and timed clips, one after the other."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from backcoach.audio.build.ffmpeg import AudioSegment
from backcoach.audio.build.render import (
    RENDER,
    RenderParams,
    WordBank,
    render_segment,
    segment_texts,
)
from backcoach.audio.build.words import clipped, from_samples, samples_of
from backcoach.skill.domain import track_script
from backcoach.skill.domain.coach import Coach
from backcoach.skill.domain.hands_free import track_id
from backcoach.skill.domain.plan import Segment

SENTENCE_GAP_S = 0.45
"""Silence between two spoken sentences."""
CLIP_GAP_S = 0.6
"""Silence around a timed clip."""
MAX_TRACK_S = 3600.0
"""AudioPlayer streams have no 240 s limit; this only catches a runaway plan."""

Item = str | float | Segment


@dataclass(frozen=True)
class Track:
    """One exercise at one level, as a single stream for AudioPlayer."""

    clip_id: str
    """`track-<exercise id>-<level>`."""
    items: tuple[Item, ...]
    """Sentences, pauses (seconds) and timed clips, in order."""
    kind: str = "track"

    def layout(self, sentence_s: dict[str, float]) -> list[tuple[float, Item | None]]:
        """Start time of each item, given how long each sentence takes to say; then the end."""
        t, previous = 0.0, None
        out: list[tuple[float, Item | None]] = []
        for item in self.items:
            if previous is not None and not isinstance(item, float):
                clip_edge = isinstance(item, Segment) or isinstance(previous, Segment)
                t += CLIP_GAP_S if clip_edge else SENTENCE_GAP_S
            out.append((round(t, 3), item))
            if isinstance(item, float):
                t += item
            elif isinstance(item, Segment):
                t += item.duration_s
            else:
                t += sentence_s[item]
            previous = None if isinstance(item, float) else item
        out.append((round(t, 3), None))
        return out

    def onsets(self, sentence_s: dict[str, float]) -> tuple[float, ...]:
        """Every timed count's onset within the whole track."""
        return tuple(
            round(start + at, 3)
            for start, item in self.layout(sentence_s)
            if isinstance(item, Segment)
            for at in item.onsets_s
        )

    @property
    def has_sets(self) -> bool:
        """True when the track plays at least one set (so it has set starts)."""
        return any(isinstance(i, Segment) and i.is_set for i in self.items)

    def set_starts(self, sentence_s: dict[str, float]) -> tuple[float, ...]:
        """When each set starts within the track: its lead-in, or else its first cue."""
        starts: list[float] = []
        lead_in: float | None = None
        for start, item in self.layout(sentence_s):
            if not isinstance(item, Segment):
                continue
            if item.kind == "lead_in":
                lead_in = start
            elif item.is_set:
                first_cue = start + (item.cues[0].at_s if item.cues else 0.0)
                starts.append(round(first_cue if lead_in is None else lead_in, 3))
                lead_in = None
        return tuple(starts)

    def to_json(self) -> list:
        """Plain data describing everything audible, for the content hash."""
        return [_item_json(i) for i in self.items]


def _item_json(item: Item) -> dict:
    if isinstance(item, float):
        return {"pause_s": item}
    if isinstance(item, Segment):
        cues = [[c.at_s, c.text, c.kind] for c in item.cues]
        return {"clip": item.clip_id, "s": item.duration_s, "cues": cues}
    return {"say": item}


def all_tracks(coach: Coach) -> dict[str, Track]:
    """A track for every exercise at every level, full and brief."""
    out = {}
    for index, exercise in enumerate(coach.routine.exercises):
        for level in range(len(exercise.dose.levels)):
            tid = track_id(exercise.id, level)
            out[tid] = Track(tid, track_script.track(coach.phrasing, coach.words, index, level))
            brief = track_id(exercise.id, level, brief=True)
            script = track_script.track(coach.phrasing, coach.words, index, level, brief=True)
            out[brief] = Track(brief, script)
    return out


def track_texts(track: Track) -> list[str]:
    """Every sentence and phrase the voice must speak for the track."""
    return [
        text
        for item in track.items
        if not isinstance(item, float)
        for text in (segment_texts(item) if isinstance(item, Segment) else [item])
    ]


def sentence_lengths(track: Track, bank: WordBank) -> dict[str, float]:
    """How long each sentence of the track takes, as the voice says it."""
    return {i: len(bank.word(i)) / 1000 for i in track.items if isinstance(i, str)}


def render_track(
    track: Track, bank: WordBank, params: RenderParams = RENDER
) -> tuple[AudioSegment, tuple[float, ...]]:
    """The track as one stream, and the onsets of its timed counts."""
    rate = params.sample_rate_hz
    lengths = sentence_lengths(track, bank)
    layout = track.layout(lengths)
    canvas = np.zeros(round(layout[-1][0] * rate) + rate // 2, dtype=np.int32)
    for start, item in layout:
        if item is None or isinstance(item, float):
            continue
        sound = render_segment(item, bank, params) if isinstance(item, Segment) else bank.word(item)
        samples = samples_of(sound)
        begin = round(start * rate)
        canvas[begin : begin + len(samples)] += samples[: len(canvas) - begin]
    audio = from_samples(clipped(canvas), rate)
    return audio, track.onsets(lengths)
