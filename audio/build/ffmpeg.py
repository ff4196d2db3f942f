"""The ffmpeg binary shipped by imageio-ffmpeg, pydub pointed at it, and PCM through it."""

from __future__ import annotations

import subprocess
import warnings
from functools import cache

import imageio_ffmpeg

with warnings.catch_warnings():
    # pydub looks for ffmpeg on PATH at import and warns; we hand it imageio-ffmpeg's binary.
    warnings.simplefilter("ignore", RuntimeWarning)
    warnings.simplefilter("ignore", DeprecationWarning)  # audioop, on Python 3.11 and 3.12
    from pydub import AudioSegment
    from pydub.generators import Sine

__all__ = ["AudioSegment", "Sine", "FfmpegError", "ffmpeg_exe", "run_ffmpeg"]


class FfmpegError(RuntimeError):
    """ffmpeg failed; the message carries its stderr."""


@cache
def ffmpeg_exe() -> str:
    """Path of the ffmpeg binary (no ffprobe comes with it: never use pydub's probing paths)."""
    return imageio_ffmpeg.get_ffmpeg_exe()


AudioSegment.converter = ffmpeg_exe()


def run_ffmpeg(args: list[str], data: bytes = b"", timeout_s: float = 120.0) -> bytes:
    """Run ffmpeg with `args` (input from stdin, output to stdout) and return its stdout."""
    cmd = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", *args]
    try:
        done = subprocess.run(cmd, input=data, capture_output=True, timeout=timeout_s)
    except subprocess.TimeoutExpired as exc:
        raise FfmpegError(f"ffmpeg timed out after {timeout_s:.0f} s") from exc
    if done.returncode != 0:
        err = done.stderr.decode("utf-8", "replace").strip()
        raise FfmpegError(f"ffmpeg failed ({done.returncode}): {err}")
    return done.stdout


def pcm_args(sample_rate_hz: int) -> list[str]:
    """ffmpeg arguments describing mono signed 16-bit little-endian PCM at a rate."""
    return ["-f", "s16le", "-ar", str(sample_rate_hz), "-ac", "1"]


def to_pcm(audio: AudioSegment, sample_rate_hz: int) -> AudioSegment:
    """The same sound as mono 16-bit PCM at `sample_rate_hz` (pydub's own resampler)."""
    return audio.set_channels(1).set_sample_width(2).set_frame_rate(sample_rate_hz)


def decode_audio(data: bytes, sample_rate_hz: int) -> AudioSegment:
    """Decode any audio ffmpeg reads (MP3, WAV ...) to mono 16-bit PCM at `sample_rate_hz`."""
    raw = run_ffmpeg(["-i", "pipe:0", *pcm_args(sample_rate_hz), "pipe:1"], data)
    return AudioSegment(raw, sample_width=2, frame_rate=sample_rate_hz, channels=1)


def atempo(audio: AudioSegment, factor: float) -> AudioSegment:
    """The sound played `factor` times faster at the same pitch (ffmpeg's atempo filter)."""
    if not 0.5 <= factor <= 2.0:
        raise ValueError(f"tempo factor {factor:.2f} outside 0.5..2.0")
    rate = audio.frame_rate
    audio = to_pcm(audio, rate)
    args = [*pcm_args(rate), "-i", "pipe:0", "-af", f"atempo={factor:.4f}", *pcm_args(rate)]
    raw = run_ffmpeg([*args, "pipe:1"], audio.raw_data)
    return AudioSegment(raw, sample_width=2, frame_rate=rate, channels=1)
