"""Per-person choices: how each topic reaches them outside Rebound, and on which channels.

The inbox always gets everything. A topic (services/notifier/topics.py) goes
right away, in the daily digest, or not at all; `kinds` may narrow an inbox
kind to some channels. An older client's per-kind `mode` sets that kind's topic.
"""
from __future__ import annotations

from sqlalchemy.orm import Session

from services.notifier import topics
from services.notifier.models import Preferences

KINDS = ("coach_card", "reflection", "goal", "win", "reminder", "insight", "nudge_sent",
         "weekly_review", "digest", "system")
MODES = topics.MODES


def get(session: Session, user_id: str) -> Preferences:
    """The user's preferences row, made with defaults on first use (not yet flushed)."""
    return session.get(Preferences, user_id) or add_defaults(session, user_id)


def defaults(user_id: str) -> Preferences:
    """What a user who never chose anything has; not in any session."""
    return Preferences(user_id=user_id, kinds={}, topic_modes={}, digest_time="18:00",
                       nudges_enabled=True, share_good_news=False)


def add_defaults(session: Session, user_id: str) -> Preferences:
    """A new preferences row with the defaults, for a user who has none yet (not yet flushed)."""
    prefs = defaults(user_id)
    session.add(prefs)
    return prefs


def for_kind(prefs: Preferences, kind: str, severity: str = "info") -> dict:
    """{"channels": [ids] or None for every channel, "mode": immediate|digest|off}."""
    chosen = (prefs.kinds or {}).get(kind, {})
    return {"channels": chosen.get("channels"),
            "mode": topics.mode_of(prefs.topic_modes, topics.of(kind, severity))}


def every_kind(prefs: Preferences) -> dict:
    return {kind: for_kind(prefs, kind) for kind in KINDS}


def choose(prefs: Preferences, *, kinds: dict | None = None, topic_modes: dict | None = None) -> None:
    """Apply what the person changed; what they did not mention stays as it was."""
    modes = dict(prefs.topic_modes or {})
    merged = dict(prefs.kinds or {})
    for kind, choice in (kinds or {}).items():
        if "mode" in choice:
            topic = topics.of(kind, "info")
            if topic in topics.TOPICS and choice["mode"] in topics.ALLOWED[topic]:
                modes[topic] = choice["mode"]
        if "channels" in choice:
            merged[kind] = {**merged.get(kind, {}), "channels": choice["channels"]}
    modes.update(topic_modes or {})
    prefs.kinds, prefs.topic_modes = merged, modes
