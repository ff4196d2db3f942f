"""`backcoach package lambda`: a zip AWS Lambda runs, the serving code and its dependencies."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import zipfile
from importlib.resources.abc import Traversable
from pathlib import Path

from backcoach.audio.catalog import BUILD_HINT
from backcoach.audio.manifest import MANIFEST_NAME, ManifestError, read_manifest
from backcoach.skill.web.lambda_entry import BUNDLE_DIR, BUNDLED

ZIP_LIMIT_BYTES = 50 * 1024 * 1024
"""The largest zip Lambda takes uploaded directly (not through S3)."""


class PackageError(RuntimeError):
    """The package cannot be built; the message says what is missing or what failed."""


def checkout() -> Path | None:
    """The source checkout this installation runs from (an editable install), or None."""
    import backcoach.skill

    root = Path(backcoach.skill.__file__).resolve().parents[1]
    return root if (root / "pyproject.toml").is_file() and (root / "skill").is_dir() else None


def _pip(*args: str) -> None:
    """Run pip in this interpreter; PackageError with pip's last words when it fails."""
    done = subprocess.run(
        [sys.executable, "-m", "pip", "--disable-pip-version-check", *args],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        said = (done.stderr.strip() or done.stdout.strip()).splitlines() or ["no output"]
        raise PackageError(f"pip {args[0]} failed: {said[-1]}")


def install_serving_code(
    target: Path,
    source: Path,
    *,
    with_boto3: bool = False,
    python_version: str | None = None,
    platform: str | None = None,
) -> None:
    """Install the base package from `source` (a checkout or a wheel) and its dependencies."""
    wheel = source
    if source.is_dir():
        _pip("wheel", "--quiet", "--no-deps", "--wheel-dir", str(target.parent), str(source))
        wheel = next(target.parent.glob("backcoach-*.whl"))
    args = ["install", "--quiet", "--target", str(target)]
    # Another runtime than this one: wheels only, and no bytecode of this Python's version.
    if python_version:
        args += ["--python-version", python_version, "--only-binary=:all:", "--no-compile"]
    if platform:
        args += ["--platform", platform, "--only-binary=:all:", "--implementation", "cp"]
    _pip(*args, f"{wheel}[aws]" if with_boto3 else str(wheel))
    shutil.rmtree(target / "bin", ignore_errors=True)  # console scripts: nothing runs them


def add_bundle(target: Path, audio_dir: Path, routine: Path | Traversable) -> None:
    """The routine and the audio manifest (not the MP3s: they are published, see publish)."""
    manifest = audio_dir / MANIFEST_NAME
    try:
        read_manifest(audio_dir)
    except FileNotFoundError:
        raise PackageError(f"no audio manifest at {manifest}: {BUILD_HINT}") from None
    except (OSError, ManifestError) as exc:
        raise PackageError(f"unreadable audio manifest {manifest}: {exc}") from None
    bundle = target / BUNDLE_DIR
    (bundle / BUNDLED["audio_dir"]).mkdir(parents=True)
    shutil.copyfile(manifest, bundle / BUNDLED["audio_dir"] / MANIFEST_NAME)
    (bundle / BUNDLED["routine_path"]).write_bytes(routine.read_bytes())


def write_zip(tree: Path, out: Path) -> int:
    """Zip `tree` into `out` (files in a stable order); its size in bytes."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for path in sorted(tree.rglob("*")):
            if path.is_file():
                zf.write(path, path.relative_to(tree).as_posix())
    return out.stat().st_size


def package_lambda(
    out: Path,
    *,
    source: Path,
    audio_dir: Path,
    routine: Path | Traversable,
    with_boto3: bool = False,
    python_version: str | None = None,
    platform: str | None = None,
) -> int:
    """Build the Lambda zip at `out`; its size in bytes (PackageError above ZIP_LIMIT_BYTES)."""
    with tempfile.TemporaryDirectory(prefix="backcoach-lambda-") as tmp:
        tree = Path(tmp) / "package"
        install_serving_code(
            tree,
            source,
            with_boto3=with_boto3,
            python_version=python_version,
            platform=platform,
        )
        add_bundle(tree, audio_dir, routine)
        size = write_zip(tree, out)
    if size > ZIP_LIMIT_BYTES:
        raise PackageError(
            f"{out} is {size / 1e6:.1f} MB, over Lambda's {ZIP_LIMIT_BYTES / 1e6:.0f} MB for a"
            " zip uploaded directly: upload it to S3 and point the function at it"
        )
    return size
