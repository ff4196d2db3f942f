"""Speech for many texts at once: lanes of words, each spoken by a voice session of its own."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from backcoach.audio.build.ffmpeg import AudioSegment
from backcoach.audio.build.voices import Voice

LANES = 8
"""How many lanes the texts are dealt into, whatever the number of workers.

Fixed, so which words share a session (and so their exact samples) does not depend on the
machine's core count; more lanes than cores costs one model load each (~0.3 s)."""

Shaped = TypeVar("Shaped")


def deal(texts: Iterable[str], lanes: int = LANES) -> list[list[str]]:
    """The distinct texts in `lanes` lists of similar total length, in an order of their own.

    Longest first, each to the lane with the fewest letters so far: the result depends only on
    the set of texts, not on the order they were asked for in.
    """
    load = [0] * lanes
    out: list[list[str]] = [[] for _ in range(lanes)]
    for text in sorted(set(texts), key=lambda t: (-len(t), t)):
        lane = load.index(min(load))
        out[lane].append(text)
        load[lane] += len(text)
    return [lane for lane in out if lane]


def _independent(voice: Voice) -> Voice:
    """A session of the voice whose output depends only on what this lane asks of it."""
    fork = getattr(voice, "independent", None)
    return fork() if callable(fork) else voice


def speak_all(
    voice: Voice,
    texts: Iterable[str],
    jobs: int,
    shape: Callable[[AudioSegment], Shaped],
    tick: Callable[[], object] = lambda: None,
) -> dict[str, Shaped]:
    """Every text spoken once and passed through `shape`, lanes run by `jobs` threads.

    `tick` is called after each text (from the worker threads), for a progress bar.

    onnxruntime and numpy release the GIL while they compute, so threads use every core; each
    lane's session is dropped when the lane is done.
    """

    def run(lane: list[str]) -> list[tuple[str, Shaped]]:
        speaker = _independent(voice)
        done = []
        for text in lane:
            done.append((text, shape(speaker.synthesize(text))))
            tick()
        return done

    spoken: dict[str, Shaped] = {}
    with ThreadPoolExecutor(max(1, jobs), thread_name_prefix="speech") as pool:
        for done in pool.map(run, deal(texts)):
            spoken.update(done)
    return spoken
