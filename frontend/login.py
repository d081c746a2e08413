"""Who is signed in: the cookie session, `login_required` for pages and `session_required` for polls."""
from __future__ import annotations

import functools

from flask import g, make_response, redirect, request, session, url_for

from frontend import accounts
from frontend.runtime import sessions

_USER_KEY = "user_id"


def log_in(user: dict) -> None:
    """Start a fresh session for the user; clearing first rules out session fixation."""
    session.clear()
    session.permanent = True
    session[_USER_KEY] = user["id"]


def log_out() -> None:
    session.clear()


def current_user() -> dict | None:
    """The signed-in user, loaded once per request; None when signed out."""
    if "user" not in g:
        user_id = session.get(_USER_KEY)
        g.user = accounts.get_user(sessions(), user_id) if user_id else None
        if user_id and g.user is None:  # the account is gone: forget the session
            session.clear()
    return g.user


def current_user_id() -> str:
    """The signed-in user's id; only for views behind login_required or session_required."""
    return session[_USER_KEY]


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
    """For frequent polls that need only who is asking: the signed session cookie, no database read.

    An account deleted meanwhile gets nothing from such a poll (every service
    has erased its rows), and its next page load ends the session.
    """

    @functools.wraps(view)
    def guarded(*args, **kwargs):
        return _to_sign_in() if session.get(_USER_KEY) is None else view(*args, **kwargs)

    return guarded
