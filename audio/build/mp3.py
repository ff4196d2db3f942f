"""Alexa's MP3 formats: encode, decode and check MPEG-2 layer III mono, CBR 48 kbps for SSML
clips and variable-rate for AudioPlayer streams."""

from __future__ import annotations

import os
import threading
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
    STREAM_BITRATE_BPS,
)

SAMPLE_RATE_HZ = AUDIO_SAMPLE_RATES_HZ[0]
"""The rate we render and encode at: the highest Alexa accepts."""
BITRATE_BPS = AUDIO_BITRATE_BPS
ALLOWED_SAMPLE_RATES_HZ = AUDIO_SAMPLE_RATES_HZ
MAX_LENGTH_S = MAX_AUDIO_S
"""An SSML clip cannot be longer than a response may play."""
CODEC_DELAY_SAMPLES = 1105
"""LAME's encoder delay (576) plus the decoder's (529): how late a plain decode starts.

Our clips carry no LAME/Info tag (strict CBR), so no decoder can remove this delay: every
player hears each clip's whole timeline shifted by the same 46 ms. `decode_mp3` removes it,
as a gapless decoder would, so measured onsets compare with the plan. Tracks carry the tag,
and a gapless player (ffmpeg too) removes it itself: within a track every onset keeps its place.
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

TRACK_ENCODE_ARGS = (
    "-codec:a", "libmp3lame", "-q:a", "6.5",
    "-ar", str(SAMPLE_RATE_HZ), "-ac", "1",
    "-id3v2_version", "0", "-map_metadata", "-1",
    "-fflags", "+bitexact", "-flags:a", "+bitexact",
)  # fmt: skip
"""ffmpeg output options for hands-free tracks: LAME VBR quality 6.5, 24 kHz mono, with its
Xing/Info frame (a player reads a variable-rate file's length and seek points from it).

A track is 60 % silence between counts, which VBR sends as 8 kbps frames instead of 48; its
speech still decodes closer to what was rendered than the 48 kbps CBR clips' does (on three
tracks: spectral distance 0.73-1.01 dB against 0.92-1.17, SNR 23-26 dB against 20-21; checked
on a rendered track by tests/integration/test_audio_track.py): under half the bytes, no loss.
Quality 7 would be no better than the clips; 6 costs 6 % more.
"""

TRACK_FALLBACK_ARGS = (
    "-codec:a", "libmp3lame", "-b:a", f"{BITRATE_BPS // 1000}k",
    "-ar", str(SAMPLE_RATE_HZ), "-ac", "1",
    "-id3v2_version", "0", "-map_metadata", "-1",
    "-fflags", "+bitexact", "-flags:a", "+bitexact",
)  # fmt: skip
"""A track so nearly silent that VBR would average under AudioPlayer's 16 kbps floor is sent
as the clips are, at 48 kbps CBR (with its Info frame: a stream need not be strictly CBR)."""

_V2_L3_BITRATES_KBPS = (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160)
_V1_L3_BITRATES_KBPS = (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320)
_RATES_HZ = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}


class Mp3Error(ValueError):
    """A file is not an MP3 we can read."""


def encode_mp3(
    audio: AudioSegment, path: Path | str, encode_args: tuple[str, ...] = ENCODE_ARGS
) -> Path:
    """Encode mono 16-bit 24 kHz audio to `path` (a clip's format unless told), atomically."""
    if (audio.channels, audio.sample_width, audio.frame_rate) != (1, 2, SAMPLE_RATE_HZ):
        raise ValueError(
            f"need mono 16-bit {SAMPLE_RATE_HZ} Hz audio, got {audio.channels} channel(s), "
            f"{8 * audio.sample_width}-bit, {audio.frame_rate} Hz"
        )
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    # To a file, not a pipe: ffmpeg writes a Xing/Info frame only where it can seek back.
    try:
        run_ffmpeg(
            [*pcm_args(SAMPLE_RATE_HZ), "-i", "pipe:0", *encode_args, "-f", "mp3", "-y", str(tmp)],
            audio.raw_data,
        )
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def encode_track(audio: AudioSegment, path: Path | str) -> Path:
    """Encode a hands-free track: variable rate, or CBR if that would average under the floor."""
    path = encode_mp3(audio, path, TRACK_ENCODE_ARGS)
    if average_bitrate_bps(path.read_bytes()) < STREAM_BITRATE_BPS[0]:
        encode_mp3(audio, path, TRACK_FALLBACK_ARGS)
    return path


def average_bitrate_bps(data: bytes) -> float:
    """An MP3's bytes a second, times eight, over all its frames (0 when it has none)."""
    found = list(frames(data))
    seconds = sum(576 / f.sample_rate_hz for f in found)
    return 8 * sum(f.size for f in found) / seconds if seconds else 0.0


def decode_mp3(path: Path | str, strip_codec_delay: bool = True) -> tuple[np.ndarray, int]:
    """Decode an MP3 to mono int16 samples and its sample rate, codec delay removed by default.

    A file with a LAME Info frame (a track) says its own delay, and ffmpeg, like any gapless
    player, removes it whatever `strip_codec_delay` says: only an untagged clip's is ours to cut.
    """
    data = Path(path).read_bytes()
    first = next(frames(data), None)
    if first is None:
        raise Mp3Error(f"{path}: no MPEG audio frame found")
    rate_hz = first.sample_rate_hz
    raw = run_ffmpeg(["-f", "mp3", "-i", "pipe:0", *pcm_args(rate_hz), "pipe:1"], data)
    samples = np.frombuffer(raw, dtype=np.int16)
    cut = strip_codec_delay and not _has_info_frame(data, first)
    return (samples[CODEC_DELAY_SAMPLES:] if cut else samples), rate_hz


def _has_info_frame(data: bytes, first: Frame) -> bool:
    """Whether the first frame is a Xing/Info frame (length, seek points, LAME's delay)."""
    head = data[first.at : first.at + first.size]
    return b"Xing" in head or b"Info" in head


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
    frame_rates = {f.bitrate_bps for f in frames(path.read_bytes())}
    if len(frame_rates) > 1:
        low, high = min(frame_rates), max(frame_rates)
        problems.append(f"not CBR: frame bitrates vary from {low} to {high} bps")
    if info.length > max_length_s:
        problems.append(f"length {info.length:.1f} s (max {max_length_s:g})")
    return problems


def check_stream_mp3(path: Path | str, max_length_s: float) -> list[str]:
    """Problems that would make an AudioPlayer stream of ours fail or play badly (empty when
    fine): MPEG-2 layer III at a rate Alexa takes, an average bitrate within AudioPlayer's
    range, and a Xing/Info frame so that players know a variable-rate file's length."""
    path = Path(path)
    try:
        info = _info(path)
        data = path.read_bytes()
    except (MutagenError, OSError) as exc:
        return [f"not a readable MP3: {exc}"]
    problems = []
    if (info.version, info.layer) != (2, 3):
        problems.append(f"MPEG {info.version:g} layer {info.layer} (need MPEG-2 layer III)")
    if info.sample_rate not in ALLOWED_SAMPLE_RATES_HZ:
        problems.append(f"sample rate {info.sample_rate} Hz")
    first = next(frames(data), None)
    average_bps = average_bitrate_bps(data)
    low, high = STREAM_BITRATE_BPS
    if not low <= average_bps <= high:
        problems.append(f"average bitrate {average_bps:.0f} bps (need {low} to {high})")
    if first is None or not _has_info_frame(data, first):
        problems.append("no Xing/Info frame (players could not tell its length)")
    if info.length > max_length_s:
        problems.append(f"length {info.length:.1f} s (max {max_length_s:g})")
    return problems


class Frame(NamedTuple):
    """One MPEG audio frame header."""

    bitrate_bps: int
    sample_rate_hz: int
    size: int
    at: int
    """Where the frame starts in the file."""


def frames(data: bytes) -> Iterator[Frame]:
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
        yield Frame(bitrate_bps, rate_hz, size, pos)
        pos += size
