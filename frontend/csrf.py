"""CSRF protection: one random token per session, checked on every unsafe request.

Forms send it in the `csrf_token` field; htmx sends it in the X-CSRF-Token
header (set once with hx-headers on <body>). The public API checks it itself
(see views/api.py) because requests carrying a Bearer token are exempt: a
browser never adds that header on its own, so it cannot be forged cross-site.
A view marked `csrf_exempt` carries its own proof instead: the one-click
unsubscribe link (RFC 8058), whose signed token is the permission, is POSTed
by mail providers with no session at all.
"""
from __future__ import annotations

import hmac
import secrets

from flask import Flask, abort, current_app, request, session

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
FIELD = "csrf_token"
HEADER = "X-CSRF-Token"
_SESSION_KEY = "csrf"


def csrf_token() -> str:
    """This session's token, created on first use."""
    if _SESSION_KEY not in session:
        session[_SESSION_KEY] = secrets.token_urlsafe(32)
    return session[_SESSION_KEY]


def csrf_ok() -> bool:
    """Whether the request carries this session's token."""
    expected = session.get(_SESSION_KEY)
    sent = request.headers.get(HEADER) or request.form.get(FIELD)
    return bool(expected and sent) and hmac.compare_digest(str(expected), str(sent))


def csrf_exempt(view):
    """Mark a view whose URL holds a signed token that is its own proof of intent."""
    view.csrf_exempt = True
    return view


def install_csrf(app: Flask) -> None:
    app.jinja_env.globals["csrf_token"] = csrf_token
    app.jinja_env.globals["csrf_field"] = FIELD

    @app.before_request
    def _require_csrf_token():
        # Pages need a token even before sign-in: that stops a forged log-in too.
        if request.method in SAFE_METHODS or request.path.startswith("/api/"):
            return None
        if getattr(current_app.view_functions.get(request.endpoint), "csrf_exempt", False):
            return None
        if not csrf_ok():
            abort(403, description="This form has expired. Please reload the page and try again.")
        return None
