"""A person's coaching settings as the event handlers read them: a few columns, once per session.

The worker opens one session per event, and several handlers of an event ask
for the same settings (the weekly goal its time zone, the playbook the rules
switched off, the feedback draft the name to sign with). The answer is kept in
`session.info` for the rest of the session; nothing in an event changes the
settings after reading them (user.registered writes them, and reads none).
"""
from __future__ import annotations

from sqlalchemy import Row, bindparam, select
from sqlalchemy.orm import Session

from services.coach.models import Profile

_P = Profile.__table__.c
SETTINGS = select(_P.timezone, _P.disabled_rules, _P.nudge_threshold, _P.weekly_target, _P.display_name,
                  _P.coach_budget).where(
    _P.user_id == bindparam("user_id"))
_KEY = "coach.settings"


def settings_of(session: Session, user_id: str) -> Row | None:
    """(timezone, disabled_rules, nudge_threshold, weekly_target, display_name, coach_budget), or None."""
    known = session.info.setdefault(_KEY, {})
    if user_id not in known:
        known[user_id] = session.execute(SETTINGS, {"user_id": user_id}).first()
    return known[user_id]
