"""The `backcoach audio build` command: its arguments and what it runs."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from backcoach.audio.build.builder import build
from backcoach.audio.build.render import RenderError
from backcoach.audio.build.voices import ENGINES, EngineError, make_voice


def _positive(text: str) -> int:
    """A --jobs value: a whole number of at least 1."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of at least 1, not {text!r}")
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add --engine, --voice, --out and --jobs to the build command's parser."""
    parser.add_argument(
        "--engine",
        choices=ENGINES,
        default="piper",
        help="speech engine: piper (offline, default) or gtts (needs the network)",
    )
    parser.add_argument(
        "--voice",
        type=Path,
        metavar="PATH",
        default=None,
        help="a Piper voice model (.onnx, with its .onnx.json beside it); default en_US joe",
    )
    parser.add_argument(
        "--out",
        type=Path,
        metavar="DIR",
        default=None,
        help="cache directory for the clips and manifest.json",
    )
    parser.add_argument(
        "--jobs",
        type=_positive,
        metavar="N",
        default=None,
        help="threads speaking, rendering and encoding side by side (default: one per core)",
    )


def run(args: argparse.Namespace, routine, phrases, default_dir: Path | str) -> int:
    """Build the audio cache; exit code 0, 2 when the engine fails, 1 when a clip cannot fit."""
    try:
        voice = make_voice(args.engine, getattr(args, "voice", None))
        out = args.out or default_dir
        build(routine, phrases, out, voice, progress=True, jobs=getattr(args, "jobs", None))
    except EngineError as exc:
        print(f"backcoach audio build: {exc}", file=sys.stderr)
        return 2
    except RenderError as exc:
        print(f"backcoach audio build: {exc}", file=sys.stderr)
        return 1
    return 0
