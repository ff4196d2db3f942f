"""The base package alone, in a fresh venv: it serves from a prebuilt manifest, without the
audio build stack, and names the extra a build command needs."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from backcoach.audio.manifest import MANIFEST_NAME, read_manifest
from tests.helpers import ROOT

pytestmark = pytest.mark.slow

BUILD_STACK = ("piper", "onnxruntime", "numpy", "pydub", "imageio_ffmpeg", "mutagen", "gtts")
"""What the [build] and [gtts] extras bring, which serving must not need."""


def directory_bytes(path: Path) -> int:
    """The bytes of every file under `path` (links not followed): a venv's installed size."""
    return sum(p.lstat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


@pytest.fixture(scope="module")
def base_venv(tmp_path_factory) -> Path:
    """`pip install CHECKOUT` (the base package, no extras) into a fresh venv."""
    venv = tmp_path_factory.mktemp("base") / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "--disable-pip-version-check"]
    done = subprocess.run([*pip, "install", "--quiet", str(ROOT)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    print(f"\nbase install: {directory_bytes(venv) / 1e6:.0f} MB venv")
    return venv


def run(venv: Path, *args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("BACKCOACH_")}
    return subprocess.run(
        [str(venv / "bin" / "backcoach"), *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**environment, **env},
        timeout=120,
    )


def test_the_base_install_has_no_audio_build_stack(base_venv):
    probe = "import importlib.util as u, sys; print(*[m for m in sys.argv[1:] if u.find_spec(m)])"
    python = str(base_venv / "bin" / "python")
    done = subprocess.run([python, "-c", probe, *BUILD_STACK], capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout.split() == [], done


def test_the_base_install_serves_a_conversation_from_a_prebuilt_manifest(
    base_venv, audio_dir, tmp_path
):
    served = tmp_path / "audio"
    served.mkdir()
    shutil.copy(audio_dir / MANIFEST_NAME, served)
    for entry in read_manifest(audio_dir).values():
        shutil.copy(audio_dir / entry.file, served)
    said = run(
        base_venv,
        "say",
        "ask back coach to start my back routine",
        cwd=tmp_path,
        BACKCOACH_AUDIO_DIR=str(served),
        BACKCOACH_DATA_DIR=str(tmp_path / "data"),
    )
    assert said.returncode == 0, said.stderr
    assert "pelvic extension" in said.stdout and "audio:" in said.stdout, said.stdout


PG = "postgresql://nowhere/db"
DYNAMO = "dynamodb://table?region=eu-west-1"


@pytest.mark.parametrize(
    ("args", "store", "extra"),
    [
        (("audio", "build"), None, "backcoach[build]"),
        (("render", "--out", "x.mp3"), None, "backcoach[build]"),
        (("user", "show", "someone"), PG, "backcoach[postgres]"),
        (("audio", "publish", "s3://b/audio"), None, "backcoach[aws]"),
        # A store's driver is checked when the skill is built, before any turn, so a
        # conversation (and Lambda) refuses as `serve` does (test_cli_operations).
        (("say", "start my back routine"), PG, "backcoach[postgres]"),
        (("say", "start my back routine"), DYNAMO, "backcoach[aws]"),
    ],
)
def test_a_command_needing_an_extra_says_which_in_one_line(base_venv, tmp_path, args, store, extra):
    env = {"BACKCOACH_STORE": store} if store else {}
    done = run(base_venv, *args, cwd=tmp_path, BACKCOACH_DATA_DIR=str(tmp_path), **env)
    assert done.returncode == 2, done
    assert len(done.stderr.splitlines()) == 1 and f"pip install '{extra}'" in done.stderr, done
