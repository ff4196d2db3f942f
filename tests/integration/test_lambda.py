"""AWS Lambda end to end, offline: the audio published to moto's S3, the package built and
run from a clean directory against moto's DynamoDB, as the Lambda runtime would run it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

from backcoach.audio.artwork import IMAGES
from backcoach.audio.catalog import AudioCatalog
from backcoach.skill.cli import main
from backcoach.skill.deploy.lambda_package import THIS_PYTHON, ZIP_LIMIT_BYTES, runtime_python
from backcoach.skill.deploy.policy import Where, lambda_policy
from backcoach.skill.deploy.publish import CACHE_CONTROL, CONTENT_TYPE, IMAGE_CACHE_CONTROL
from backcoach.skill.devtools.envelopes import (
    DEFAULT_SKILL_ID,
    Caller,
    launch_request,
    new_session_id,
)
from backcoach.skill.devtools.lambda_runtime import RuntimeApi, runtime_dir
from backcoach.skill.web.lambda_entry import BUNDLE_DIR
from tests.helpers import Conversation, assert_no_alexa_ids, plain
from tests.stores import MOTO_ACCOUNT, as_moto_checks

pytestmark = pytest.mark.slow

BUCKET = "backcoach-media"
PREFIX = "skill"
CDN = "https://cdn.example.com"
"""BACKCOACH_PUBLIC_URL: the https URL of s3://BUCKET/PREFIX (a CloudFront distribution, say)."""

FAKE_AWS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
}

DRIVER = """
import json, sys
sys.path.insert(0, sys.argv[1])
import backcoach.skill
from backcoach.skill.web.lambda_entry import lambda_handler
print(json.dumps({"code": backcoach.skill.__file__, "path": sys.path}), flush=True)
for line in sys.stdin:
    if line.strip() == '"modules"':
        print(json.dumps(sorted(sys.modules)), flush=True)
        continue
    print(json.dumps(lambda_handler(json.loads(line), None)), flush=True)
"""
"""What the Lambda runtime does: import the handler from the package, call it per event (and,
asked for "modules", what the interpreter has imported so far)."""


def s3_client(moto_url):
    import boto3

    return boto3.client("s3", endpoint_url=moto_url, region_name="eu-west-1")


@pytest.fixture
def bucket(aws_env, moto_url):
    s3 = s3_client(moto_url)
    if BUCKET not in [b["Name"] for b in s3.list_buckets()["Buckets"]]:
        s3.create_bucket(
            Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
        )
    return s3


def publish(monkeypatch, capsys, audio_dir, moto_url) -> str:
    monkeypatch.setenv("BACKCOACH_AUDIO_DIR", str(audio_dir))
    code = main(["audio", "publish", f"s3://{BUCKET}/{PREFIX}", "--endpoint-url", moto_url])
    out = capsys.readouterr()
    assert code == 0, out.err
    return out.out


def test_publish_uploads_clips_and_images_once_with_their_type_and_caching(
    bucket, monkeypatch, capsys, audio_dir, moto_url
):
    files = sorted({e.file for e in AudioCatalog.load(audio_dir).clips.values()})
    publish(monkeypatch, capsys, audio_dir, moto_url)
    again = publish(monkeypatch, capsys, audio_dir, moto_url)
    listed = bucket.list_objects_v2(Bucket=BUCKET, Prefix=f"{PREFIX}/")["Contents"]
    clips = [f"{PREFIX}/audio/{f}" for f in files]
    images = [f"{PREFIX}/images/{name}" for name in sorted(IMAGES.values())]
    assert sorted(o["Key"] for o in listed) == clips + images
    assert f"0 uploaded, {len(files) + len(IMAGES)} already there" in again
    head = bucket.head_object(Bucket=BUCKET, Key=clips[0])
    assert head["ContentType"] == CONTENT_TYPE == "audio/mpeg"
    assert head["CacheControl"] == CACHE_CONTROL == "public, max-age=31536000, immutable"
    assert head["ContentLength"] == (audio_dir / files[0]).stat().st_size
    art = bucket.head_object(Bucket=BUCKET, Key=images[0])
    assert art["ContentType"] == "image/png" and art["CacheControl"] == IMAGE_CACHE_CONTROL

    # A clip changed (or broken) in the bucket is uploaded again, and only that one.
    bucket.put_object(Bucket=BUCKET, Key=clips[1], Body=b"not the clip")
    assert "1 uploaded" in publish(monkeypatch, capsys, audio_dir, moto_url)
    body = bucket.get_object(Bucket=BUCKET, Key=clips[1])["Body"].read()
    assert body == (audio_dir / files[1]).read_bytes()


def test_publish_to_a_missing_bucket_is_one_line(aws_env, monkeypatch, capsys, audio_dir, moto_url):
    monkeypatch.setenv("BACKCOACH_AUDIO_DIR", str(audio_dir))
    code = main(["audio", "publish", "s3://no-such-bucket/skill", "--endpoint-url", moto_url])
    err = capsys.readouterr().err
    assert code == 2 and len(err.splitlines()) == 1, err
    assert "no-such-bucket" in err and "NoSuchBucket" in err


@pytest.fixture(scope="module")
def lambda_zip(audio_dir, tmp_path_factory) -> Path:
    """`backcoach package lambda` (with boto3: the runtime has it, this machine's python not)."""
    out = tmp_path_factory.mktemp("package") / "backcoach-lambda.zip"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("BACKCOACH_AUDIO_DIR", str(audio_dir))
        # Built for this interpreter, which runs it below (the default is Lambda's 3.13).
        assert (
            main(["package", "lambda", str(out), "--with-boto3", "--python-version", THIS_PYTHON])
            == 0
        )
    return out


@pytest.fixture(scope="module")
def task_root(lambda_zip, tmp_path_factory) -> Path:
    """The package unzipped where Lambda puts it (/var/task), away from the checkout."""
    root = tmp_path_factory.mktemp("task")
    with zipfile.ZipFile(lambda_zip) as zf:
        zf.extractall(root)
    return root


def test_the_package_holds_code_dependencies_routine_and_manifest_but_no_mp3(lambda_zip):
    size = lambda_zip.stat().st_size
    print(f"\nLambda package: {size / 1e6:.1f} MB zipped")
    assert size <= ZIP_LIMIT_BYTES
    names = zipfile.ZipFile(lambda_zip).namelist()
    assert f"{BUNDLE_DIR}/audio/manifest.json" in names and f"{BUNDLE_DIR}/routine.json" in names
    assert "backcoach/skill/locale/en-US.json" in names
    assert "backcoach/skill/web/lambda_entry.py" in names
    assert {"ask_sdk_core", "flask", "yaml", "pydantic", "boto3"} <= {
        n.split("/")[0] for n in names
    }
    assert not [n for n in names if n.endswith(".mp3")]
    # Every module compiled for this Python, used as it is (Lambda's task root is read-only).
    tag = f"cpython-{sys.version_info.major}{sys.version_info.minor}"
    compiled = {n for n in names if n.endswith(f".{tag}.pyc")}
    sources = [n for n in names if n.endswith(".py") and n.startswith("backcoach/")]
    assert sources and all(_pyc_of(n, tag) in compiled for n in sources)
    with zipfile.ZipFile(lambda_zip) as zf:
        flags = {int.from_bytes(zf.read(n)[4:8], "little") for n in compiled}
    assert flags == {0b01}, flags  # hash-based, unchecked (PEP 552)
    assert not {"numpy", "piper", "onnxruntime", "pydub", "mutagen", "psycopg"} & {
        n.split("/")[0] for n in names
    }


def _pyc_of(source: str, tag: str) -> str:
    """Where a module's bytecode lies beside it (__pycache__/NAME.TAG.pyc)."""
    folder, _, name = source.rpartition("/")
    return f"{folder}/__pycache__/{name[:-3]}.{tag}.pyc"


def test_a_package_for_another_python_holds_that_pythons_compiled_code(audio_dir, tmp_path, capsys):
    """Python 3.14 by flag: no interpreter here runs it (.ci/pythons.sh runs 3.12 and 3.13),
    so at least every compiled module in it must be built for 3.14 (or the stable ABI)."""
    out = tmp_path / "backcoach-lambda-314.zip"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("BACKCOACH_AUDIO_DIR", str(audio_dir))
        assert main(["package", "lambda", str(out), "--python-version", "3.14"]) == 0
    said = capsys.readouterr().err
    compiled = [n for n in zipfile.ZipFile(out).namelist() if n.endswith(".so")]
    assert any(n.startswith("pydantic_core/") for n in compiled), compiled
    wrong = [n for n in compiled if ".cpython-314-" not in n and ".abi3." not in n]
    assert not wrong, wrong
    bytecode = {n.rsplit(".", 2)[-2] for n in zipfile.ZipFile(out).namelist() if n.endswith(".pyc")}
    if runtime_python("3.14") is None:  # none here to compile with: none, and it says so
        assert not bytecode and "no python3.14 here" in said, said
    else:
        assert bytecode == {"cpython-314"}, bytecode


def lambda_env(task_root: Path, moto_url: str, **settings: str) -> dict[str, str]:
    """What the function's environment holds: Lambda's own variables and the settings."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(task_root.parent),
        **FAKE_AWS,
        "AWS_REGION": "eu-west-1",
        "AWS_LAMBDA_FUNCTION_NAME": "backcoach",
        "LAMBDA_TASK_ROOT": str(task_root),
        "BACKCOACH_SKILL_ID": DEFAULT_SKILL_ID,
        **settings,
    }


def start_function(task_root: Path, env: dict[str, str], cwd: Path) -> subprocess.Popen:
    """The handler in its own interpreter: -I -S, so neither the checkout nor this venv's
    site-packages are importable; only the package is on sys.path."""
    return subprocess.Popen(
        [sys.executable, "-I", "-S", "-c", DRIVER, str(task_root)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=cwd,
    )


def test_lambda_handler_from_the_package_serves_a_hands_free_routine_from_the_published_audio(
    task_root, bucket, monkeypatch, capsys, audio_dir, moto_url, tmp_path
):
    publish(monkeypatch, capsys, audio_dir, moto_url)
    table = f"backcoach-{tmp_path.name[-20:].lower().strip('_')}".replace("_", "-")
    store = f"dynamodb://{table}?region=eu-west-1&create=1&endpoint={moto_url}"
    env = lambda_env(task_root, moto_url, BACKCOACH_STORE=store, BACKCOACH_PUBLIC_URL=CDN)
    function = start_function(task_root, env, cwd=tmp_path)
    assert function.stdin and function.stdout
    try:
        loaded = json.loads(function.stdout.readline() or "{}")
        assert loaded, function.stderr.read() if function.poll() is not None else "no answer"
        assert Path(loaded["code"]).is_relative_to(task_root), loaded
        repo = Path(__file__).resolve().parents[2]
        assert not [p for p in loaded["path"][1:] if Path(p).is_relative_to(repo)], loaded

        def send(event: dict | str) -> Any:
            function.stdin.write(json.dumps(event) + "\n")
            function.stdin.flush()
            line = function.stdout.readline()
            assert line, function.stderr.read()
            return json.loads(line)

        catalog = AudioCatalog.load(audio_dir)
        conv = Conversation(send, audio_s=catalog.audio_s)
        assert "Welcome to Back Coach" in plain(conv.launch())
        # Started and answered from the package's JSON, checked without pydantic (issue 22).
        assert not {m.split(".")[0] for m in send("modules")} & {"yaml", "pydantic"}
        assert "pelvic extension" in plain(conv.intent("StartRoutineIntent")).lower()
        response = conv.intent("HandsFreeIntent")
    finally:
        function.stdin.close()
        function.wait(timeout=30)
    (play,) = [d for d in response["response"]["directives"] if d["type"] == "AudioPlayer.Play"]
    url = play["audioItem"]["stream"]["url"]
    assert url.startswith(f"{CDN}/audio/") and catalog.by_url(url) is not None
    head = bucket.head_object(Bucket=BUCKET, Key=f"{PREFIX}/{url.removeprefix(f'{CDN}/')}")
    assert head["ContentType"] == "audio/mpeg"
    assert function.returncode == 0, function.stderr.read()

    import boto3

    dynamodb = boto3.client("dynamodb", endpoint_url=moto_url, region_name="eu-west-1")
    assert dynamodb.scan(TableName=table)["Items"], "nothing kept in DynamoDB"


@pytest.mark.parametrize(
    ("settings", "named"),
    [
        ({"BACKCOACH_PUBLIC_URL": CDN}, "BACKCOACH_STORE cannot be SQLite"),
        ({"BACKCOACH_STORE": "session"}, "BACKCOACH_PUBLIC_URL must be the https URL"),
        ({"BACKCOACH_STORE": "session", "BACKCOACH_PUBLIC_URL": "http://x"}, "https://"),
    ],
)
def test_a_lambda_that_cannot_work_refuses_to_start_with_one_line(
    task_root, moto_url, tmp_path, settings, named
):
    function = start_function(task_root, lambda_env(task_root, moto_url, **settings), tmp_path)
    launch = Caller().envelope(launch_request(), session_id=new_session_id(), new=True)
    out, err = function.communicate(json.dumps(launch) + "\n", timeout=60)
    assert function.returncode == 2, (out, err)
    assert len(err.splitlines()) == 1 and named in err and "Traceback" not in err, err


def test_the_package_runs_under_awss_runtime_interface_client(
    task_root, moto_url, tmp_path, enforced, audio_dir
):
    """The handler as Lambda starts it: `python -m awslambdaric HANDLER`, the package and the
    runtime on PYTHONPATH (no site-packages), talking to the Runtime API; its store moto's
    DynamoDB, with the role's generated policy enforced."""
    pytest.importorskip("awslambdaric", reason="pip install awslambdaric (the dev extra has it)")
    table, with_policy = enforced
    policy = as_moto_checks(lambda_policy(Where(MOTO_ACCOUNT, "eu-west-1", table)))
    store = with_policy(policy)  # and the function user's keys in this environment
    api = RuntimeApi()
    keys = {name: os.environ[name] for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")}
    env = {
        **lambda_env(task_root, moto_url, BACKCOACH_STORE=store, BACKCOACH_PUBLIC_URL=CDN),
        **keys,
        "AWS_LAMBDA_RUNTIME_API": api.address,
        "PYTHONPATH": f"{task_root}:{runtime_dir(tmp_path)}",
        "_HANDLER": HANDLER,
    }
    function = subprocess.Popen(
        [sys.executable, "-S", "-m", "awslambdaric", HANDLER],
        env=env,
        cwd=task_root,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        conv = Conversation(api.invoke, audio_s=AudioCatalog.load(audio_dir).audio_s)
        opened = conv.launch()
        assert "Welcome to Back Coach" in plain(opened)
        assert "pelvic extension" in plain(conv.intent("StartRoutineIntent")).lower()
        stopped = conv.intent("AMAZON.StopIntent")
        assert stopped["response"]["shouldEndSession"] is True
        again = conv.launch()  # a new session: what the first one saved, read back
        assert "You stopped at the plank" in plain(again), plain(again)
    finally:
        function.terminate()
        output, _ = function.communicate(timeout=30)
        api.stop()
    assert "Traceback" not in output and "couldn't save" not in output, output
    assert_no_alexa_ids(output, "the function under awslambdaric")


HANDLER = "backcoach.skill.web.lambda_entry.lambda_handler"
"""The function's handler setting (README, "Deploy on AWS Lambda")."""
