"""Onsets measured in rendered audio: where sound rises above a threshold after silence."""

from __future__ import annotations

import numpy as np

from backcoach.audio.build.words import window_levels_db


def onsets_s(
    samples: np.ndarray,
    sample_rate_hz: int,
    threshold_dbfs: float = -50.0,
    window_ms: float = 1.0,
    min_silence_ms: float = 60.0,
) -> tuple[float, ...]:
    """Start times (s) of sounds that follow at least `min_silence_ms` below `threshold_dbfs`.

    Levels are RMS over `window_ms` windows; the audio's start counts as silence before it.
    """
    window = max(1, round(sample_rate_hz * window_ms / 1000))
    if not len(samples):
        return ()
    loud = window_levels_db(np.asarray(samples), window) >= threshold_dbfs
    quiet_needed = max(1, round(min_silence_ms / window_ms))
    found: list[float] = []
    quiet_run = quiet_needed  # the start of the audio counts as silence
    for i, is_loud in enumerate(loud):
        if not is_loud:
            quiet_run += 1
            continue
        if quiet_run >= quiet_needed:
            found.append(i * window / sample_rate_hz)
        quiet_run = 0
    return tuple(found)


def speech_error_db(
    source: np.ndarray, decoded: np.ndarray, sample_rate_hz: int, frame: int = 512
) -> tuple[float, float]:
    """How far decoded audio is from its source where there is speech: the log-spectral
    distance (dB, energy-weighted, up to 11 kHz: the voice's band) and the signal-to-noise
    ratio (dB), over frames whose peak is above -40 dBFS. Same length and alignment assumed."""
    n = min(len(source), len(decoded)) // frame * frame
    src = np.asarray(source[:n], dtype=float).reshape(-1, frame)
    out = np.asarray(decoded[:n], dtype=float).reshape(-1, frame)
    speech = np.abs(src).max(axis=1) > 32768 * 10 ** (-40 / 20)
    src, out = src[speech], out[speech]
    band = slice(1, int(11_000 / sample_rate_hz * frame))
    window = np.hanning(frame)
    s_mag = np.abs(np.fft.rfft(src * window, axis=1))[:, band] + 1e-3
    o_mag = np.abs(np.fft.rfft(out * window, axis=1))[:, band] + 1e-3
    weight = s_mag**2 / (s_mag**2).sum(axis=1, keepdims=True)
    distance = 20 * np.log10(s_mag / o_mag)
    lsd_db = float(np.sqrt((distance**2 * weight).sum(axis=1)).mean())
    snr_db = float(10 * np.log10((src**2).sum() / ((src - out) ** 2).sum()))
    return lsd_db, snr_db
