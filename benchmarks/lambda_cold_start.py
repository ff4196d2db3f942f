"""Cold start on Lambda: the package `backcoach package lambda` builds, unzipped as Lambda
unzips it and started as Lambda starts it (`python -S -m awslambdaric HANDLER`, AWS's runtime
interface client, against a local Runtime API), from process start to the first answer; the
same for a minimal ask-sdk skill in the same task root (so with the same dependencies).

    PYTHONPATH=. .venv/bin/python -m benchmarks.lambda_cold_start   # after `make audio`
"""

from __future__ import annotations

import os
import py_compile
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from backcoach.skill.config import Config
from backcoach.skill.deploy.lambda_package import THIS_PYTHON, checkout, package_lambda
from backcoach.skill.devtools.envelopes import DEFAULT_SKILL_ID
from backcoach.skill.devtools.lambda_runtime import RuntimeApi, runtime_dir
from backcoach.skill.web.lambda_entry import HANDLER
from benchmarks.figure import Figure
from benchmarks.server import launch_probe

RUNS = 9
BASELINE = Path(__file__).parent / "baselines" / "minimal_ask_lambda.py"
BASELINE_HANDLER = "minimal_ask_lambda.lambda_handler"


def _first_answer_s(task: Path, runtime: Path, handler: str, bytecode: bool = True) -> float:
    """Seconds from starting the function's process to its answer to a new person's launch."""
    api = RuntimeApi()
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(task.parent),
        "AWS_REGION": "eu-west-1",
        "AWS_LAMBDA_FUNCTION_NAME": "backcoach",
        "LAMBDA_TASK_ROOT": str(task),
        "AWS_LAMBDA_RUNTIME_API": api.address,
        "PYTHONPATH": f"{task}:{runtime}",
        "_HANDLER": handler,
        # Nothing beyond the session, and no Settings API call: the baseline makes none.
        "BACKCOACH_SKILL_ID": DEFAULT_SKILL_ID,
        "BACKCOACH_STORE": "session",
        "BACKCOACH_PUBLIC_URL": "https://cdn.example.com",
        "BACKCOACH_TIME_ZONES": "off",
    }
    if not bytecode:  # as a read-only task root without compiled modules: compiled every time
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    started = time.perf_counter()
    function = subprocess.Popen(
        [sys.executable, "-S", "-m", "awslambdaric", handler],
        env=env,
        cwd=task,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        answer = api.invoke(launch_probe())
        took = time.perf_counter() - started
    finally:
        function.kill()
        function.wait()
        api.stop()
    if "response" not in answer:
        raise RuntimeError(f"{handler} answered {answer}")
    return took


def lambda_cold_start_figure(audio_dir: Path) -> Figure:
    """Median of RUNS starts of the package and of the minimal skill beside it."""
    source = checkout()
    if source is None:
        raise RuntimeError("the Lambda cold start builds the package from a checkout")
    with tempfile.TemporaryDirectory(prefix="bc-bench-lambda-") as tmp:
        out = Path(tmp) / "backcoach-lambda.zip"
        package_lambda(
            out,
            source=source,
            audio_dir=audio_dir,
            routine=Config.from_env().routine_path,
            python_version=THIS_PYTHON,
        )
        task = Path(tmp) / "task"
        with zipfile.ZipFile(out) as zf:
            zf.extractall(task)
        baseline = task / BASELINE.name
        shutil.copyfile(BASELINE, baseline)
        py_compile.compile(
            str(baseline), invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH
        )
        bare = Path(tmp) / "bare"  # the package as it was built before it carried bytecode
        shutil.copytree(task, bare, ignore=shutil.ignore_patterns("__pycache__"))
        runtime = runtime_dir(Path(tmp))
        skill_s, minimal_s, bare_s = [], [], []
        for _ in range(RUNS):  # interleaved: a busy moment slows both sides alike
            skill_s.append(_first_answer_s(task, runtime, HANDLER))
            minimal_s.append(_first_answer_s(task, runtime, BASELINE_HANDLER))
            bare_s.append(_first_answer_s(bare, runtime, HANDLER, bytecode=False))
    return Figure(
        "Lambda cold start: process start → first answer, the unzipped package under awslambdaric",
        statistics.median(skill_s),
        "s",
        statistics.median(minimal_s),
        "minimal ask-sdk",
        goal=1.5,
        note=f"median of {RUNS}; without compiled modules {statistics.median(bare_s):.3f} s",
    )


if __name__ == "__main__":
    figure = lambda_cold_start_figure(Config.from_env().audio_cache)
    print(
        f"{figure.measured:.3f} s against {figure.baseline:.3f} s ({figure.baseline_label}):"
        f" {figure.ratio:.2f}x; {figure.note}"
    )
