"""Alexa's MP3 format: encode, decode and check MPEG-2 layer III, CBR 48 kbps, mono clips."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
from mutagen import MutagenError
from mutagen.mp3 import MP3, BitrateMode

from backcoach.audio.build.ffmpeg import AudioSegment, pcm_args, run_ffmpeg
from backcoach.skill.domain.alexa_limits import (
    AUDIO_BITRATE_BPS,
    AUDIO_SAMPLE_RATES_HZ,
    MAX_AUDIO_S,
)

SAMPLE_RATE_HZ = AUDIO_SAMPLE_RATES_HZ[0]
"""The rate we render and encode at: the highest Alexa accepts."""
BITRATE_BPS = AUDIO_BITRATE_BPS
ALLOWED_SAMPLE_RATES_HZ = AUDIO_SAMPLE_RATES_HZ
MAX_LENGTH_S = MAX_AUDIO_S
"""An SSML clip cannot be longer than a response may play."""
CODEC_DELAY_SAMPLES = 1105
"""LAME's encoder delay (576) plus the decoder's (529): how late a plain decode starts.

Our files carry no LAME/Info tag (strict CBR), so no decoder can remove this delay: every
player hears each clip's whole timeline shifted by the same 46 ms. `decode_mp3` removes it,
as a gapless decoder would, so measured onsets compare with the plan.
"""
ENCODE_ARGS = (
    "-codec:a", "libmp3lame", "-b:a", f"{BITRATE_BPS // 1000}k",
    "-ar", str(SAMPLE_RATE_HZ), "-ac", "1",
    "-write_xing", "0", "-id3v2_version", "0", "-map_metadata", "-1",
    "-fflags", "+bitexact", "-flags:a", "+bitexact",
)  # fmt: skip
"""ffmpeg output options: LAME CBR 48 kbps, 24 kHz mono, no Xing/Info frame, no ID3 tag.

`-write_xing 0` matters: at 24 kHz the LAME Info frame does not fit in 144 bytes, so ffmpeg
writes it as a 64 kbps frame, and the file is no longer 48 kbps throughout.
"""

_V2_L3_BITRATES_KBPS = (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160)
_V1_L3_BITRATES_KBPS = (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320)
_RATES_HZ = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}


class Mp3Error(ValueError):
    """A file is not an MP3 we can read."""


def encode_mp3(audio: AudioSegment, path: Path | str) -> Path:
    """Encode mono 16-bit 24 kHz audio to `path` in Alexa's format, atomically (tmp + rename)."""
    if (audio.channels, audio.sample_width, audio.frame_rate) != (1, 2, SAMPLE_RATE_HZ):
        raise ValueError(
            f"need mono 16-bit {SAMPLE_RATE_HZ} Hz audio, got {audio.channels} channel(s), "
            f"{8 * audio.sample_width}-bit, {audio.frame_rate} Hz"
        )
    path = Path(path)
    data = run_ffmpeg(
        [*pcm_args(SAMPLE_RATE_HZ), "-i", "pipe:0", *ENCODE_ARGS, "-f", "mp3", "pipe:1"],
        audio.raw_data,
    )
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
    return path


def decode_mp3(path: Path | str, strip_codec_delay: bool = True) -> tuple[np.ndarray, int]:
    """Decode an MP3 to mono int16 samples and its sample rate, codec delay removed by default."""
    data = Path(path).read_bytes()
    first = next(_frames(data), None)
    if first is None:
        raise Mp3Error(f"{path}: no MPEG audio frame found")
    rate_hz = first.sample_rate_hz
    raw = run_ffmpeg(["-f", "mp3", "-i", "pipe:0", *pcm_args(rate_hz), "pipe:1"], data)
    samples = np.frombuffer(raw, dtype=np.int16)
    return (samples[CODEC_DELAY_SAMPLES:] if strip_codec_delay else samples), rate_hz


def _info(path: Path | str) -> Any:
    """The stream info mutagen reads from an MP3's frames (MutagenError when there is none).

    Typed Any: mutagen's MPEGInfo sets its fields at run time, undeclared."""
    info = MP3(str(path)).info
    if info is None:
        raise MutagenError("no MPEG frames")
    return info


def mp3_length_s(path: Path | str) -> float:
    """Playing time of an MP3 file, as mutagen measures it from its frames."""
    try:
        return float(_info(path).length)
    except MutagenError as exc:
        raise Mp3Error(f"{path}: {exc}") from exc


def check_mp3(path: Path | str, max_length_s: float = MAX_LENGTH_S) -> list[str]:
    """Problems that would make Alexa refuse this file (empty when it is fine).

    `max_length_s` is Alexa's 240 s for SSML clips; AudioPlayer streams may be longer.
    """
    path = Path(path)
    try:
        info = _info(path)
    except (MutagenError, OSError) as exc:
        return [f"not a readable MP3: {exc}"]
    problems = []
    if info.version != 2:
        problems.append(f"MPEG version {info.version:g} (need 2)")
    if info.layer != 3:
        problems.append(f"layer {info.layer} (need 3)")
    if info.bitrate != BITRATE_BPS:
        problems.append(f"bitrate {info.bitrate} bps (need {BITRATE_BPS})")
    if info.sample_rate not in ALLOWED_SAMPLE_RATES_HZ:
        rates = ", ".join(map(str, ALLOWED_SAMPLE_RATES_HZ))
        problems.append(f"sample rate {info.sample_rate} Hz (need one of {rates})")
    if info.bitrate_mode in (BitrateMode.VBR, BitrateMode.ABR):
        mode = str(info.bitrate_mode).rsplit(".", 1)[-1]
        problems.append(f"bitrate mode {mode} (need CBR)")
    frame_rates = {f.bitrate_bps for f in _frames(path.read_bytes())}
    if len(frame_rates) > 1:
        low, high = min(frame_rates), max(frame_rates)
        problems.append(f"not CBR: frame bitrates vary from {low} to {high} bps")
    if info.length > max_length_s:
        problems.append(f"length {info.length:.1f} s (max {max_length_s:g})")
    return problems


class _Frame(NamedTuple):
    """One MPEG audio frame header."""

    bitrate_bps: int
    sample_rate_hz: int
    size: int


def _frames(data: bytes) -> Iterator[_Frame]:
    """Walk the layer III frame headers of an MP3 byte string (after any ID3v2 tag)."""
    pos = 0
    if data[:3] == b"ID3" and len(data) >= 10:
        size = (data[6] << 21) | (data[7] << 14) | (data[8] << 7) | data[9]
        pos = 10 + size + (10 if data[5] & 0x10 else 0)
    end = len(data) - (128 if data[-128:-125] == b"TAG" else 0)
    while pos + 4 <= end:
        b1, b2 = data[pos + 1], data[pos + 2]
        version = (b1 >> 3) & 3
        if data[pos] != 0xFF or (b1 & 0xE0) != 0xE0 or version == 1 or (b1 >> 1) & 3 != 1:
            pos += 1  # not a layer III header: resync
            continue
        index, rate_index = b2 >> 4, (b2 >> 2) & 3
        if index in (0, 15) or rate_index == 3:
            pos += 1
            continue
        table = _V1_L3_BITRATES_KBPS if version == 3 else _V2_L3_BITRATES_KBPS
        bitrate_bps = table[index] * 1000
        rate_hz = _RATES_HZ[version][rate_index]
        size = (144 if version == 3 else 72) * bitrate_bps // rate_hz + ((b2 >> 1) & 1)
        yield _Frame(bitrate_bps, rate_hz, size)
        pos += size
