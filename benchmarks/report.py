"""The figures as a table for the terminal, JSON, and the README's "## Figures" block."""

from __future__ import annotations

import json
import os
import platform
import re
import textwrap
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.figure import NOISE, Figure

START, END = "<!-- bench:start -->", "<!-- bench:end -->"
HEADER = ("figure", "measured", "baseline", "ratio", "goal", "result")


@dataclass
class Machine:
    """Where the figures were measured: cores and load, which sway every figure."""

    cores: int = field(default_factory=lambda: os.cpu_count() or 0)
    load_before: tuple[float, float, float] = field(default_factory=os.getloadavg)
    load_after: tuple[float, float, float] | None = None
    python: str = platform.python_version()
    when: str = field(default_factory=lambda: datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"))

    def describe(self) -> str:
        after = self.load_after or os.getloadavg()
        return (
            f"{self.cores} cores; 1-minute load average {self.load_before[0]:.2f} at the start, "
            f"{after[0]:.2f} at the end; Python {self.python}; {self.when}"
        )


def number(value: float | None, unit: str = "") -> str:
    """Three significant figures, with the unit."""
    if value is None:
        return ""
    shown = f"{value:.3g}" if abs(value) < 1000 else f"{value:,.0f}"
    return f"{shown} {unit}".rstrip()


def row(figure: Figure) -> tuple[str, ...]:
    baseline = number(figure.baseline, figure.unit)
    if baseline and figure.baseline_label:
        baseline = f"{baseline} ({figure.baseline_label})"
    ratio = f"{figure.ratio:.2f}×" if figure.ratio is not None else ""
    name = f"{figure.name} [{figure.note}]" if figure.note else figure.name
    return (
        name,
        number(figure.measured, figure.unit),
        baseline,
        ratio,
        figure.goal_text,
        figure.status,
    )


def table(figures: list[Figure]) -> str:
    """A plain-text table with aligned columns."""
    rows = [HEADER, *(row(f) for f in figures)]
    widths = [max(len(r[i]) for r in rows) for i in range(len(HEADER))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)) for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(line.rstrip() for line in lines)


def markdown(figures: list[Figure], machine: Machine) -> str:
    """The README block: the machine, the table, and what a miss means."""
    intro = (
        f"Measured by `make bench` on {machine.describe()}. A goal is missed (MISS, and "
        f"`make bench` exits 1) only when a figure is more than {NOISE:.0%} past it; "
        f"within that it is a pass (noise)."
    )
    lines = [
        *textwrap.wrap(intro, width=96, break_on_hyphens=False),
        "",
        "| " + " | ".join(HEADER) + " |",
        "| --- | ---: | ---: | ---: | --- | --- |",
    ]
    lines += ["| " + " | ".join(r) + " |" for r in (row(f) for f in figures)]
    return "\n".join(lines)


def write_json(path: Path, figures: list[Figure], machine: Machine) -> None:
    rows = [
        {
            "figure": f.name,
            "measured": f.measured,
            "unit": f.unit,
            "baseline": f.baseline,
            "baseline_label": f.baseline_label,
            "ratio": f.ratio,
            "goal": f.goal_text,
            "status": f.status,
            "note": f.note,
        }
        for f in figures
    ]
    machine_info = {
        "cores": machine.cores,
        "load_before": machine.load_before,
        "load_after": machine.load_after,
        "python": machine.python,
        "when": machine.when,
        "noise": NOISE,
    }
    path.write_text(json.dumps({"machine": machine_info, "figures": rows}, indent=2) + "\n")


def update_readme(readme: Path, figures: list[Figure], machine: Machine) -> None:
    """Replace what lies between the bench markers; an error naming the file if they are gone."""
    text = readme.read_text()
    pattern = re.compile(re.escape(START) + r".*?" + re.escape(END), re.DOTALL)
    if not pattern.search(text):
        raise ValueError(f"{readme}: no {START} … {END} markers to write the figures between")
    block = f"{START}\n{markdown(figures, machine)}\n{END}"
    readme.write_text(pattern.sub(lambda _: block, text, count=1))
