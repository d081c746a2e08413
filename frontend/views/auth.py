"""Signing up (as REBOUND_SIGNUP allows), signing in and signing out."""
from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for

from frontend import accounts, signups
from frontend.login import current_user, log_in, log_out
from frontend.mail import EXTENSION as MAIL
from frontend.ratelimit import Counter
from frontend.runtime import runtime, sessions

bp = Blueprint("auth", __name__)
SIGNUPS_PER_ADDRESS = 5
SIGNUP_WINDOW = timedelta(hours=1)


def _mode() -> str:
    return runtime().settings.signup


def _signup_page(status: int = 200, **context):
    context.setdefault("form", {})
    return render_template("register.html", mode=_mode(), **context), status


def _signup_throttled() -> bool:
    counter = Counter(sessions())
    key = f"signup-ip:{request.remote_addr}"
    if counter.wait_for(key, SIGNUPS_PER_ADDRESS, SIGNUP_WINDOW):
        return True
    counter.add(key)
    return False


@bp.route("/register", methods=["GET", "POST"])
def register():
    """Sign up: with an invitation (invite mode), or by confirming the address by e-mail (open mode)."""
    invite = request.values.get("invite") or None
    invited = signups.invitation_for(sessions(), invite) if _mode() == "invite" else None
    if request.method == "GET":
        return _signup_page(invited=invited, invite=invite)
    if _mode() == "closed" or (_mode() == "invite" and invited is None) or not runtime().settings.local_login:
        return _signup_page(403, invited=None, refused=True)
    if _signup_throttled():
        return _signup_page(429, form=request.form, invited=invited, invite=invite,
                            error="That's a lot of sign-ups from here in a short time. Please try again in an hour.")
    form = request.form
    try:
        if invited:
            user = signups.accept_invitation(sessions(), invite, form.get("password", ""),
                                             form.get("display_name"), form.get("timezone") or "UTC")
            log_in(user)
            flash("Welcome to Rebound. We're glad you're here.")
            return redirect(url_for("dashboard.index"))
        _start_open_signup(form)
    except accounts.AccountError as exc:
        return _signup_page(422, form=form, invited=invited, invite=invite, error=str(exc))
    settings = runtime().settings
    # On a laptop without a mail server, say where the mail went; never tell a public visitor a path.
    local_mail = not settings.smtp_url and not settings.production
    return _signup_page(sent_to=accounts.normalise_email(form.get("email", "")),
                        mail_dir=settings.data_dir / "mail" if local_mail else None)


def _start_open_signup(form) -> None:
    """Mail a confirmation link, or, for an address that has an account, a mail saying so."""
    email, timezone = form.get("email", ""), (form.get("timezone") or "UTC").strip()
    accounts.check_new_account(email, form.get("password", ""), timezone)
    # Hash either way, so both answers take as long.
    password_hash = accounts.hash_password(form.get("password", ""))
    base = runtime().settings.base_url
    if accounts.email_taken(sessions(), email):
        mail = signups.taken_mail(base + url_for("auth.login"))
    else:
        token = signups.start_signup(sessions(), email, password_hash, form.get("display_name"), timezone)
        mail = signups.confirm_mail(base + url_for("auth.confirm", token=token))
    current_app.extensions[MAIL].send(accounts.normalise_email(email), mail)


@bp.route("/register/confirm/<token>", methods=["GET", "POST"])
def confirm(token: str):
    """The link from the sign-up mail: a button first, so a mail scanner's visit makes nothing."""
    if request.method == "GET":
        return render_template("register_confirm.html", token=token)
    try:
        user = signups.confirm_signup(sessions(), token)
    except accounts.AccountError as exc:
        abort(400, description=str(exc))
    log_in(user)
    flash("Welcome to Rebound. We're glad you're here.")
    return redirect(url_for("dashboard.index"))


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Sign in with e-mail and password (or the provider's button, when there is one)."""
    if request.method == "GET":
        if current_user():
            return redirect(url_for("dashboard.index"))
        return render_template("login.html", form={})
    if not runtime().settings.local_login:
        abort(403, description="Here you sign in through your sign-in provider.")
    user = accounts.authenticate(sessions(), request.form.get("email", ""),
                                 request.form.get("password", ""))
    if user is None:
        error = "That e-mail and password don't match an account. Please try again."
        return render_template("login.html", form=request.form, error=error), 401
    log_in(user)
    return redirect(url_for("dashboard.index"))


@bp.post("/logout")
def logout():
    """Sign out and forget the session; and at the provider, when we came from one that can."""
    from frontend.views.oidc_login import ID_TOKEN_KEY, provider_logout_url
    id_token = session.get(ID_TOKEN_KEY)
    log_out()
    flash("You're signed out. Take care of yourself.")
    return redirect(provider_logout_url(id_token) or url_for("auth.login"))
