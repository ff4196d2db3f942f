"""`backcoach package lambda`: a zip AWS Lambda runs, the serving code and its dependencies."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from backcoach.audio.catalog import BUILD_HINT
from backcoach.audio.manifest import MANIFEST_NAME, ManifestError, read_manifest
from backcoach.skill.domain.routine import ContentError, load_routine
from backcoach.skill.domain.validation import load_data
from backcoach.skill.web.lambda_entry import BUNDLE_DIR, BUNDLED

ZIP_LIMIT_BYTES = 50 * 1024 * 1024
"""The largest zip Lambda takes uploaded directly (not through S3)."""
THIS_PYTHON = f"{sys.version_info.major}.{sys.version_info.minor}"
"""The version of the Python running this, as --python-version takes it ("3.11")."""


class PackageError(RuntimeError):
    """The package cannot be built; the message says what is missing or what failed."""


@dataclass(frozen=True)
class Packaged:
    """A written package: its size, and for which Python it carries compiled modules."""

    size_bytes: int
    bytecode_for: str | None
    """"3.13", or None: no interpreter of the runtime's version here to compile with."""


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
    # No bytecode from pip: compile_bytecode writes the kind a read-only task root can use.
    args = ["install", "--quiet", "--target", str(target), "--no-compile"]
    if python_version:  # another runtime than this one, maybe: its wheels only
        args += ["--python-version", python_version, "--only-binary=:all:"]
    if platform:
        args += ["--platform", platform, "--only-binary=:all:", "--implementation", "cp"]
    _pip(*args, f"{wheel}[aws]" if with_boto3 else str(wheel))
    shutil.rmtree(target / "bin", ignore_errors=True)  # console scripts: nothing runs them


def runtime_python(python_version: str | None) -> str | None:
    """A working interpreter of the runtime's Python version: this one, `pythonX.Y` on PATH or
    under pyenv's versions (a pyenv shim exists for every version, but runs only the selected)."""
    if python_version in (None, THIS_PYTHON):
        return sys.executable
    name = f"python{python_version}"
    pyenv = Path(os.environ.get("PYENV_ROOT") or Path.home() / ".pyenv") / "versions"
    for candidate in [shutil.which(name), *sorted(pyenv.glob(f"{python_version}.*/bin/{name}"))]:
        if candidate and _runs(str(candidate), python_version):
            return str(candidate)
    return None


def _runs(python: str, version: str) -> bool:
    """Whether `python` starts and is that version."""
    check = f"import sys; assert sys.version.startswith('{version}.')"
    return subprocess.run([python, "-c", check], capture_output=True).returncode == 0


def compile_bytecode(target: Path, python_version: str | None) -> str | None:
    """Compile every module in `target` for the runtime's Python; the version compiled for, or
    None when no interpreter of it is here.

    Lambda's task root is read-only, so a module without bytecode is compiled from source at
    every cold start and never cached. The bytecode is `unchecked-hash`: it is used as it is,
    not checked against the source's modification time, which a zip keeps only to 2 s."""
    python = runtime_python(python_version)
    if python is None:
        return None
    done = subprocess.run(
        [python, "-m", "compileall", "-q", "-j", "0", "--invalidation-mode", "unchecked-hash",
         str(target)],
        capture_output=True,
        text=True,
    )  # fmt: skip
    if done.returncode != 0:
        said = (done.stdout.strip() or done.stderr.strip()).splitlines() or ["no output"]
        raise PackageError(f"compiling the package's modules with {python} failed: {said[-1]}")
    return python_version or THIS_PYTHON


def add_bundle(target: Path, audio_dir: Path, routine: Path) -> None:
    """The routine and the audio manifest (not the MP3s: they are published, see publish);
    the routine and each locale's phrases as JSON, which a cold start reads without a YAML
    parser (the same documents: JSON is what YAML's are made of here)."""
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
    try:
        load_routine(routine)
    except ContentError as exc:
        raise PackageError(str(exc)) from None
    _as_json(routine, bundle / BUNDLED["routine_path"])
    for phrases in sorted((target / "backcoach" / "skill" / "locale").glob("*.yaml")):
        _as_json(phrases, phrases.with_suffix(".json"))


def _as_json(source: Path, out: Path) -> None:
    """A data file (YAML or JSON) written as JSON."""
    data = load_data(source.read_text(encoding="utf-8"), source.name)
    out.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


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
    routine: Path,
    with_boto3: bool = False,
    python_version: str | None = None,
    platform: str | None = None,
) -> Packaged:
    """Build the Lambda zip at `out` (PackageError above ZIP_LIMIT_BYTES)."""
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
        compiled = compile_bytecode(tree, python_version)
        size = write_zip(tree, out)
    if size > ZIP_LIMIT_BYTES:
        raise PackageError(
            f"{out} is {size / 1e6:.1f} MB, over Lambda's {ZIP_LIMIT_BYTES / 1e6:.0f} MB for a"
            " zip uploaded directly: upload it to S3 and point the function at it"
        )
    return Packaged(size, compiled)
