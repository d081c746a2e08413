"""Slowing down password guessing: failed sign-ins counted per e-mail and per client address.

The counts live in the frontend database (table login_attempts) so every web
worker sees the same numbers. A successful sign-in clears the e-mail's count;
the address count only ages out, so one account that works cannot unlock
guessing at the others from the same place.

`install_login_throttle` wraps the sign-in page without the page knowing:
before a POST it refuses with 429 when a limit is reached; after it, a 401
answer counts as a failure and a redirect as a success.
"""
from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime, timedelta

from flask import Flask, make_response, render_template, request
from sqlalchemy import delete, func, select
from sqlalchemy.orm import sessionmaker

from frontend.accounts import normalise_email
from frontend.models import LoginAttempt
from shared.tables import utcnow

WINDOW = timedelta(minutes=15)
MAX_PER_EMAIL = 5
# Higher than the per-account limit: one office or home network can hold many people.
MAX_PER_ADDRESS = 20
EXTENSION = "rebound.login_throttle"
MESSAGE = ("That's a few too many tries for now, so we've paused sign-in for this account "
           "for a little while to keep it safe. Please try again in about {minutes} minutes.")


class LoginThrottle:
    """Counts failures in a sliding window; `clock` is injectable for tests."""

    def __init__(self, sessions: sessionmaker, clock: Callable[[], datetime] = utcnow):
        self.sessions, self.clock = sessions, clock

    @staticmethod
    def _keys(email: str, address: str | None) -> dict[str, int]:
        keys = {f"email:{normalise_email(email)}": MAX_PER_EMAIL}
        if address:
            keys[f"ip:{address}"] = MAX_PER_ADDRESS
        return keys

    def retry_after(self, email: str, address: str | None) -> int | None:
        """Seconds until another try is allowed, or None if one is allowed now."""
        now = self.clock()
        waits = []
        with self.sessions() as session:
            for key, limit in self._keys(email, address).items():
                since = now - WINDOW
                count, oldest = session.execute(
                    select(func.count(), func.min(LoginAttempt.attempted_at))
                    .where(LoginAttempt.key == key, LoginAttempt.attempted_at > since)).one()
                if count >= limit:
                    waits.append(max(1, math.ceil((oldest + WINDOW - now).total_seconds())))
        return max(waits) if waits else None

    def record_failure(self, email: str, address: str | None) -> None:
        now = self.clock()
        with self.sessions.begin() as session:
            # Old rows are worth nothing; clearing them here keeps the table small.
            session.execute(delete(LoginAttempt).where(LoginAttempt.attempted_at <= now - WINDOW))
            session.add_all(LoginAttempt(key=key, attempted_at=now) for key in self._keys(email, address))

    def record_success(self, email: str) -> None:
        with self.sessions.begin() as session:
            session.execute(delete(LoginAttempt).where(
                LoginAttempt.key == f"email:{normalise_email(email)}"))


def throttled_response(retry_after: int, form) -> object:
    """The sign-in page again, with a kind explanation, 429 and Retry-After."""
    message = MESSAGE.format(minutes=max(1, math.ceil(retry_after / 60)))
    response = make_response(render_template("login.html", form=form, error=message), 429)
    response.headers["Retry-After"] = str(retry_after)
    return response


def install_login_throttle(app: Flask, throttle: LoginThrottle, endpoint: str = "auth.login") -> None:
    """Guard the sign-in form's POST with `throttle`."""
    app.extensions[EXTENSION] = throttle

    def _is_sign_in() -> bool:
        return request.method == "POST" and request.endpoint == endpoint

    @app.before_request
    def _refuse_when_throttled():
        if not _is_sign_in():
            return None
        wait = throttle.retry_after(request.form.get("email", ""), request.remote_addr)
        return throttled_response(wait, request.form) if wait else None

    @app.after_request
    def _count_the_outcome(response):
        if _is_sign_in():
            email = request.form.get("email", "")
            if response.status_code == 401:
                throttle.record_failure(email, request.remote_addr)
            elif 300 <= response.status_code < 400:
                throttle.record_success(email)
        return response
