"""Settings, "Signing in": where you're signed in and ending sessions (the password form is the page's own)."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, url_for

from frontend import accounts, web_sessions
from frontend.login import current_user_id, login_required, session_token
from frontend.runtime import runtime, sessions

bp = Blueprint("security", __name__)  # nested in the settings blueprint: /settings/...


def security_settings(user_id: str) -> dict:
    """What the "Signing in" section shows."""
    return {"web_sessions": web_sessions.list_sessions(sessions(), user_id, current=session_token()),
            "local_login": runtime().settings.local_login,
            "has_password": accounts.has_password(sessions(), user_id)}


def _back():
    return redirect(url_for("settings.index") + "#security")


@bp.post("/sessions/end-others")
@login_required
def end_other_sessions():
    """Sign out everywhere but here."""
    ended = web_sessions.end_others(sessions(), current_user_id(), keep_token=session_token())
    flash("You're now signed out everywhere else." if ended else "You weren't signed in anywhere else.")
    return _back()


@bp.post("/sessions/<session_id>/end")
@login_required
def end_session(session_id: str):
    """Sign out one other device."""
    if web_sessions.end_one(sessions(), current_user_id(), session_id[:36]):
        flash("That device is signed out.")
    return _back()
