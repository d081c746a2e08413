"""Who is signed in: the session row the cookie names, `login_required` for pages, `session_required` for polls.

The signed cookie holds a random session token (and the CSRF token, flashes);
who it belongs to is known only from the row in web_sessions (see web_sessions.py).
"""
from __future__ import annotations

import functools

from flask import g, make_response, redirect, request, session, url_for

from frontend import accounts, visits, web_sessions
from frontend.runtime import sessions

_TOKEN_KEY = "sid"


def log_in(user: dict) -> None:
    """Start a fresh session for the user; clearing first rules out session fixation."""
    web_sessions.end(sessions(), session.get(_TOKEN_KEY))
    session.clear()
    session.permanent = True
    session[_TOKEN_KEY] = web_sessions.start(sessions(), user["id"], request.user_agent.string,
                                             request.remote_addr)
    g.pop("user", None)
    g.user_id = user["id"]
    visits.remember_this_browser()


def log_out() -> None:
    """End this session for good: the row goes, so a copied cookie stops working too."""
    web_sessions.end(sessions(), session.get(_TOKEN_KEY))
    session.clear()
    g.pop("user", None)
    g.user_id = None


def session_token() -> str | None:
    """This browser's session token, for telling its row apart in the list."""
    return session.get(_TOKEN_KEY)


def _signed_in_user_id() -> str | None:
    """Whose live session the cookie names, read once per request."""
    if "user_id" not in g:
        g.user_id = web_sessions.user_for(sessions(), session.get(_TOKEN_KEY))
        if g.user_id is None and _TOKEN_KEY in session:  # ended elsewhere or expired
            session.pop(_TOKEN_KEY)
    return g.user_id


def current_user() -> dict | None:
    """The signed-in user, loaded once per request; None when signed out."""
    if "user" not in g:
        user_id = _signed_in_user_id()
        g.user = accounts.get_user(sessions(), user_id) if user_id else None
    return g.user


def current_user_id() -> str:
    """The signed-in user's id; only for views behind login_required or session_required."""
    return _signed_in_user_id()


def _to_sign_in():
    """Signed-out visitors go to the sign-in page (htmx follows with HX-Redirect)."""
    target = url_for("auth.login")
    if request.headers.get("HX-Request") == "true":
        response = make_response("", 401)
        response.headers["HX-Redirect"] = target
        return response
    return redirect(target)


def login_required(view):
    """Only for signed-in users whose account still exists (read once per request)."""

    @functools.wraps(view)
    def guarded(*args, **kwargs):
        return _to_sign_in() if current_user() is None else view(*args, **kwargs)

    return guarded


def session_required(view):
    """For frequent polls that need only who is asking: one look-up of the session row, no user read."""

    @functools.wraps(view)
    def guarded(*args, **kwargs):
        return _to_sign_in() if _signed_in_user_id() is None else view(*args, **kwargs)

    return guarded
