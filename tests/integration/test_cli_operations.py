"""The command line as an operator meets it: one-line errors that exit 2, --version, help
with defaults and examples, the settings list, the JUnit report and the log formats."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from importlib.metadata import version
from xml.etree import ElementTree

import pytest

from backcoach.skill.config import SETTINGS
from backcoach.skill.devtools import envelopes as env
from tests.helpers import assert_no_alexa_ids, backcoach, free_port

NO_AUDIO = {"BACKCOACH_AUDIO": "false"}


def assert_one_line_error(run, named: str) -> None:
    assert run.returncode == 2, (run.stdout, run.stderr)
    assert "Traceback" not in run.stderr, run.stderr
    assert len(run.stderr.strip().splitlines()) == 1, run.stderr
    assert run.stderr.startswith(f"backcoach: {named}"), run.stderr


URL, PORT, BASE = "BACKCOACH_PUBLIC_URL", "has a bad port", "must be a base URL, without a query"


@pytest.mark.parametrize(
    ("variable", "value", "named"),
    [
        ("BACKCOACH_STORE", "mysql://db/coach", "unknown store 'mysql://db/coach'"),
        (URL, "https://coach.example.com:99999", PORT),
        (URL, "https://coach.example.com:https", PORT),
        (URL, "https://coach.example.com/?v=1", BASE),
        (URL, "https://coach.example.com/#top", BASE),
        ("BACKCOACH_LOCALE", "xx-XX", "no phrases for 'xx-XX'"),
    ],
)
def test_a_bad_setting_is_one_line_naming_it(tmp_path, variable, value, named):
    env_vars = {**NO_AUDIO, "BACKCOACH_DATA_DIR": str(tmp_path), variable: value}
    run = backcoach("say", "open back coach", env=env_vars)
    assert_one_line_error(run, f"{variable}: {named}")


NOT_UTF8 = b"name: caf\xe9\nsteps: []\n"


@pytest.mark.parametrize("kind", ["routine", "script", "manifest", "unreadable routine"])
def test_a_content_file_that_cannot_be_read_is_one_line_naming_it(tmp_path, kind):
    env_vars = {**NO_AUDIO, "BACKCOACH_DATA_DIR": str(tmp_path)}
    args = ["say", "open back coach"]
    bad = tmp_path / "bad.yaml"
    bad.write_bytes(NOT_UTF8)
    named = "bad.yaml: cannot be read: 'utf-8' codec can't decode"
    if kind == "routine":
        env_vars["BACKCOACH_ROUTINE"] = str(bad)
    elif kind == "script":
        args = ["test-dialogs", str(bad)]
    elif kind == "unreadable routine":  # (a directory: root reads any file, whatever its mode)
        env_vars["BACKCOACH_ROUTINE"] = str(tmp_path)
        named = f"{tmp_path.name}: cannot be read: [Errno 21] Is a directory"
    else:
        (tmp_path / "audio").mkdir()
        manifest = tmp_path / "audio" / "manifest.json"
        manifest.write_bytes(b'{"hold-5s": "\xff"}')
        env_vars.update(BACKCOACH_AUDIO="true", BACKCOACH_AUDIO_DIR=str(tmp_path / "audio"))
        named = f"unreadable audio manifest ({manifest.resolve()}: not UTF-8 text"
    assert_one_line_error(backcoach(*args, env=env_vars), named)


@pytest.mark.parametrize("command", ["serve", "console", "serve --workers 2"])
def test_a_port_in_use_is_one_line(tmp_path, command):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env_vars = {**NO_AUDIO, "BACKCOACH_DATA_DIR": str(tmp_path), "BACKCOACH_SKILL_ID": "x"}
        run = backcoach(*command.split(), "--port", str(port), env=env_vars, timeout=60)
    assert_one_line_error(run, f"cannot listen on 127.0.0.1:{port} (--host/--port): ")
    assert "in use" in run.stderr and "127.0.0.1" not in run.stdout  # no "listening on"


@pytest.mark.parametrize("port", ["99999", "0", "-1"])
@pytest.mark.parametrize("command", ["serve", "console"])
def test_a_port_out_of_range_is_one_line_naming_it(tmp_path, command, port):
    """waitress would take 99999 as 34463 and 0 as any port, after announcing the one given."""
    env_vars = {**NO_AUDIO, "BACKCOACH_DATA_DIR": str(tmp_path), "BACKCOACH_SKILL_ID": "x"}
    run = backcoach(command, "--port", port, env=env_vars, timeout=60)
    assert_one_line_error(run, f"--port {port} is out of range: a port is 1 to 65535")
    assert "listening" not in run.stdout and "console on" not in run.stdout


HIDE_MODULE = """import sys
sys.modules[{module!r}] = None  # as if its extra were not installed
"""


@pytest.mark.parametrize(
    ("store", "module", "extra"),
    [
        ("postgresql://coach:secret@127.0.0.1:1/coach", "psycopg", "postgres"),
        ("dynamodb://progress?region=eu-west-1", "boto3", "aws"),
    ],
)
def test_a_store_whose_extra_is_missing_is_refused_at_start(tmp_path, store, module, extra):
    """Served anyway, every turn would answer "Sorry, I couldn't save your progress"."""
    (tmp_path / "sitecustomize.py").write_text(HIDE_MODULE.format(module=module))
    env_vars = {
        **NO_AUDIO,
        "BACKCOACH_DATA_DIR": str(tmp_path),
        "BACKCOACH_STORE": store,
        "PYTHONPATH": os.pathsep.join([str(tmp_path), os.environ.get("PYTHONPATH", "")]),
    }
    run = backcoach("serve", "--port", str(free_port()), env=env_vars, timeout=60)
    scheme = store.split("//")[0]
    assert_one_line_error(
        run, f"BACKCOACH_STORE: a {scheme}// store needs {module}: pip install 'backcoach[{extra}]'"
    )
    assert "secret" not in run.stderr and "listening" not in run.stdout


def test_version_is_the_installed_package_version():
    run = backcoach("--version")
    assert run.returncode == 0 and run.stdout == f"backcoach {version('backcoach')}\n"


def test_top_level_help_lists_every_setting_with_what_it_does():
    run = backcoach("--help")
    assert run.returncode == 0
    for variable in SETTINGS.values():
        assert re.search(rf"^  {variable} +\S", run.stdout, re.MULTILINE), variable
    assert "BACKCOACH_LOG_SALT" in run.stdout and "random per process" in run.stdout


COMMANDS = [
    ("serve",),
    ("say",),
    ("chat",),
    ("console",),
    ("test-dialogs",),
    ("export-skill-package",),
    ("render",),
    ("user",),
    ("audio",),
    ("audio", "build"),
]


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_each_command_help_says_what_it_does_and_gives_an_example(command):
    run = backcoach(*command, "--help")
    assert run.returncode == 0, run.stderr
    usage, description = run.stdout.split("\n\n")[:2]
    assert len(description.split()) >= 8, description  # says what it does, not just its name
    examples = run.stdout.split("\nexample:\n")[1]
    assert f"backcoach {' '.join(command)}" in examples.splitlines()[0]


def test_option_defaults_are_shown():
    run = backcoach("serve", "--help")
    for default in ("(default: 127.0.0.1)", "(default: 8080)", "(default: text)", "(default: 8)"):
        assert default in " ".join(run.stdout.split()), default


def test_test_dialogs_has_no_options_that_do_nothing():
    """Each script says its device and runs as a fresh user: --apl, --no-audio-player, --json
    and --user would change nothing, so they are not offered."""
    run = backcoach("test-dialogs", "--help")
    for option in ("--apl", "--no-audio-player", "--json", "--user"):
        assert option not in run.stdout
    assert "--url" in run.stdout and "--junit" in run.stdout


def test_test_dialogs_writes_a_junit_report(tmp_path):
    scripts = tmp_path / "scripts"
    scripts.mkdir()
    (scripts / "a_opens.yaml").write_text(
        "name: it opens\nsteps:\n  - say: open back coach\n    expect: {intent: LaunchRequest}\n"
    )
    (scripts / "b_wrong.yaml").write_text(
        "name: wrong on purpose\nsteps:\n  - say: open back coach\n"
        "  - say: start my back routine\n    expect: {speech: 'this is never said'}\n"
    )
    report = tmp_path / "out" / "dialogs.xml"
    report.parent.mkdir()
    env_vars = {**NO_AUDIO, "BACKCOACH_DATA_DIR": str(tmp_path)}
    run = backcoach("test-dialogs", str(scripts), "--junit", str(report), env=env_vars)
    assert run.returncode == 1, run.stderr
    suite = ElementTree.parse(report).getroot()
    assert suite.tag == "testsuite" and suite.get("tests") == "2" and suite.get("failures") == "1"
    passed, failed = suite.findall("testcase")
    assert passed.get("name") == "it opens" and passed.find("failure") is None
    assert failed.get("name") == "wrong on purpose"
    assert failed.get("file") == str(scripts / "b_wrong.yaml")
    failure = failed.find("failure")
    assert failure is not None
    assert failure.get("message", "").startswith("step 2: say 'start my back routine': ")
    assert "this is never said" in failure.get("message", "")


def test_a_junit_path_that_cannot_be_written_is_one_line(tmp_path):
    (tmp_path / "ok.yaml").write_text("name: ok\nsteps:\n  - say: open back coach\n")
    env_vars = {**NO_AUDIO, "BACKCOACH_DATA_DIR": str(tmp_path)}
    target = tmp_path / "missing-dir" / "report.xml"
    run = backcoach("test-dialogs", str(tmp_path / "ok.yaml"), "--junit", str(target), env=env_vars)
    assert_one_line_error(run, f"cannot write the JUnit report {target} (--junit)")


# --- serve's log lines --------------------------------------------------------------------------

USER = "amzn1.ask.account.LOGGED-PERSON"


def serve_and_talk(tmp_path, *args: str, stop: int = signal.SIGTERM) -> list[str]:
    """Run `backcoach serve --no-verify ARGS`, send one launch, stop it (SIGTERM, or the
    signal `stop`); its stderr lines."""
    port = free_port()
    environment = {
        **os.environ,
        **NO_AUDIO,
        "BACKCOACH_DATA_DIR": str(tmp_path),
        "BACKCOACH_LOG_SALT": "pepper",
    }
    command = [sys.executable, "-m", "backcoach.skill.cli", "serve", "--no-verify"]
    process = subprocess.Popen(
        [*command, "--port", str(port), *args],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{base}/readyz", timeout=1)
                break
            except OSError:
                assert process.poll() is None and time.monotonic() < deadline, "did not start"
                time.sleep(0.2)
        envelope = env.Caller(user_id=USER).envelope(env.launch_request(), session_id="s", new=True)
        request = urllib.request.Request(
            f"{base}/alexa",
            data=json.dumps(envelope).encode(),
            headers={"Content-Type": "application/json"},
        )
        urllib.request.urlopen(request, timeout=30).read()
    finally:
        process.send_signal(stop)
        stderr = process.communicate(timeout=10)[1]
    assert_no_alexa_ids(stderr, "backcoach serve")
    return stderr.splitlines()


@pytest.mark.slow  # a `backcoach serve` process
def test_serve_killed_by_a_fatal_signal_says_so_in_its_log(tmp_path):
    """SIGBUS is what a damaged SQLite -shm file gives: the log says where, not nothing."""
    lines = serve_and_talk(tmp_path, stop=signal.SIGBUS)
    assert any("Fatal Python error: Bus error" in line for line in lines), lines[-10:]


@pytest.mark.slow  # a `backcoach serve` process
def test_serve_logs_json_lines(tmp_path):
    lines = [json.loads(line) for line in serve_and_talk(tmp_path, "--log-format", "json")]
    assert all(re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$", x["time"]) for x in lines)
    (turn,) = [x for x in lines if x["logger"] == "backcoach.requests"]
    assert turn["type"] == "LaunchRequest" and turn["status"] == 200 and turn["new_session"]
    assert turn["latency_ms"] > 0 and len(turn["user"]) == 16 and USER not in json.dumps(lines)
    assert turn["request_id"].startswith("amzn1.echo-api.request.")


@pytest.mark.slow  # a `backcoach serve` process
def test_serve_logs_timestamped_text_by_default(tmp_path):
    lines = serve_and_talk(tmp_path)
    assert lines and all(re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} ", x) for x in lines)
    (turn,) = [x for x in lines if " backcoach.requests: " in x]
    assert "type=LaunchRequest intent=- new_session=True user=" in turn and "status=200" in turn
    assert " request_id=amzn1.echo-api.request." in turn
    assert USER not in "\n".join(lines)


def children_of(pid: int) -> set[int]:
    """The processes whose parent is `pid` (from /proc)."""
    found = set()
    for stat in os.listdir("/proc"):
        if stat.isdigit():
            try:
                text = open(f"/proc/{stat}/stat").read()
            except OSError:
                continue
            if int(text.rsplit(")", 1)[1].split()[1]) == pid:
                found.add(int(stat))
    return found


def wait_until(check, what: str, timeout_s: float = 30):
    deadline = time.monotonic() + timeout_s
    while not (found := check()):
        assert time.monotonic() < deadline, what
        time.sleep(0.1)
    return found


@pytest.mark.slow  # `backcoach serve` processes
def test_serve_with_workers_forks_supervises_and_drains_them(tmp_path):
    """--workers 2: two processes share the port; one that dies is replaced; SIGTERM drains
    both and the parent says so once."""
    port = free_port()
    environment = {**os.environ, **NO_AUDIO, "BACKCOACH_DATA_DIR": str(tmp_path)}
    command = [sys.executable, "-m", "backcoach.skill.cli", "serve", "--no-verify"]
    process = subprocess.Popen(
        [*command, "--port", str(port), "--workers", "2", "--threads", "0"],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"

    def answers() -> bool:
        try:
            return urllib.request.urlopen(f"{base}/readyz", timeout=2).status == 200
        except OSError:
            return False

    try:

        def workers(unlike: set[int] = frozenset()) -> set[int] | None:
            found = children_of(process.pid)
            return found if len(found) == 2 and found != unlike else None

        first = wait_until(workers, "two workers")
        wait_until(answers, "answers")
        os.kill(min(first), signal.SIGKILL)
        again = wait_until(lambda: workers(unlike=first), "a worker in place of the one killed")
        assert max(first) in again
        assert all(answers() for _ in range(20))
    finally:
        process.send_signal(signal.SIGTERM)
        stderr = process.communicate(timeout=30)[1]
    assert process.returncode == 0, stderr
    assert "serving with 2 worker processes" in stderr
    assert f"worker {min(first)} exited (killed by SIGKILL); starting another" in stderr
    # Each worker drains once; a keep-alive connection of the last request may still be open
    # as SIGTERM arrives on a busy machine (it is finished, not cut: "finished in").
    drained = re.findall(r"stopped on SIGTERM: \d+ connection\(s\) under way finished in", stderr)
    assert len(drained) == 2, stderr
    assert stderr.strip().endswith("stopped on SIGTERM: 2 worker processes drained"), stderr


FAILING_WORKERS = """
import logging, sys
from backcoach.skill.web import prefork
logging.basicConfig(level=logging.INFO)
def broken():
    raise RuntimeError("cannot serve")
sys.exit(prefork.serve_forked(broken, workers=2))
"""


@pytest.mark.slow  # forks worker processes
def test_workers_that_keep_dying_stop_the_server_with_a_failure():
    """A worker that cannot serve is restarted, but not for ever: more than RESTARTS deaths
    in RESTART_WINDOW_S stop the parent with status 1, so systemd restarts the unit."""
    run = subprocess.run(
        [sys.executable, "-c", FAILING_WORKERS], capture_output=True, text=True, timeout=60
    )
    assert run.returncode == 1, run.stderr
    assert "RuntimeError: cannot serve" in run.stderr
    assert run.stderr.count("starting another") == 6 and "workers keep dying" in run.stderr
