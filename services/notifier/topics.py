"""What a message is about, as the person chooses how to hear of it outside Rebound.

The inbox always gets every item. Outside it (e-mail, and any other channel the
person added) each topic goes right away, in one daily digest, or not at all.
Calm defaults: coaching and wins wait for the digest; what the person asked to
be reminded of goes right away. Safety is never sent as text: only a pointer to
open Rebound (see `SAFETY_POINTER`), and it can be switched off like the rest.
"""
from __future__ import annotations

COACHING, WINS, REMINDERS, WEEKLY_REVIEW, SUPPORTERS, SAFETY, ACCOUNT = (
    "coaching", "wins", "reminders", "weekly_review", "supporters", "safety", "account")
TOPICS = (COACHING, WINS, REMINDERS, WEEKLY_REVIEW, SUPPORTERS, SAFETY, ACCOUNT)
IMMEDIATE, DIGEST, OFF = "immediate", "digest", "off"
MODES = (IMMEDIATE, DIGEST, OFF)
# Safety never waits for a digest: a pointer right away, or nothing.
ALLOWED = {topic: (IMMEDIATE, OFF) if topic == SAFETY else MODES for topic in TOPICS}
DEFAULTS = {COACHING: DIGEST, WINS: DIGEST, REMINDERS: IMMEDIATE, WEEKLY_REVIEW: IMMEDIATE,
            SUPPORTERS: DIGEST, SAFETY: IMMEDIATE, ACCOUNT: IMMEDIATE}
# The digest itself: unsubscribing from it turns off every topic that waits for it.
DIGEST_LETTER = "digest"

# Inbox kinds the coach produces: counted together wherever "coach items" are meant.
COACH_KINDS = ("coach_card", "reflection", "insight", "win", "goal")
_BY_KIND = {"coach_card": COACHING, "reflection": COACHING, "insight": COACHING, "goal": COACHING,
            "win": WINS, "reminder": REMINDERS, "weekly_review": WEEKLY_REVIEW,
            "nudge_sent": SUPPORTERS, "system": ACCOUNT}

# How e-mails name their topic ("Stop e-mails about coaching notes").
LABELS = {COACHING: "coaching notes", WINS: "wins", REMINDERS: "reminders",
          WEEKLY_REVIEW: "your weekly look back", SUPPORTERS: "your supporters",
          SAFETY: "notes about looking after yourself", ACCOUNT: "your account and channels",
          DIGEST_LETTER: "the daily digest"}

SAFETY_POINTER = (
    "A note from Rebound",
    "There's something waiting for you in Rebound. Open it whenever you're ready; "
    "it's there just for you.")


def of(kind: str, severity: str) -> str:
    """The topic of an inbox item: a coach card sent with high urgency is about safety."""
    if kind == "coach_card" and severity == "important":
        return SAFETY
    if kind == "goal" and severity == "celebration":
        return WINS  # a goal reached is a win; a goal proposed or missed is coaching
    if kind == "digest":
        return DIGEST_LETTER
    return _BY_KIND.get(kind, ACCOUNT)


def modes(chosen: dict | None) -> dict[str, str]:
    """Every topic's mode: the person's choice where they made one, else the default."""
    chosen = chosen or {}
    return {topic: chosen[topic] if chosen.get(topic) in ALLOWED[topic] else DEFAULTS[topic]
            for topic in TOPICS}


def mode_of(chosen: dict | None, topic: str) -> str:
    """How this topic reaches the person; the digest letter goes whenever it is made."""
    if topic == DIGEST_LETTER:
        return IMMEDIATE
    return modes(chosen)[topic]


def unsubscribed(chosen: dict | None, topic: str) -> dict:
    """The choices after a one-click unsubscribe from `topic` (or from the digest letter)."""
    current = modes(chosen)
    if topic == DIGEST_LETTER:
        return {**current, **{t: OFF for t, mode in current.items() if mode == DIGEST}}
    return {**current, topic: OFF}
