"""Per-kind choices: which channels (the inbox always) and immediate or daily digest."""
from __future__ import annotations

from sqlalchemy.orm import Session

from services.notifier.models import Preferences

KINDS = ("reflection", "goal", "win", "reminder", "insight", "nudge_sent",
         "weekly_review", "digest", "system")
SEVERITIES = ("info", "celebration", "gentle", "important")
MODES = ("immediate", "digest")
# Steady, low-stakes news waits for the digest unless the user says otherwise.
DEFAULT_MODES = {"goal": "digest", "insight": "digest", "nudge_sent": "digest"}


def get(session: Session, user_id: str) -> Preferences:
    """The user's preferences row, made with defaults on first use (not yet flushed)."""
    return session.get(Preferences, user_id) or add_defaults(session, user_id)


def defaults(user_id: str) -> Preferences:
    """What a user who never chose anything has; not in any session."""
    return Preferences(user_id=user_id, kinds={}, digest_time="18:00",
                       nudges_enabled=True, share_good_news=False)


def add_defaults(session: Session, user_id: str) -> Preferences:
    """A new preferences row with the defaults, for a user who has none yet (not yet flushed)."""
    prefs = defaults(user_id)
    session.add(prefs)
    return prefs


def for_kind(prefs: Preferences, kind: str) -> dict:
    """{"channels": [ids] or None for every channel, "mode": immediate|digest}."""
    chosen = (prefs.kinds or {}).get(kind, {})
    mode = "immediate" if kind == "digest" else chosen.get("mode", DEFAULT_MODES.get(kind, "immediate"))
    return {"channels": chosen.get("channels"), "mode": mode}


def every_kind(prefs: Preferences) -> dict:
    return {kind: for_kind(prefs, kind) for kind in KINDS}
