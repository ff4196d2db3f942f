"""Deployment settings: the Lambda start-up checks, the trusted manifest, S3 locations, extras."""

from __future__ import annotations

import pytest

from backcoach.audio.catalog import AudioCatalog
from backcoach.audio.manifest import ClipEntry, write_manifest
from backcoach.skill.config import Config, ConfigError
from backcoach.skill.deploy.publish import PublishError, clip_files, parse_s3_url
from backcoach.skill.extras import MissingExtra, missing_extra
from backcoach.skill.service import check_lambda, on_lambda
from backcoach.skill.web.lambda_entry import BUNDLE_DIR, bundled_env

CDN = "https://cdn.example.com"
HOLD = ClipEntry("hold-5s-0123456789ab.mp3", 8.56, "hold", (2.0, 3.0))


def test_on_lambda_is_told_by_the_function_name_lambda_sets():
    assert on_lambda({"AWS_LAMBDA_FUNCTION_NAME": "backcoach"})
    assert not on_lambda({}) and not on_lambda({"AWS_LAMBDA_FUNCTION_NAME": ""})


@pytest.mark.parametrize(
    ("config", "message"),
    [
        (Config(store="session"), "BACKCOACH_PUBLIC_URL must be the https URL"),
        (Config(public_url=CDN), "BACKCOACH_STORE cannot be SQLite ('sqlite')"),
        (Config(public_url=CDN, store="sqlite:////tmp/x.db"), "cannot be SQLite"),
    ],
)
def test_lambda_refuses_what_cannot_work_there(config, message):
    with pytest.raises(ConfigError, match="^on AWS Lambda") as caught:
        check_lambda(config)
    assert message in str(caught.value) and "\n" not in str(caught.value)


@pytest.mark.parametrize(
    "config",
    [
        Config(public_url=CDN, store="dynamodb://t?region=eu-west-1"),
        Config(public_url=CDN, store="postgresql://db.example.com/backcoach"),
        Config(audio=False, store="session"),
    ],
)
def test_lambda_accepts_dynamodb_postgres_and_no_audio(config):
    check_lambda(config)


def test_a_trusted_manifest_counts_its_clips_without_their_files(tmp_path):
    write_manifest(tmp_path, {"hold-5s": HOLD})
    assert AudioCatalog.load(tmp_path).missing(["hold-5s"]) == ["hold-5s"]
    trusted = AudioCatalog.load(tmp_path, trust_manifest=True)
    assert trusted.missing(["hold-5s"]) == [] and trusted.clip("hold-5s") == HOLD
    assert trusted.audio_s(f"{CDN}/audio/{HOLD.file}") == 8.56


def test_the_package_bundle_fills_only_the_settings_left_unset(tmp_path):
    assert bundled_env({"LAMBDA_TASK_ROOT": str(tmp_path)}) == {"LAMBDA_TASK_ROOT": str(tmp_path)}
    (tmp_path / BUNDLE_DIR).mkdir()
    env = bundled_env({"LAMBDA_TASK_ROOT": str(tmp_path), "BACKCOACH_ROUTINE": "/mine.yaml"})
    assert env["BACKCOACH_AUDIO_DIR"] == str(tmp_path / BUNDLE_DIR / "audio")
    assert env["BACKCOACH_ROUTINE"] == "/mine.yaml"
    assert Config.from_env(env).audio_cache == tmp_path / BUNDLE_DIR / "audio"


@pytest.mark.parametrize(
    ("url", "where"),
    [("s3://b/audio", ("b", "audio")), ("s3://b/a/b/", ("b", "a/b")), ("s3://b", ("b", ""))],
)
def test_s3_locations(url, where):
    assert parse_s3_url(url) == where


@pytest.mark.parametrize("url", ["https://b/audio", "s3:///audio", "s3://b/a?x=1", "b/audio"])
def test_a_bad_s3_location_is_named(url):
    with pytest.raises(PublishError, match="use s3://BUCKET/PREFIX"):
        parse_s3_url(url)


def test_publish_refuses_a_build_with_missing_clips(tmp_path):
    with pytest.raises(PublishError, match="no audio manifest .*backcoach audio build"):
        clip_files(tmp_path)
    write_manifest(tmp_path, {"hold-5s": HOLD})
    with pytest.raises(PublishError, match="1 clips of the manifest are not in"):
        clip_files(tmp_path)
    (tmp_path / HOLD.file).write_bytes(b"\xff\xf3")
    assert clip_files(tmp_path) == [tmp_path / HOLD.file]


@pytest.mark.parametrize(
    ("module", "extra"),
    [("numpy", "build"), ("piper.voice", "build"), ("psycopg", "postgres"), ("boto3", "aws")],
)
def test_a_missing_module_names_its_extra(module, extra):
    missing = missing_extra(ModuleNotFoundError(f"No module named {module!r}", name=module))
    assert isinstance(missing, MissingExtra)
    assert f"pip install 'backcoach[{extra}]'" in str(missing)


def test_a_module_of_no_extra_is_not_blamed_on_one():
    assert missing_extra(ModuleNotFoundError("No module named 'nope'", name="nope")) is None
