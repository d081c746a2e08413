"""Charts drawn on the server as SVG: no script, no inline style, CSS classes only.

Every chart names itself with <title> and says what it shows in <desc>; the
page puts a table with the same numbers beside it for anyone who can't see it.
"""
from __future__ import annotations

from markupsafe import Markup, escape

BAR_HEIGHT = 22
BAR_GAP = 10
LABEL_WIDTH = 150
CHART_WIDTH = 360
LABEL_CHARS = 19  # per line; two lines, then an ellipsis (the tooltip and the table have it whole)
VALUE_ROOM = 84  # right of the longest bar, for "1 of 1 · 100%"


def _svg(chart_id: str, title: str, desc: str, width: int, height: int, body: str, css: str) -> Markup:
    return Markup(
        f'<svg class="chart {css}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" preserveAspectRatio="xMinYMin meet">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>{body}</svg>'
    )


def _label_lines(label: str) -> list[str]:
    """The label in at most two lines of LABEL_CHARS, broken at spaces, an ellipsis if longer."""
    words, lines, line = label.split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > LABEL_CHARS:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    if len(lines) > 2 or any(len(x) > LABEL_CHARS for x in lines[:2]):
        second = " ".join(lines[1:]) if len(lines) > 1 else ""
        lines = [lines[0][:LABEL_CHARS], second[:LABEL_CHARS - 1].rstrip() + "…"] if second else \
            [lines[0][:LABEL_CHARS - 1] + "…"]
    return lines[:2]


def _label_svg(label: str, x: int, y: int) -> str:
    lines = _label_lines(label)
    first_y = y + 15 if len(lines) == 1 else y + 8
    tspans = "".join(f'<tspan x="{x}" y="{first_y + 13 * i}">{escape(text)}</tspan>' for i, text in enumerate(lines))
    # <title> in the group: the whole label as a tooltip wherever it was shortened
    return f'<g><title>{escape(label)}</title><text class="chart-label" text-anchor="end">{tspans}</text></g>'


def bars(chart_id: str, title: str, rows: list[tuple], unit: str = "",
         muted: set[str] | frozenset = frozenset()) -> Markup:
    """Horizontal bars, one per (label, value[, shown text]); labels in `muted` get the quiet colour."""
    if not rows:
        return Markup("")
    top = max((row[1] for row in rows), default=0) or 1
    span = CHART_WIDTH - LABEL_WIDTH - VALUE_ROOM
    parts, descs = [], []
    for i, row in enumerate(rows):
        label, value = row[0], row[1]
        shown = row[2] if len(row) > 2 else f"{value:g}{unit}"
        y = i * (BAR_HEIGHT + BAR_GAP) + 4
        width = max(2, round(span * value / top)) if value else 0
        tone = "bar-muted" if label in muted else "bar"
        parts.append(
            _label_svg(label, LABEL_WIDTH - 8, y)
            + f'<rect class="{tone}" x="{LABEL_WIDTH}" y="{y}" width="{width}" height="{BAR_HEIGHT}" rx="3"></rect>'
            f'<text class="chart-value" x="{LABEL_WIDTH + width + 6}" y="{y + 15}">{escape(shown)}</text>'
        )
        descs.append(f"{label}: {shown}")
    height = len(rows) * (BAR_HEIGHT + BAR_GAP) + 4
    return _svg(chart_id, title, "; ".join(descs), CHART_WIDTH, height, "".join(parts), "chart-bars")


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


def columns(chart_id: str, title: str, rows: list[tuple[str, float]], height: int = 140) -> Markup:
    """Vertical columns over time (e.g. weeks), labels under every column, values above with room to spare."""
    if not rows:
        return Markup("")
    top = max((value for _, value in rows), default=0) or 1
    slot = 48
    width = max(slot * len(rows), 360)  # a lone column should not fill the whole panel
    head, foot = 18, 22  # room for the value over the tallest column, and for the date under each
    chart_h = height - head - foot
    parts = [f'<line class="chart-axis" x1="0" y1="{head + chart_h}" x2="{width}" y2="{head + chart_h}"></line>']
    for i, (label, value) in enumerate(rows):
        h = round(chart_h * value / top) if value else 0
        x = i * slot + 6
        middle = x + (slot - 12) / 2
        parts.append(
            f'<rect class="bar" x="{x}" y="{head + chart_h - h}" width="{slot - 12}" height="{h}" rx="2"></rect>'
            f'<text class="chart-value" x="{middle}" y="{head + chart_h - h - 4}" text-anchor="middle">{value:g}</text>'
            f'<text class="chart-label" x="{middle}" y="{height - 6}" text-anchor="middle">{escape(label)}</text>'
        )
    desc = "; ".join(f"{label}: {value:g}" for label, value in rows)
    return _svg(chart_id, title, desc, width, height, "".join(parts), "chart-columns")


MOOD_WORDS = {1: "Really low", 3: "Okay", 5: "Really good"}


def mood_line(chart_id: str, title: str, points: list[tuple[str, int]], width: int = 420, height: int = 170) -> Markup:
    """Moods (1-5) over time with a labelled scale on the left and dates underneath."""
    if len(points) < 2:
        return Markup("")
    left, right, top, foot = 84, 12, 10, 26
    plot_w, plot_h = width - left - right, height - top - foot
    step = plot_w / (len(points) - 1)

    def y_of(mood: float) -> float:
        return round(top + plot_h * (5 - mood) / 4, 1)

    parts = []
    for mood, word in MOOD_WORDS.items():
        parts.append(f'<line class="chart-grid-line" x1="{left}" y1="{y_of(mood)}" x2="{width - right}" y2="{y_of(mood)}"></line>'
                     f'<text class="chart-label" x="{left - 6}" y="{y_of(mood) + 4}" text-anchor="end">{word}</text>')
    xy = [(round(left + i * step, 1), y_of(mood)) for i, (_, mood) in enumerate(points)]
    parts.append(f'<polyline class="spark-line" fill="none" points="{" ".join(f"{x},{y}" for x, y in xy)}"></polyline>')
    for (x, y), (day, mood) in zip(xy, points):
        parts.append(f'<g><title>{escape(day)}: {mood} of 5</title><circle class="spark-dot" cx="{x}" cy="{y}" r="3.5"></circle></g>')
    # dates under the first, the middle and the last point: enough to read the span without crowding
    for i in sorted({0, len(points) // 2, len(points) - 1}):
        anchor = "start" if i == 0 else "end" if i == len(points) - 1 else "middle"
        parts.append(f'<text class="chart-label" x="{xy[i][0]}" y="{height - 6}" text-anchor="{anchor}">{escape(points[i][0])}</text>')
    desc = (f"{len(points)} check-ins from {points[0][0]} to {points[-1][0]}, on a scale of 1 (really low) "
            f"to 5 (really good): first {points[0][1]}, last {points[-1][1]}.")
    return _svg(chart_id, title, desc, width, height, "".join(parts), "chart-mood")
