"""How far a player seeking a variable-rate track by its Xing table lands from a set's start.

A VBR MP3 says where its bytes are only through the Info frame's table of contents: 100
byte positions, one per percent of its length, each to 1/256 of the file. A player asked to
start at a time (Alexa's `offsetInMilliseconds`, when a set is restarted or a stream resumed)
interpolates in that table, as ExoPlayer's XingSeeker does, and lands where those bytes are.
CBR tracks landed exactly; this is what the smaller tracks cost.
"""

from __future__ import annotations

import bisect
import statistics
import struct

from backcoach.audio.build.mp3 import frames as mp3_frames
from backcoach.audio.catalog import SEEK_EARLY_S, AudioCatalog
from benchmarks.figure import Figure

XING_FRAMES, XING_BYTES, XING_TOC = 1, 2, 4


def landing_errors_s(data: bytes, times_s: tuple[float, ...]) -> list[float]:
    """For each time asked, where a table-of-contents seek lands minus the time (s; positive:
    later, the start of what was asked is cut). Empty when the file has no table."""
    frames = list(mp3_frames(data))
    head = data[frames[0].at : frames[0].at + frames[0].size] if frames else b""
    tag = max(head.find(b"Xing"), head.find(b"Info"))
    if tag < 0:
        return []
    flags = struct.unpack(">I", head[tag + 4 : tag + 8])[0]
    at = tag + 8
    count = struct.unpack(">I", head[at : at + 4])[0] if flags & XING_FRAMES else 0
    at += 4 if flags & XING_FRAMES else 0
    size = struct.unpack(">I", head[at : at + 4])[0] if flags & XING_BYTES else len(data)
    at += 4 if flags & XING_BYTES else 0
    if not flags & XING_TOC or not count:
        return []
    toc = list(head[at : at + 100]) + [256]
    rate = frames[0].sample_rate_hz
    length_s = count * 576 / rate
    starts = [f.at for f in frames[1:]]  # the Info frame itself plays nothing
    errors = []
    for time_s in times_s:
        percent = min(time_s / length_s * 100, 99.999)
        low = int(percent)
        byte = (toc[low] + (toc[low + 1] - toc[low]) * (percent - low)) / 256 * size
        frame = max(0, bisect.bisect_right(starts, byte) - 1)
        errors.append(frame * 576 / rate - time_s)
    return errors


def seek_figure(catalog: AudioCatalog) -> Figure:
    """The 90th percentile of |landing error| over every set start of every track, and where
    a restart lands against the lead-in when asked SEEK_EARLY_S before it (as the skill asks:
    `AudioCatalog.seek_starts_s`)."""
    errors, restarts = [], []
    for clip_id, entry in catalog.clips.items():
        if entry.kind != "track":
            continue
        data = (catalog.cache_dir / entry.file).read_bytes()
        errors += landing_errors_s(data, entry.sets_s)
        asked = catalog.seek_starts_s(clip_id)
        restarts += [
            error + ask - start  # landing minus the lead-in's start
            # strict=False: a track without a seek table gives no errors, and no restarts
            for error, ask, start in zip(
                landing_errors_s(data, asked), asked, entry.sets_s, strict=False
            )
        ]
    sizes = sorted(abs(e) for e in errors) or [0.0]
    late = max(errors, default=0.0)
    return Figure(
        "a table-of-contents seek to a set start: landing error, 90th percentile",
        sizes[int(0.9 * (len(sizes) - 1))],
        "s",
        note=(
            f"{len(errors)} set starts; median {statistics.median(sizes):.2f} s, "
            f"worst {sizes[-1]:.2f} s, latest landing {late:+.2f} s; a restart asked "
            f"{SEEK_EARLY_S} s early lands {min(restarts, default=0.0):+.2f} to "
            f"{max(restarts, default=0.0):+.2f} s from the lead-in, "
            f"{sum(r > 0 for r in restarts)} of {len(restarts)} after it"
        ),
    )
