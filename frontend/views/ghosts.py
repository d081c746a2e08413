"""Applications that went quiet: the tracker offers them, the person decides ("No reply" or "Not yet")."""
from __future__ import annotations

from flask import Blueprint, url_for

from frontend import panels, service_client
from frontend.login import login_required
from frontend.views.actions import act

bp = Blueprint("ghosts", __name__)  # nested in the applications blueprint: /applications/...

ANSWERS = {"ghost": ("", "Marked as no reply. Their silence isn't a judgement of you."),
           "keep": ("/dismiss", "Okay, we'll keep it open. Fingers crossed.")}


def ghosts_panel(user_id: str) -> dict:
    """Applications the tracker thinks went quiet, waiting for the person's word."""
    try:
        return {"ghosts": panels.items("tracker", "/ghost-candidates", user_id), "ghosts_down": False}
    except service_client.ServiceUnavailable:
        return {"ghosts": [], "ghosts_down": True}


@bp.post("/<int:application_id>/<any(ghost, keep):answer>")
@login_required
def answer(application_id: int, answer: str):
    """Mark an application as having gone quiet, or keep waiting on it."""
    suffix, message = ANSWERS[answer]
    return act("tracker", "POST", f"/applications/{application_id}/ghost{suffix}", message,
               url_for("applications.index") + "#quiet")
