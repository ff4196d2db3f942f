"""Print the transcript of a person's first session and of their tenth, with words per turn.

Run by hand after an audio build (`make audio`):
`.venv/bin/python benchmarks/transcripts.py [--audio-dir var/audio] [--sessions 10]`.

Each session opens the skill and walks the whole routine as a person who always says "ready"
and "yes" (and "no" to "Did anything hurt?": nothing did); a day passes between sessions.
Words are the spoken words of each turn (the precomputed clips are listed by name and length,
not counted as words).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from backcoach.skill.config import Config
from backcoach.skill.devtools.simulator import Simulator, Turn, in_process
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
        answer = "no" if "hurt" in question else "ready" if "ready" in question else "yes"
        turns.append(sim.say(answer))
    return turns


def show(title: str, turns: list[Turn], clip_s) -> None:
    """The transcript as Markdown: who said what, words per turn, clips played."""
    print(f"#### {title}\n")
    print("| you say | Back Coach says | words | clips |")
    print("| --- | --- | ---: | --- |")
    for turn in turns:
        said = turn.match.utterance if turn.match else turn.intent
        clips = sum(clip_s(url) or 0.0 for url in turn.audio)
        played = f"{len(turn.audio)} ({clips:.0f} s)" if turn.audio else ""
        print(f"| {said} | {turn.speech} | {len(turn.speech.split())} | {played} |")
    print(f"\n{sum(len(t.speech.split()) for t in turns)} words in {len(turns)} turns.\n")


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
                show(f"Session {n}", turns, service.audio_s)
            clock.now += timedelta(days=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
