"""One measured figure, its baseline and its goal; whether the goal is met, within noise."""

from __future__ import annotations

from dataclasses import dataclass

NOISE = 0.10
"""A goal counts as missed only when the figure is more than 10 % past it: repeated runs on
this shared 2-core machine spread by about that much."""


@dataclass(frozen=True)
class Figure:
    """A row of the table: what was measured against what, and the goal."""

    name: str
    measured: float
    unit: str
    baseline: float | None = None
    baseline_label: str = ""
    goal: float | None = None
    """The limit, on the ratio when there is a baseline and `on_ratio`, else on the value."""
    at_least: bool = False
    """The goal is a floor (cores used), not a ceiling."""
    on_ratio: bool = True
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.baseline is None or self.baseline == 0:
            return None
        return self.measured / self.baseline

    @property
    def judged(self) -> float | None:
        """The number the goal applies to."""
        return self.ratio if self.on_ratio and self.baseline is not None else self.measured

    @property
    def status(self) -> str:
        """`pass`, `pass (noise)` when past the goal by less than NOISE, `MISS`, or `-`."""
        value = self.judged
        if self.goal is None or value is None:
            return "-"
        if self.at_least:
            if value >= self.goal:
                return "pass"
            return "pass (noise)" if value >= self.goal * (1 - NOISE) else "MISS"
        if value <= self.goal:
            return "pass"
        return "pass (noise)" if value <= self.goal * (1 + NOISE) else "MISS"

    @property
    def missed(self) -> bool:
        return self.status == "MISS"

    @property
    def goal_text(self) -> str:
        if self.goal is None:
            return ""
        sign = "≥" if self.at_least else "≤"
        if self.on_ratio and self.baseline is not None:
            return f"{sign} {self.goal:g}×"
        return f"{sign} {self.goal:g} {self.unit}".rstrip()
