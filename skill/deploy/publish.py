"""`backcoach audio publish`: the built MP3s and the shipped images to S3, where Alexa fetches
them when the skill runs on AWS Lambda (BACKCOACH_PUBLIC_URL is the https URL of the prefix)."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from importlib.resources.abc import Traversable
from pathlib import Path
from urllib.parse import urlsplit

from backcoach.audio.artwork import IMAGE_DIR, IMAGES
from backcoach.audio.catalog import BUILD_HINT
from backcoach.audio.manifest import ManifestError, read_manifest

CONTENT_TYPE = "audio/mpeg"
CACHE_CONTROL = "public, max-age=31536000, immutable"
"""A clip's file name carries its content's hash: a name never changes what it holds."""

IMAGE_CACHE_CONTROL = "public, max-age=86400"
"""An image keeps its name when redrawn: cached for a day, not for ever."""

DEFAULT_REGION = "us-east-1"
"""S3's region when neither --region nor AWS_REGION / AWS_DEFAULT_REGION says."""


class PublishError(RuntimeError):
    """The audio cannot be published; the message names the bucket, file or setting."""


@dataclass(frozen=True)
class Published:
    """What a publish did."""

    uploaded: int
    skipped: int
    """Files already there with the same size and ETag (the MD5 of a single-part upload)."""


@dataclass(frozen=True)
class Upload:
    """One file to publish: its bytes, where it goes under the prefix, how it is served."""

    data: bytes
    key: str
    content_type: str
    cache_control: str


def parse_s3_url(url: str) -> tuple[str, str]:
    """`s3://BUCKET/PREFIX` -> (bucket, prefix without slashes at its ends)."""
    parts = urlsplit(url)
    if parts.scheme != "s3" or not parts.netloc or parts.query or parts.fragment:
        raise PublishError(f"not an S3 location {url!r}: use s3://BUCKET/PREFIX")
    return parts.netloc, parts.path.strip("/")


def clip_files(audio_dir: Path) -> list[Path]:
    """Every MP3 the manifest in `audio_dir` lists, all present (PublishError otherwise)."""
    try:
        entries = read_manifest(audio_dir)
    except FileNotFoundError:
        raise PublishError(f"no audio manifest in {audio_dir}: {BUILD_HINT}") from None
    except (OSError, ManifestError) as exc:
        raise PublishError(f"unreadable audio manifest in {audio_dir}: {exc}") from None
    files = [audio_dir / name for name in sorted({e.file for e in entries.values()})]
    missing = [f.name for f in files if not f.is_file()]
    if missing:
        raise PublishError(
            f"{len(missing)} clips of the manifest are not in {audio_dir} ({missing[0]} …):"
            f" {BUILD_HINT}"
        )
    return files


def uploads(audio_dir: Path) -> Iterator[Upload]:
    """The clips under `audio/` and the shipped images under `images/`, as the skill links
    them from BACKCOACH_PUBLIC_URL (clips of a few hundred KB: read whole)."""
    for path in clip_files(audio_dir):
        yield Upload(path.read_bytes(), f"audio/{path.name}", CONTENT_TYPE, CACHE_CONTROL)
    for name in sorted(IMAGES.values()):
        image: Traversable = IMAGE_DIR / name
        yield Upload(image.read_bytes(), f"images/{name}", "image/png", IMAGE_CACHE_CONTROL)


def publish(
    audio_dir: Path, url: str, *, endpoint_url: str | None = None, region: str | None = None
) -> Published:
    """Upload the clips and images under s3://BUCKET/PREFIX, skipping those already there."""
    import boto3
    from botocore.exceptions import BotoCoreError, ClientError

    bucket, prefix = parse_s3_url(url)
    files = list(uploads(audio_dir))
    region = region or os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
    s3 = boto3.client("s3", endpoint_url=endpoint_url, region_name=region or DEFAULT_REGION)
    under = f"{prefix}/" if prefix else ""
    uploaded = skipped = 0
    try:
        there: dict[str, tuple[int, str]] = {}
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=under):
            for obj in page.get("Contents", ()):
                there[obj["Key"]] = (obj["Size"], obj["ETag"].strip('"'))
        for upload in files:
            key = under + upload.key
            md5 = hashlib.md5(upload.data, usedforsecurity=False).hexdigest()
            if there.get(key) == (len(upload.data), md5):
                skipped += 1
                continue
            s3.put_object(
                Bucket=bucket,
                Key=key,
                Body=upload.data,
                ContentType=upload.content_type,
                CacheControl=upload.cache_control,
            )
            uploaded += 1
    except (BotoCoreError, ClientError) as exc:
        raise PublishError(f"cannot publish to {url}: {exc}") from None
    return Published(uploaded, skipped)
