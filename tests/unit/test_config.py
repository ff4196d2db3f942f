"""Configuration from BACKCOACH_* variables: defaults, and one-line errors naming the variable."""

from __future__ import annotations

from pathlib import Path

import pytest

from backcoach.skill.config import Config, ConfigError


def test_blank_variables_keep_the_defaults():
    assert Config.from_env({"BACKCOACH_STORE": "  ", "BACKCOACH_AUDIO": ""}) == Config()


def test_variables_are_read_and_normalised():
    config = Config.from_env(
        {
            "BACKCOACH_AUDIO": " Off ",
            "BACKCOACH_ROUTINE": "/srv/routine.yaml",
            "BACKCOACH_ENGINE": "gtts",
            "BACKCOACH_PUBLIC_URL": "https://coach.example.com/",
        }
    )
    assert config.audio is False and config.engine == "gtts"
    assert config.routine_path == Path("/srv/routine.yaml")
    assert config.public_url == "https://coach.example.com"


@pytest.mark.parametrize(
    "env,message",
    [
        ({"BACKCOACH_TRUST_PROXY": "maybe"}, "BACKCOACH_TRUST_PROXY: must be true or false"),
        (
            {"BACKCOACH_ENGINE": "espeak"},
            "BACKCOACH_ENGINE: must be 'piper' or 'gtts', got 'espeak'",
        ),
        (
            {"BACKCOACH_PUBLIC_URL": "http://coach.example.com"},
            "BACKCOACH_PUBLIC_URL: must be an https:// URL (Alexa only plays https audio)",
        ),
    ],
)
def test_a_bad_variable_is_named_on_one_line(env, message):
    with pytest.raises(ConfigError) as info:
        Config.from_env(env)
    assert str(info.value).startswith(message) and "\n" not in str(info.value)


def test_a_config_built_in_code_is_checked_the_same_way(tmp_path):
    assert Config(data_dir=tmp_path).validated() == Config(data_dir=tmp_path)
    with pytest.raises(ConfigError, match="^BACKCOACH_ENGINE: must be 'piper' or 'gtts'"):
        Config(engine="say").validated()  # type: ignore[arg-type]


def test_the_privacy_policy_must_be_https():
    assert Config.from_env({"BACKCOACH_PRIVACY_URL": "https://x.example/p"}).privacy_url
    with pytest.raises(ConfigError, match="BACKCOACH_PRIVACY_URL: must be an https:// URL"):
        Config.from_env({"BACKCOACH_PRIVACY_URL": "http://x.example/p"})
