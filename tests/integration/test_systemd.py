"""The shipped systemd unit as systemd reads it: `systemd-analyze verify` finds nothing to say.

`bash .ci/systemd.sh` installs Debian's systemd when needed and prints the
BACKCOACH_TEST_SYSTEMD_ANALYZE=... line `.ci/run` exports; without it the verify tests skip.
"""

from __future__ import annotations

import os
import shlex
import subprocess
from pathlib import Path

from backcoach.skill.web.stopping import DRAIN_S
from tests.helpers import ROOT, provided

UNIT = ROOT / "deploy" / "backcoach.service"
ANALYZE_ENV = "BACKCOACH_TEST_SYSTEMD_ANALYZE"
START_LIMITS = ("StartLimitIntervalSec", "StartLimitBurst")
"""Settings of [Unit]: in [Service] systemd ignores them, and a failing start loops for ever."""


def sections(text: str) -> dict[str, list[str]]:
    """The keys set in each [Section] of a unit file."""
    found: dict[str, list[str]] = {}
    current = ""
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1]
            found.setdefault(current, [])
        elif line and not line.startswith(("#", ";")) and "=" in line:
            found.setdefault(current, []).append(line.split("=", 1)[0].strip())
    return found


def analyze() -> str:
    """systemd-analyze from BACKCOACH_TEST_SYSTEMD_ANALYZE (skips, or fails in CI, without)."""
    return provided(os.environ.get(ANALYZE_ENV), "systemd-analyze", ".ci/systemd.sh")


def installed_copy(text: str, directory: Path) -> Path:
    """The unit as installed, its ExecStart binary a stand-in that exists (verify checks it)."""
    (line,) = [x for x in text.splitlines() if x.startswith("ExecStart=")]
    binary = shlex.split(line.removeprefix("ExecStart="))[0]
    stand_in = directory / "backcoach"
    stand_in.write_text("#!/bin/sh\nexit 0\n")
    stand_in.chmod(0o755)
    unit = directory / UNIT.name
    unit.write_text(text.replace(f"ExecStart={binary} ", f"ExecStart={stand_in} "))
    return unit


def verify(text: str, directory: Path) -> subprocess.CompletedProcess:
    """`systemd-analyze verify` on the unit text; its output is what it found."""
    return subprocess.run(
        [analyze(), "verify", "--man=no", str(installed_copy(text, directory))],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_start_limits_sit_in_unit_where_systemd_reads_them():
    keys = sections(UNIT.read_text())
    assert all(name in keys["Unit"] for name in START_LIMITS), keys["Unit"]
    assert not [name for name in START_LIMITS if name in keys["Service"]]


def test_systemd_waits_for_the_drain_before_it_kills():
    """SIGTERM lets the turns under way finish for DRAIN_S at most; systemd then kills."""
    (line,) = [x for x in UNIT.read_text().splitlines() if x.startswith("TimeoutStopSec=")]
    assert float(line.removeprefix("TimeoutStopSec=").removesuffix("s")) > DRAIN_S


def test_systemd_analyze_verify_finds_nothing_in_the_unit(tmp_path):
    checked = verify(UNIT.read_text(), tmp_path)
    assert checked.returncode == 0 and not (checked.stdout + checked.stderr).strip(), (
        checked.stdout + checked.stderr
    )


def test_systemd_analyze_verify_would_name_a_start_limit_in_service(tmp_path):
    """The check sees what it is for: the old unit's misplaced limit is a warning."""
    text = UNIT.read_text().replace("StartLimitIntervalSec=60s\n", "")
    text = text.replace("[Service]\n", "[Service]\nStartLimitIntervalSec=60s\n")
    checked = verify(text, tmp_path)
    unknown = "Unknown key 'StartLimitIntervalSec' in section [Service]"
    assert unknown in checked.stderr, checked.stderr
