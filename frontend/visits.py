"""Whether this browser has signed in before: "Welcome" the first time, "Welcome back" after.

A plain cookie set at sign-in decides it; it says nothing about who, only that someone
has signed in here, so a stranger's first visit is greeted as one.
"""
from __future__ import annotations

from flask import after_this_request, has_request_context, request

COOKIE = "rebound_known"
FIVE_YEARS = 5 * 365 * 24 * 3600


def seen_before() -> bool:
    return has_request_context() and request.cookies.get(COOKIE) == "1"


def remember_this_browser() -> None:
    """Mark this browser as one that has signed in, on whatever response the request sends."""
    @after_this_request
    def mark(response):
        response.set_cookie(COOKIE, "1", max_age=FIVE_YEARS, httponly=True, samesite="Lax", secure=request.is_secure)
        return response
