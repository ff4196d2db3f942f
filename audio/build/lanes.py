"""Speech for many texts at once: lanes of phrases, each spoken by a voice session of its own."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor

from backcoach.audio.build.ffmpeg import AudioSegment
from backcoach.audio.build.voices import Voice

LANES = 8
"""How many lanes the texts are dealt into, whatever the number of speakers.

Fixed, so which phrases share a session (and so their exact samples) does not depend on the
machine's core count; each lane costs one model load (~0.3 s)."""


def deal(texts: Iterable[str], lanes: int = LANES) -> list[list[str]]:
    """The distinct texts, in their order, cut into at most `lanes` runs of similar length.

    Runs keep the order so that the first clips' phrases are spoken first: a clip can be
    rendered as soon as its run is done, while later runs are still being spoken.
    """
    distinct = list(dict.fromkeys(texts))
    share = sum(map(len, distinct)) / lanes
    out: list[list[str]] = [[]]
    letters = 0
    for text in distinct:
        if letters + len(text) / 2 > share * len(out) and len(out) < lanes:
            out.append([])
        out[-1].append(text)
        letters += len(text)
    return [lane for lane in out if lane]


def _independent(voice: Voice) -> Voice:
    """A session of the voice whose output depends only on what this lane asks of it."""
    fork = getattr(voice, "independent", None)
    return fork() if callable(fork) else voice


def speak_all(
    voice: Voice,
    texts: Iterable[str],
    speakers: int,
    spoken: Callable[[str, AudioSegment], object],
) -> None:
    """Speak every text once, lanes run by `speakers` threads; `spoken(text, audio)` for each.

    onnxruntime releases the GIL while it computes. A session holds ~250 MB while it speaks a
    long sentence, so the build runs few speakers and gives the other cores to rendering.
    """

    def run(lane: list[str]) -> None:
        speaker = _independent(voice)
        for text in lane:
            spoken(text, speaker.synthesize(text))

    with ThreadPoolExecutor(max(1, speakers), thread_name_prefix="speech") as pool:
        for _ in pool.map(run, deal(texts)):
            pass
