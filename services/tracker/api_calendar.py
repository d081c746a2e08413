"""The private calendar feed's key and what the feed lists: interview rounds and follow-ups.

The key is random and only its SHA-256 is kept; the frontend signs it into the feed's
address together with the user, shows that address once, and passes the key back here
on every fetch. Revoking (or making a new key) makes every older address answer 404.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import date, timedelta

from flask import Blueprint, g, request
from sqlalchemy import or_, select

from services.tracker.stage_history import ENDINGS
from services.tracker.models import Application, InterviewRound, TrackerSettings
from services.tracker.schemas import round_out
from shared.tables import utcnow
from shared.web import ApiError

bp = Blueprint("calendar", __name__)
# A calendar keeps a season of the past; older rounds are history, not plans.
PAST_DAYS = 90


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@bp.get("/calendar/key")
def key_status():
    """Whether a feed exists, and since when."""
    with g.runtime.sessions() as session:
        row = session.get(TrackerSettings, g.user_id)
        active = bool(row and row.calendar_key_hash)
        made = row.calendar_key_created_at.isoformat() if active and row.calendar_key_created_at else None
        return {"active": active, "created_at": made}


@bp.post("/calendar/key")
def new_key():
    """A fresh key (any older feed address stops working); the key itself is only in this answer."""
    key = secrets.token_urlsafe(24)
    with g.runtime.sessions.begin() as session:
        row = session.get(TrackerSettings, g.user_id) or TrackerSettings(user_id=g.user_id, auto_ghost=False)
        row.calendar_key_hash, row.calendar_key_created_at = _digest(key), utcnow()
        session.add(row)
    return {"key": key}, 201


@bp.delete("/calendar/key")
def revoke_key():
    """Turn the feed off: every address made so far answers 404."""
    with g.runtime.sessions.begin() as session:
        row = session.get(TrackerSettings, g.user_id)
        if row is not None:
            row.calendar_key_hash = row.calendar_key_created_at = None
    return "", 204


@bp.get("/calendar/events")
def events():
    """Rounds and follow-ups for the feed, if `key` is this user's current key (else 404)."""
    with g.runtime.sessions() as session:
        row = session.get(TrackerSettings, g.user_id)
        given = request.args.get("key", "")
        if not (row and row.calendar_key_hash and hmac.compare_digest(row.calendar_key_hash, _digest(given))):
            raise ApiError(404, "not_found", "This calendar address is not in use any more.")
        since = date.today() - timedelta(days=PAST_DAYS)
        return {"rounds": _rounds(session, since), "follow_ups": _follow_ups(session, since)}


def _rounds(session, since: date) -> list[dict]:
    query = (select(InterviewRound, Application.company, Application.role)
             .join(Application, InterviewRound.application_id == Application.id)
             .where(InterviewRound.user_id == g.user_id, Application.user_id == g.user_id,
                    Application.archived.is_(False), InterviewRound.scheduled_on >= since,
                    # a round still ahead of an application that has ended is off the calendar
                    or_(InterviewRound.scheduled_on < date.today(), Application.stage.not_in(ENDINGS)))
             .order_by(InterviewRound.scheduled_on, InterviewRound.id))
    return [{**round_out.dump(r), "application_id": r.application_id, "company": company, "role": role}
            for r, company, role in session.execute(query)]


def _follow_ups(session, since: date) -> list[dict]:
    query = (select(Application.id, Application.company, Application.role, Application.follow_up_on)
             .where(Application.user_id == g.user_id, Application.archived.is_(False),
                    Application.stage.not_in(ENDINGS), Application.follow_up_on >= since)
             .order_by(Application.follow_up_on, Application.id))
    return [{"application_id": i, "company": c, "role": r, "follow_up_on": on.isoformat()}
            for i, c, r, on in session.execute(query)]
