"""Charts drawn on the server as SVG: no script, no inline style, CSS classes only.

Every chart names itself with <title> and says what it shows in <desc>; the
page puts a table with the same numbers beside it for anyone who can't see it.
"""
from __future__ import annotations

from markupsafe import Markup, escape

BAR_HEIGHT = 22
BAR_GAP = 8
LABEL_WIDTH = 130
CHART_WIDTH = 360


def _svg(chart_id: str, title: str, desc: str, width: int, height: int, body: str, css: str) -> Markup:
    return Markup(
        f'<svg class="chart {css}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" preserveAspectRatio="xMinYMin meet">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>{body}</svg>'
    )


def bars(chart_id: str, title: str, rows: list[tuple[str, float]], unit: str = "",
         muted: set[str] | frozenset = frozenset()) -> Markup:
    """Horizontal bars, one per (label, value); labels in `muted` get the quiet colour."""
    if not rows:
        return Markup("")
    top = max((value for _, value in rows), default=0) or 1
    span = CHART_WIDTH - LABEL_WIDTH - 50
    parts = []
    for i, (label, value) in enumerate(rows):
        y = i * (BAR_HEIGHT + BAR_GAP)
        width = max(2, round(span * value / top)) if value else 0
        tone = "bar-muted" if label in muted else "bar"
        shown = f"{value:g}{unit}"
        parts.append(
            f'<text class="chart-label" x="{LABEL_WIDTH - 8}" y="{y + 15}" text-anchor="end">{escape(label)}</text>'
            f'<rect class="{tone}" x="{LABEL_WIDTH}" y="{y}" width="{width}" height="{BAR_HEIGHT}" rx="3"></rect>'
            f'<text class="chart-value" x="{LABEL_WIDTH + width + 6}" y="{y + 15}">{escape(shown)}</text>'
        )
    height = len(rows) * (BAR_HEIGHT + BAR_GAP)
    desc = "; ".join(f"{label}: {value:g}{unit}" for label, value in rows)
    return _svg(chart_id, title, desc, CHART_WIDTH, height, "".join(parts), "chart-bars")


def sparkline(chart_id: str, title: str, values: list[float], low: float = 1, high: float = 5,
              width: int = 160, height: int = 36) -> Markup:
    """A small line of recent values between low and high, the last one marked."""
    if len(values) < 2:
        return Markup("")
    step = (width - 8) / (len(values) - 1)
    points = []
    for i, value in enumerate(values):
        x = 4 + i * step
        y = height - 4 - (height - 8) * (value - low) / ((high - low) or 1)
        points.append((round(x, 1), round(y, 1)))
    line = " ".join(f"{x},{y}" for x, y in points)
    last_x, last_y = points[-1]
    body = (f'<polyline class="spark-line" points="{line}" fill="none"></polyline>'
            f'<circle class="spark-dot" cx="{last_x}" cy="{last_y}" r="3"></circle>')
    desc = (f"{len(values)} check-ins, from {values[0]:g} to {values[-1]:g} on a scale of "
            f"{low:g} to {high:g}; lowest {min(values):g}, highest {max(values):g}.")
    return _svg(chart_id, title, desc, width, height, body, "chart-spark")


def columns(chart_id: str, title: str, rows: list[tuple[str, float]], height: int = 120) -> Markup:
    """Vertical columns over time (e.g. weeks), labels under every column."""
    if not rows:
        return Markup("")
    top = max((value for _, value in rows), default=0) or 1
    slot = 40
    width = max(slot * len(rows), 360)  # a lone column should not fill the whole panel
    chart_h = height - 22
    parts = []
    for i, (label, value) in enumerate(rows):
        h = round(chart_h * value / top) if value else 0
        x = i * slot + 6
        parts.append(
            f'<rect class="bar" x="{x}" y="{chart_h - h}" width="{slot - 12}" height="{h}" rx="2"></rect>'
            f'<text class="chart-value" x="{x + (slot - 12) / 2}" y="{max(10, chart_h - h - 3)}" '
            f'text-anchor="middle">{value:g}</text>'
            f'<text class="chart-label" x="{x + (slot - 12) / 2}" y="{height - 6}" '
            f'text-anchor="middle">{escape(label)}</text>'
        )
    desc = "; ".join(f"{label}: {value:g}" for label, value in rows)
    return _svg(chart_id, title, desc, width, height, "".join(parts), "chart-columns")
