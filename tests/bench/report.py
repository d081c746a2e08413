"""Figures, the table printed at the end, and docs/benchmarks.md."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from .stats import median, ratio


@dataclass
class Figure:
    """One measured figure: the median of its runs, next to a baseline from the same run."""

    name: str
    unit: str
    runs: list[float]
    baseline_name: str = ""
    baseline_runs: list[float] = field(default_factory=list)
    target: str = ""
    # Decides PASS/MISS from (value, ratio); None means "reported only".
    check: Callable[[float, float | None], bool] | None = None
    note: str = ""

    @property
    def value(self) -> float:
        return median(self.runs)

    @property
    def baseline(self) -> float | None:
        return median(self.baseline_runs) if self.baseline_runs else None

    @property
    def ratio(self) -> float | None:
        return ratio(self.value, self.baseline) if self.baseline is not None else None

    @property
    def verdict(self) -> str:
        if self.check is None:
            return "-"
        return "PASS" if self.check(self.value, self.ratio) else "MISS"


def fmt(value: float | None) -> str:
    if value is None:
        return "-"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


COLUMNS = ("figure", "value", "unit", "runs", "baseline", "baseline value", "ratio", "target", "verdict")


def rows(figures: list[Figure]) -> list[tuple[str, ...]]:
    return [(f.name, fmt(f.value), f.unit, str(len(f.runs)), f.baseline_name or "-",
             fmt(f.baseline), fmt(f.ratio), f.target or "-", f.verdict) for f in figures]


def text_table(figures: list[Figure]) -> str:
    table = [COLUMNS, *rows(figures)]
    widths = [max(len(r[i]) for r in table) for i in range(len(COLUMNS))]
    lines = ["  ".join(cell.ljust(widths[i]) for i, cell in enumerate(r)) for r in table]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def markdown(figures: list[Figure], machine: dict, command: str, notes: list[str]) -> str:
    out = ["# Benchmarks", "",
           "Written by `make bench` (tests/bench/run.py). Every figure is the median of its runs "
           "and stands next to a baseline measured in the same run on the same machine; the ratio "
           "is what to compare between machines, because absolute times on shared machines drift.",
           "", "## Machine", ""]
    out += [f"- {key}: {value}" for key, value in machine.items()]
    out += ["", "## Command", "", f"```\n{command}\n```", "", "## Figures", "",
            "| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    out += ["| " + " | ".join(r) + " |" for r in rows(figures)]
    out += ["", "Runs of each figure (value; baseline):", ""]
    for f in figures:
        runs = ", ".join(fmt(v) for v in f.runs)
        base = ", ".join(fmt(v) for v in f.baseline_runs)
        out.append(f"- {f.name}: {runs}" + (f"; {base}" if base else "") + (f" — {f.note}" if f.note else ""))
    if notes:
        out += ["", "## Notes", ""] + [f"- {n}" for n in notes]
    return "\n".join(out) + "\n"
