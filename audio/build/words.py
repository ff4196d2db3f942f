"""Spoken words made ready to place: trimmed to their sound and evened out in loudness."""

from __future__ import annotations

import numpy as np

from backcoach.audio.build.ffmpeg import AudioSegment


def samples_of(audio: AudioSegment) -> np.ndarray:
    """The samples of mono 16-bit audio as an int16 array (a view, not a copy)."""
    if audio.channels != 1 or audio.sample_width != 2:
        raise ValueError("need mono 16-bit audio")
    return np.frombuffer(audio.raw_data, dtype=np.int16)


def from_samples(samples: np.ndarray, sample_rate_hz: int) -> AudioSegment:
    """Mono 16-bit audio from int16 samples."""
    data = np.asarray(samples, dtype="<i2").tobytes()
    return AudioSegment(data, sample_width=2, frame_rate=sample_rate_hz, channels=1)


def clipped(canvas: np.ndarray) -> np.ndarray:
    """A mixing canvas (wider ints) as int16 samples; clipped in place: a track is long."""
    return np.clip(canvas, -32768, 32767, out=canvas).astype("<i2")


def window_levels_db(samples: np.ndarray, window: int) -> np.ndarray:
    """RMS level (dBFS) of consecutive windows of `window` samples (the last one padded)."""
    count = -(-len(samples) // window)
    padded = np.zeros(count * window, dtype=np.float64)
    padded[: len(samples)] = samples
    rms = np.sqrt(np.mean((padded.reshape(count, window) / 32768.0) ** 2, axis=1))
    return 20.0 * np.log10(np.maximum(rms, 1e-10))


def trim_silence(
    audio: AudioSegment, below_peak_db: float = 45.0, window_ms: float = 1.0
) -> AudioSegment:
    """The audio from its first to its last window louder than `below_peak_db` under its peak."""
    samples = samples_of(audio)
    window = max(1, round(audio.frame_rate * window_ms / 1000))
    levels = window_levels_db(samples, window) if len(samples) else np.array([-200.0])
    if levels.max() <= -100.0:
        raise ValueError("the audio is silent")
    loud = np.flatnonzero(levels >= levels.max() - below_peak_db)
    start, end = loud[0] * window, min(len(samples), (loud[-1] + 1) * window)
    return from_samples(samples[start:end], audio.frame_rate)


def even_loudness(audio: AudioSegment, target_dbfs: float, peak_max_dbfs: float) -> AudioSegment:
    """The audio at `target_dbfs` RMS, or quieter if its peak would pass `peak_max_dbfs`."""
    gain_db = min(target_dbfs - audio.dBFS, peak_max_dbfs - audio.max_dBFS)
    return audio.apply_gain(gain_db)
