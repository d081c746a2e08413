"""The look a person chose (follow the device, light or dark), kept in a cookie on their browser.

The server writes the choice on <html> as data-theme, so the stylesheet can override
prefers-color-scheme without any script (the CSP allows none inline).
"""
from __future__ import annotations

from flask import Response, has_request_context, request

COOKIE = "rebound_theme"
CHOICES = {"system": "Follow my device", "light": "Light", "dark": "Dark"}
YEAR = 365 * 24 * 3600


def chosen() -> str:
    """The person's choice on this browser; "system" when they made none."""
    value = request.cookies.get(COOKIE) if has_request_context() else None
    return value if value in CHOICES else "system"


def remember(response: Response, choice: str) -> Response:
    """Keep the choice for a year; "system" forgets it, so the device decides again."""
    if choice in ("light", "dark"):
        response.set_cookie(COOKIE, choice, max_age=YEAR, httponly=True, samesite="Lax", secure=request.is_secure)
    else:
        response.delete_cookie(COOKIE, httponly=True, samesite="Lax", secure=request.is_secure)
    return response
