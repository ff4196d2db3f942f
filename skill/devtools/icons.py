"""The skill's store icons, drawn in code so they are reproducible: `python -m` rewrites them."""

from __future__ import annotations

import struct
import zlib
from importlib.resources import files
from pathlib import Path

ICON_SIZES = {"small": 108, "large": 512}
"""The two icons Alexa's store asks for, by role, in pixels (square PNGs)."""
ASSETS = files("backcoach.skill.devtools") / "skill_assets"
"""Where the drawn icons ship (package data)."""

BACKGROUND = (31, 95, 168)
VERTEBRA = (255, 255, 255)
VERTEBRAE = 5


def icon_file(role: str) -> str:
    """The shipped file name of the icon for a role (`small` or `large`)."""
    return f"{role}-icon.png"


def _inside_vertebra(x: float, y: float) -> bool:
    """Whether a point (0..1 across and down) falls on one of the stacked vertebrae: a spine."""
    band = (y - 0.14) / 0.72 * VERTEBRAE
    if not 0 <= band < VERTEBRAE or band % 1 > 0.72:
        return False
    half_width = 0.16 + 0.03 * abs(int(band) - VERTEBRAE // 2)  # the middle ones narrowest
    return abs(x - 0.5) <= half_width


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def draw_icon(size: int) -> bytes:
    """A square 8-bit RGB PNG of the icon, `size` pixels across."""
    rows = bytearray()
    for j in range(size):
        rows.append(0)  # filter type None for every scanline
        for i in range(size):
            on = _inside_vertebra((i + 0.5) / size, (j + 0.5) / size)
            rows += bytes(VERTEBRA if on else BACKGROUND)
    return encode_png(size, size, bytes(rows))


def encode_png(width: int, height: int, rows: bytes) -> bytes:
    """An 8-bit RGB PNG from its scanlines, each led by its filter byte."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"".join(
        [
            b"\x89PNG\r\n\x1a\n",
            _chunk(b"IHDR", header),
            _chunk(b"IDAT", zlib.compress(rows, 9)),
            _chunk(b"IEND", b""),
        ]
    )


def png_size(data: bytes) -> tuple[int, int]:
    """(width, height) of a PNG, read from its header; ValueError when it is not a PNG."""
    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        raise ValueError("not a PNG file")
    width, height = struct.unpack(">II", data[16:24])
    return width, height


if __name__ == "__main__":
    target = Path(str(ASSETS))
    for role, size in ICON_SIZES.items():
        (target / icon_file(role)).write_bytes(draw_icon(size))
        print(target / icon_file(role))
