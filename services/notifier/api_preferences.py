"""Preferences: per topic (right away, digest, off), per kind channels, quiet hours, digest time, nudges."""
from __future__ import annotations

from flask import Blueprint, g
from sqlalchemy import select

from services.notifier import preferences, topics
from services.notifier.models import Channel, Preferences
from services.notifier.schemas import preferences_in
from shared.web import ApiError, json_body

bp = Blueprint("preferences", __name__)


def dump(prefs: Preferences) -> dict:
    quiet = ({"start": prefs.quiet_start, "end": prefs.quiet_end}
             if prefs.quiet_start and prefs.quiet_end else None)
    return {"topics": topics.modes(prefs.topic_modes), "kinds": preferences.every_kind(prefs),
            "quiet_hours": quiet,
            "digest_time": prefs.digest_time, "nudges_enabled": prefs.nudges_enabled,
            "share_good_news": prefs.share_good_news}


@bp.get("/preferences")
def get_preferences():
    """The caller's preferences, defaults filled in."""
    with g.runtime.sessions.begin() as session:
        return dump(preferences.get(session, g.user_id))


@bp.route("/preferences", methods=["PUT", "PATCH"])
def update_preferences():
    """Change any of the preferences; what is not given stays as it was."""
    fields = json_body(preferences_in)
    with g.runtime.sessions.begin() as session:
        prefs = preferences.get(session, g.user_id)
        if "kinds" in fields:
            _check_channels_are_mine(session, fields["kinds"])
        preferences.choose(prefs, kinds=fields.get("kinds"), topic_modes=fields.get("topics"))
        if "quiet_hours" in fields:
            quiet = fields["quiet_hours"] or {}
            prefs.quiet_start, prefs.quiet_end = quiet.get("start"), quiet.get("end")
        for name in ("digest_time", "nudges_enabled", "share_good_news"):
            if name in fields:
                setattr(prefs, name, fields[name])
        session.flush()
        return dump(prefs)


def _check_channels_are_mine(session, kinds: dict) -> None:
    wanted = {cid for choice in kinds.values() for cid in (choice.get("channels") or [])}
    if not wanted:
        return
    mine = set(session.scalars(select(Channel.id).where(
        Channel.user_id == g.user_id, Channel.id.in_(wanted))))
    unknown = sorted(wanted - mine)
    if unknown:
        raise ApiError(422, "validation_failed", "Some channels in your choice don't exist.",
                       {"kinds": [f"Unknown channel ids: {unknown}."]})
