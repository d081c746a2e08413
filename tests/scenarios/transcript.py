"""Writing what the person did, saw and received as a readable page (docs/coaching-transcript.md)."""
from __future__ import annotations

from datetime import datetime, timedelta

from tests.scenarios.world import Seen

HEADER = """# Coaching transcript: Maya's eight weeks

What one person did and what Rebound put in front of her, in order, written by
`tests/scenarios/test_persona.py` (a movable clock, the real coach and notifier
handlers on real databases). "Maya" lines are what she did; "Inbox" lines are
inbox items (a coach card shows its sections indented); "E-mail" lines are
e-mails to her address. Times are UTC. Regenerate with
`.venv/bin/pytest tests/scenarios -q`.

"""


def _when(at: datetime) -> str:
    return f"{at:%a} {at.day} {at:%b} {at:%H:%M}"


def render(log: list[Seen], start: datetime, figures: dict) -> str:
    lines = [HEADER, "## The numbers\n"]
    for name, value in figures.items():
        if name != "repeated_examples":
            lines.append(f"- {name.replace('_', ' ')}: {value}")
    lines.append("")
    week = -1
    for seen in sorted(log, key=lambda s: s.at):
        this_week = (seen.at - start).days // 7
        if this_week != week:
            week = this_week
            monday = start + timedelta(weeks=week)
            lines.append(f"\n## Week {week + 1} (from {monday:%A} {monday.day} {monday:%B})\n")
        lines.extend(_entry(seen))
    return "\n".join(lines).rstrip() + "\n"


def _entry(seen: Seen) -> list[str]:
    if seen.what == "did":
        return [f"- **{_when(seen.at)}** Maya: {seen.title}"]
    if seen.what == "mail":
        first = " ".join(seen.body.split())[:160]
        return [f"- **{_when(seen.at)}** E-mail: \"{seen.title}\" ({first}…)"]
    if seen.what == "withdrawn":
        return [f"- **{_when(seen.at)}** Inbox: \"{seen.title}\" was taken back (it no longer held)."]
    label = "Inbox, revised" if seen.what == "revised" else "Inbox"
    lines = [f"- **{_when(seen.at)}** {label} ({seen.cause}): **{seen.title}** {' '.join(seen.body.split())}"]
    for section in seen.sections:
        lines.append(f"    - *{section['kind']}* **{section['title']}** {' '.join(section['body'].split())}")
    return lines
