"""Routes for the caller's tracker settings (auto-ghosting)."""
from __future__ import annotations

from flask import Blueprint, g

from services.tracker.models import TrackerSettings
from services.tracker.schemas import settings_in, settings_out
from shared.web import json_body

bp = Blueprint("tracker_settings", __name__)


@bp.get("/settings")
def get_settings():
    """The caller's tracker settings."""
    with g.runtime.sessions() as session:
        row = session.get(TrackerSettings, g.user_id)
        return settings_out.dump(row or TrackerSettings(auto_ghost=False))


@bp.patch("/settings")
def patch_settings():
    """Turn auto-ghosting on or off."""
    fields = json_body(settings_in)
    with g.runtime.sessions.begin() as session:
        row = session.get(TrackerSettings, g.user_id) or TrackerSettings(user_id=g.user_id)
        row.auto_ghost = fields["auto_ghost"]
        session.add(row)
        return settings_out.dump(row)
