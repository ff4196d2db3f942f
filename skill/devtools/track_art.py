"""The hands-free tracks' art and background, drawn in code so they are reproducible:
`python -m backcoach.skill.devtools.track_art` rewrites them."""

from __future__ import annotations

from pathlib import Path

from backcoach.audio.artwork import IMAGE_DIR, IMAGES
from backcoach.skill.devtools.icons import BACKGROUND, draw_icon, encode_png

ART_SIZE = 480
"""Alexa's recommended album art is square, 480 px or more."""
BACKGROUND_SIZE = (1024, 640)
"""Alexa's recommended background image is 1024 × 640 px."""
SHADE = (20, 32, 46)
"""The background's dark end (the APL screen's colour)."""


def draw_background(width: int, height: int) -> bytes:
    """A calm gradient from the icon's blue down to the screen's dark, as an RGB PNG."""
    rows = bytearray()
    for j in range(height):
        t = j / max(1, height - 1)
        colour = bytes(round(a + (b - a) * t) for a, b in zip(BACKGROUND, SHADE, strict=True))
        rows.append(0)
        rows += colour * width
    return encode_png(width, height, bytes(rows))


def drawings() -> dict[str, bytes]:
    """Every shipped image, by file name."""
    return {
        IMAGES["art"]: draw_icon(ART_SIZE),
        IMAGES["background"]: draw_background(*BACKGROUND_SIZE),
    }


if __name__ == "__main__":
    target = Path(str(IMAGE_DIR))
    for name, data in drawings().items():
        (target / name).write_bytes(data)
        print(target / name)
