"""`backcoach audio publish`: the built MP3s to S3, where Alexa fetches them on AWS Lambda."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from backcoach.audio.catalog import BUILD_HINT
from backcoach.audio.manifest import ManifestError, read_manifest

CONTENT_TYPE = "audio/mpeg"
CACHE_CONTROL = "public, max-age=31536000, immutable"
"""A clip's file name carries its content's hash: a name never changes what it holds."""

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


def parse_s3_url(url: str) -> tuple[str, str]:
    """`s3://BUCKET/PREFIX` -> (bucket, prefix without slashes at its ends)."""
    parts = urlsplit(url)
    if parts.scheme != "s3" or not parts.netloc or parts.query or parts.fragment:
        raise PublishError(f"not an S3 location {url!r}: use s3://BUCKET/PREFIX")
    return parts.netloc, parts.path.strip("/")


def _md5(path: Path) -> str:
    h = hashlib.md5(usedforsecurity=False)
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


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


def publish(
    audio_dir: Path, url: str, *, endpoint_url: str | None = None, region: str | None = None
) -> Published:
    """Upload the built clips under s3://BUCKET/PREFIX, skipping those already there."""
    import boto3
    from botocore.exceptions import BotoCoreError, ClientError

    bucket, prefix = parse_s3_url(url)
    files = clip_files(audio_dir)
    region = region or os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
    s3 = boto3.client("s3", endpoint_url=endpoint_url, region_name=region or DEFAULT_REGION)
    key_of = {f: f"{prefix}/{f.name}" if prefix else f.name for f in files}
    uploaded = skipped = 0
    try:
        there: dict[str, tuple[int, str]] = {}
        pages = s3.get_paginator("list_objects_v2").paginate(
            Bucket=bucket, Prefix=f"{prefix}/" if prefix else ""
        )
        for page in pages:
            for obj in page.get("Contents", ()):
                there[obj["Key"]] = (obj["Size"], obj["ETag"].strip('"'))
        for path, key in key_of.items():
            if there.get(key) == (path.stat().st_size, _md5(path)):
                skipped += 1
                continue
            with path.open("rb") as body:
                s3.put_object(
                    Bucket=bucket,
                    Key=key,
                    Body=body,
                    ContentType=CONTENT_TYPE,
                    CacheControl=CACHE_CONTROL,
                )
            uploaded += 1
    except (BotoCoreError, ClientError) as exc:
        raise PublishError(f"cannot publish to {url}: {exc}") from None
    return Published(uploaded, skipped)
