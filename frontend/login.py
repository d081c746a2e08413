"""Who is signed in: the cookie session and the `login_required` guard for pages."""
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
    """The signed-in user's id; only for views behind login_required."""
    return current_user()["id"]


def login_required(view):
    """Send signed-out visitors to the sign-in page (htmx follows with HX-Redirect)."""

    @functools.wraps(view)
    def guarded(*args, **kwargs):
        if current_user() is None:
            target = url_for("auth.login")
            if request.headers.get("HX-Request") == "true":
                response = make_response("", 401)
                response.headers["HX-Redirect"] = target
                return response
            return redirect(target)
        return view(*args, **kwargs)

    return guarded
