"""A server under test as a child process: start it, await its first answer, read CPU and RSS."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from backcoach.skill.devtools import envelopes as env
from benchmarks.client import Client

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


PROCESSES = ("--workers", "0", "--threads", "0")
"""How `make run` and the systemd unit serve: a process per core, turns on its event loop."""
THREADS = ("--workers", "1", "--threads", "8")
"""How `serve` ran before --workers: one process, eight turn threads."""


def skill_command(port: int, *options: str) -> list[str]:
    """`backcoach serve` without signature checks, as a person would run it locally."""
    return [
        str(BIN / "backcoach"),
        "serve",
        "--no-verify",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        *options,
    ]


def baseline_command(name: str, port: int) -> list[str]:
    """One of benchmarks/baselines/*.py served by waitress."""
    return [sys.executable, "-m", f"benchmarks.baselines.{name}", "--port", str(port)]


def skill_env(data_dir: Path, audio_dir: Path) -> dict[str, str]:
    """The environment `backcoach serve` runs with: a throwaway store, the built audio."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BACKCOACH_")}
    env.update(BACKCOACH_DATA_DIR=str(data_dir), BACKCOACH_AUDIO_DIR=str(audio_dir))
    return env


def launch_probe() -> dict:
    """A LaunchRequest from a new person: what a server must answer to count as up."""
    return env.Caller().envelope(env.launch_request(), session_id=env.new_session_id(), new=True)


def process_cpu_s(pid: int) -> float:
    """A process's CPU seconds to the nanosecond, from the kernel's process-wide CPU clock of
    that pid (clock_getcpuclockid's id: CPUCLOCK_SCHED of the process); utime + stime from
    /proc (10 ms ticks: up to ±13 % on a block of 250 turns of bare Flask) where that clock is not
    readable, 0 for a process that is gone."""
    try:
        return time.clock_gettime(((~pid) << 3) | 2)
    except OSError:
        pass
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


class ServerProcess:
    """One running server; `with` stops it."""

    def __init__(self, command: list[str], port: int, env: dict[str, str] | None = None):
        self.port = port
        self.started = time.perf_counter()
        # A file, not a pipe: a pipe nobody reads fills up and blocks the server's logging.
        self.log = tempfile.TemporaryFile()
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=self.log
        )
        self.ready_s: float | None = None

    @property
    def pid(self) -> int:
        return self.process.pid

    def wait_ready(self, probe: dict, timeout_s: float = 60.0) -> float:
        """Post `probe` until the first 200; seconds from spawn to that answer."""
        deadline = self.started + timeout_s
        while time.perf_counter() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"server exited with {self.process.returncode}: {self.last_log_line()}"
                )
            try:
                with Client(self.port, timeout_s=5.0) as client:
                    status, _ = client.post(probe)
                if status == 200:
                    self.ready_s = time.perf_counter() - self.started
                    return self.ready_s
            except OSError:
                pass
            time.sleep(0.005)
        raise RuntimeError(f"server on port {self.port} gave no 200 within {timeout_s:.0f} s")

    def last_log_line(self) -> str:
        """The last line the server wrote to stderr."""
        self.log.seek(0)
        lines = self.log.read().decode(errors="replace").strip().splitlines()
        return lines[-1] if lines else "no output"

    def processes(self) -> list[int]:
        """The server's process and its children (the workers of `serve --workers`)."""
        children = []
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                if int(fields[1]) == self.pid:
                    children.append(int(entry))
        return [self.pid, *children]

    def cpu_s(self) -> float:
        """CPU seconds of the server's processes (all their threads, ended ones too)."""
        return sum(process_cpu_s(pid) for pid in self.processes())

    def context_switches(self) -> int:
        """Voluntary and involuntary context switches of every thread of its processes."""
        total = 0
        for pid in self.processes():
            try:
                tasks = os.listdir(f"/proc/{pid}/task")
            except OSError:
                continue
            for task in tasks:
                try:
                    status = Path(f"/proc/{pid}/task/{task}/status").read_text()
                except OSError:
                    continue
                for line in status.splitlines():
                    if "ctxt_switches:" in line:  # voluntary_… and nonvoluntary_…
                        total += int(line.split()[1])
        return total

    def rss_mb(self) -> float:
        """VmRSS of the largest of the server's processes, in MB (forked workers share most
        of their pages with the parent, so a sum would count them again)."""
        sizes = []
        for pid in self.processes():
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    sizes.append(int(line.split()[1]) / 1024)
        if not sizes:
            raise RuntimeError(f"no VmRSS for pid {self.pid}")
        return max(sizes)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()

    def __enter__(self) -> ServerProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start_skill(
    data_dir: Path, audio_dir: Path, options: tuple[str, ...] = PROCESSES
) -> ServerProcess:
    """`backcoach serve` on a free port, answering (as `make run` serves, unless told)."""
    port = free_port()
    command = skill_command(port, *options)
    server = ServerProcess(command, port, skill_env(data_dir, audio_dir))
    _await(server)
    return server


def start_baseline(name: str) -> ServerProcess:
    """A baseline (benchmarks/baselines/NAME.py) on a free port, answering."""
    port = free_port()
    server = ServerProcess(baseline_command(name, port), port)
    _await(server)
    return server


def _await(server: ServerProcess) -> None:
    try:
        server.wait_ready(launch_probe())
    except BaseException:
        server.stop()
        raise
