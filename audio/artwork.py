"""The images shipped for hands-free tracks (art and background on a screen device)."""

from __future__ import annotations

from pathlib import Path

from backcoach.skill.domain.package_data import package_dir

IMAGE_DIR = package_dir("backcoach.audio") / "images"
"""Where the drawn images ship (package data; skill/devtools/track_art.py draws them)."""
IMAGES = {"art": "art.png", "background": "background.png"}
"""Role -> file name: the only names the /images route serves."""
IMAGE_PREFIX = "image:"
"""Marks an image's id among clip ids, so one link maker gives both (service.clip_links)."""


def image_id(role: str) -> str:
    """The id an image is linked by ("image:art")."""
    return IMAGE_PREFIX + role


def image_file(link_id: str) -> str | None:
    """The file name an image id names, or None when it names no shipped image."""
    if not link_id.startswith(IMAGE_PREFIX):
        return None
    return IMAGES.get(link_id.removeprefix(IMAGE_PREFIX))


def image_path(file_name: str) -> Path | None:
    """The shipped file of an image, or None for any other name."""
    return IMAGE_DIR / file_name if file_name in IMAGES.values() else None
