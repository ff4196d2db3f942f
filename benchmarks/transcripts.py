"""Print the transcript of a person's first session and of their tenth, with words per turn.

Run by hand after an audio build (`make audio`):
`.venv/bin/python benchmarks/transcripts.py [--audio-dir var/audio] [--sessions 10]`.

Each session opens the skill and walks the whole routine as a person who always says "ready"
and "yes" ("about right" to "How was that?", "no" to "Did anything hurt?" and to a reminder); a
day passes between sessions.
Words are the spoken words of each turn (the precomputed clips are listed by name and length,
not counted as words).
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from backcoach.skill.config import Config
from backcoach.skill.devtools.simulator import Simulator, Turn, in_process
from backcoach.skill.domain.hands_free import track_id
from backcoach.skill.service import AudioMissing, make_service
from backcoach.skill.web.app import RequestContext

PUBLIC_URL = "https://coach.example.com"


class Clock:
    """A clock that moves only when told (a day between sessions)."""

    def __init__(self) -> None:
        self.now = datetime(2026, 3, 2, 18, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def walk(sim: Simulator) -> list[Turn]:
    """One session: open the skill, then "yes" or "ready" until the session ends (nothing
    hurts)."""
    turns = [sim.say("open back coach")]
    while not turns[-1].ends_session and len(turns) < 40:
        question = turns[-1].speech.rsplit(".", 1)[-1].lower()
        declined = "hurt" in question or turns[-1].speech.endswith("at this time.")
        answer = "no" if declined else "ready" if "ready" in question else "yes"
        if "easy, about right, or hard" in question:
            answer = "about right"
        turns.append(sim.say(answer))
    return turns


SPEECH_WORDS_PER_S = 2.5
"""How fast Alexa speaks (about 150 words a minute)."""


def to_first_count_s(turn: Turn, clip_s, onsets_s) -> float | None:
    """Seconds from the end of what the person said to the first count of the work (or, for
    reps without a counted hold, the first movement cue): the speech before the clips, the
    clips before the first set, and where its first count falls."""
    before, _, _ = turn.ssml.partition("<audio")
    at = len(re.sub(r"<[^>]+>", " ", before).split()) / SPEECH_WORDS_PER_S
    for url in turn.audio:
        name = url.rsplit("/", 1)[-1]
        if name.startswith(("hold-", "reps-")):
            onsets = onsets_s(url)
            return at + (onsets[0] if onsets else 0.0)
        at += clip_s(url) or 0.0
    return None


def show(title: str, turns: list[Turn], clip_s, onsets_s) -> None:
    """The transcript as Markdown: who said what, words per turn, clips played, and how long
    until the first count."""
    print(f"#### {title}\n")
    print("| you say | Back Coach says | words | clips | first count |")
    print("| --- | --- | ---: | --- | ---: |")
    for turn in turns:
        said = turn.match.utterance if turn.match else turn.intent
        clips = sum(clip_s(url) or 0.0 for url in turn.audio)
        played = f"{len(turn.audio)} ({clips:.0f} s)" if turn.audio else ""
        first = to_first_count_s(turn, clip_s, onsets_s)
        counted = f"{first:.0f} s" if first is not None else ""
        print(f"| {said} | {turn.speech} | {len(turn.speech.split())} | {played} | {counted} |")
    print(f"\n{sum(len(t.speech.split()) for t in turns)} words in {len(turns)} turns.\n")


def hands_free_tracks(sim: Simulator) -> tuple[Turn, list[str]]:
    """One hands-free session: the opening, and the id of every track played to its end."""
    opening = sim.say("ask back coach to play my back routine")
    tokens = [sim.player.token]
    for event in sim.play_to_end():
        token = event.request["request"].get("token", "")
        if event.intent == "AudioPlayer.PlaybackStarted" and token not in tokens:
            tokens.append(token)
    # A token names the exercise, level and variant: bc1:<routine>:<exercise>:<level>:<run>[:b].
    parts = [token.split(":") for token in tokens]
    return opening, [track_id(p[2], int(p[3]), brief=len(p) == 6) for p in parts]


def show_hands_free(title: str, opening: Turn, tracks: list[str], catalog) -> None:
    """A hands-free session as Markdown: the opening's words, then each track, with when its
    first set's lead-in starts (its first count follows the lead-in)."""
    words = len(opening.speech.split())
    opening_s = words / SPEECH_WORDS_PER_S
    print(f"#### {title}\n")
    print(f"Opening ({words} words, about {opening_s:.0f} s): {opening.speech}\n")
    print("| track | length | first set's lead-in at |")
    print("| --- | ---: | ---: |")
    for track in tracks:
        entry, starts = catalog.clip(track), catalog.set_starts_s(track)
        length = f"{entry.duration_s:.0f} s" if entry else "?"
        first = f"{starts[0]:.0f} s" if starts else ""
        print(f"| {track} | {length} | {first} |")
    print()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--audio-dir", type=Path, default=Path("var/audio"))
    parser.add_argument("--sessions", type=int, default=10)
    args = parser.parse_args(argv)
    clock = Clock()
    with tempfile.TemporaryDirectory() as data:
        config = Config(verify=False, audio_dir=args.audio_dir, data_dir=Path(data))
        try:
            service = make_service(config, clock=clock)
        except AudioMissing as error:
            print(f"transcripts: {error}", file=sys.stderr)
            return 2
        send = in_process(service.skill, RequestContext(base_url=PUBLIC_URL))
        sim = Simulator(send, length_s=service.audio_s)
        for n in range(1, args.sessions + 1):
            turns = walk(sim)
            if n in (1, args.sessions):
                show(f"Session {n}", turns, service.audio_s, service.onsets_s)
            clock.now += timedelta(days=1)
        # The same person's story hands-free: a new person, a session a day.
        played = Simulator(send, length_s=service.audio_s)
        for n in range(1, args.sessions + 1):
            opening, tracks = hands_free_tracks(played)
            if n in (1, args.sessions):
                show_hands_free(f"Hands-free, session {n}", opening, tracks, service.catalog)
            clock.now += timedelta(days=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
