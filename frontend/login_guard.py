"""The sign-in page's guard: the throttle around POST /login, known devices, and the owner's warning.

`install_login_guard` wraps the sign-in view without it knowing: before a POST
it answers 429 when this address must wait (unless the browser is the owner's
and the password is right); after it, a 401 counts as a failure and a redirect
as a success, which also marks this browser as a known device for the account.
"""
from __future__ import annotations

import hashlib
import hmac
import math

from flask import Flask, current_app, make_response, render_template, request, url_for
from itsdangerous import BadSignature, URLSafeSerializer

from frontend import accounts, web_sessions
from frontend.mail import EXTENSION as MAIL, AccountMail
from frontend.ratelimit import EXTENSION, LoginThrottle
from frontend.runtime import runtime, sessions

DEVICE_COOKIE = "rebound_device"
DEVICE_MAX_AGE_S = 365 * 24 * 3600
DEVICE_ACCOUNTS = 5  # a shared family computer may know a few accounts
MESSAGE = ("That's a few too many tries from here, so we've paused sign-in from this place for a "
           "little while to keep the account safe. Please try again in about {wait}.")
GUESSING_MAIL = AccountMail(
    kind="sign_in_warning", subject="Someone may be trying to sign in to your Rebound account",
    title="A heads-up about your account",
    body=("We've seen a number of sign-in attempts with the wrong password for your Rebound account "
          "in the last hour. Your account is safe: nobody got in, and you can still sign in as usual "
          "from your own devices.\n\n"
          "If it was you, there's nothing to do. If it wasn't, choosing a new, longer password is a "
          "good idea; the link below lets you do that."),
    link_label="Choose a new password")


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(runtime().settings.secret_key, salt="rebound.known-device")


def _account_mark(email: str) -> str:
    # Keyed, so the cookie says nothing about which address it knows to anyone without the key.
    key = runtime().settings.secret_key.encode()
    return hmac.new(key, accounts.normalise_email(email).encode(), hashlib.sha256).hexdigest()[:32]


def _known_marks() -> list[str]:
    try:
        marks = _serializer().loads(request.cookies.get(DEVICE_COOKIE, ""))
    except BadSignature:
        return []
    return [m for m in marks if isinstance(m, str)] if isinstance(marks, list) else []


def is_owners_browser(email: str) -> bool:
    """This browser signed in to the account before, or is signed in to it now."""
    if _account_mark(email) in _known_marks():
        return True
    from frontend.login import session_token
    user_id = web_sessions.user_for(sessions(), session_token())
    user = accounts.get_user(sessions(), user_id) if user_id else None
    return bool(user) and user["email"] == accounts.normalise_email(email)


def remember_device(response, email: str) -> None:
    marks = [m for m in _known_marks() if m != _account_mark(email)]
    marks = ([_account_mark(email)] + marks)[:DEVICE_ACCOUNTS]
    response.set_cookie(DEVICE_COOKIE, _serializer().dumps(marks), max_age=DEVICE_MAX_AGE_S, httponly=True,
                        samesite="Lax", secure=runtime().settings.base_url.startswith("https"))


def _readable(seconds: int) -> str:
    if seconds < 90:
        return "a minute"
    return f"{math.ceil(seconds / 60)} minutes"


def throttled_response(retry_after: int, form):
    """The sign-in page again, with a kind explanation, 429 and Retry-After."""
    message = MESSAGE.format(wait=_readable(retry_after))
    response = make_response(render_template("login.html", form=form, error=message), 429)
    response.headers["Retry-After"] = str(retry_after)
    return response


def _warn_owner(email: str) -> None:
    """Tell the owner (if the address has an account) that someone is guessing."""
    if accounts.email_taken(sessions(), email):
        link = runtime().settings.base_url + url_for("password.forgot")
        mail = GUESSING_MAIL
        current_app.extensions[MAIL].send(accounts.normalise_email(email), AccountMail(
            mail.kind, mail.subject, mail.title, mail.body, link, mail.link_label))


def install_login_guard(app: Flask, throttle: LoginThrottle, endpoint: str = "auth.login") -> None:
    """Guard the sign-in form's POST with `throttle`."""
    app.extensions[EXTENSION] = throttle

    def _is_sign_in() -> bool:
        return request.method == "POST" and request.endpoint == endpoint

    @app.before_request
    def _refuse_when_throttled():
        if not _is_sign_in():
            return None
        email = request.form.get("email", "")
        wait = throttle.retry_after(email, request.remote_addr)
        if not wait:
            return None
        if is_owners_browser(email) and accounts.authenticate(sessions(), email, request.form.get("password", "")):
            return None  # the owner, on their own device, with the right password
        return throttled_response(wait, request.form)

    @app.after_request
    def _count_the_outcome(response):
        if _is_sign_in():
            email = request.form.get("email", "")
            if response.status_code == 401 and throttle.record_failure(email, request.remote_addr):
                _warn_owner(email)
            elif 300 <= response.status_code < 400:
                throttle.record_success(email, request.remote_addr)
                remember_device(response, email)
        return response
