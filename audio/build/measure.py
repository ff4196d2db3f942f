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
