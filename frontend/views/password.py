"""Forgot your password: ask for a link by e-mail, then choose a new password with it."""
from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for

from frontend import accounts, password_reset
from frontend.login import log_in
from frontend.mail import EXTENSION as MAIL, AccountMail
from frontend.ratelimit import Counter
from frontend.runtime import runtime, sessions

bp = Blueprint("password", __name__, url_prefix="/password")


@bp.before_request
def _only_with_local_login():
    if not runtime().settings.local_login:  # passwords aren't used here: the provider signs people in
        abort(404)

ASKS_PER_ADDRESS = 10  # per hour, from one client address
MAILS_PER_ACCOUNT = 3  # per hour to one inbox; more asks are answered the same, silently
WINDOW = timedelta(hours=1)

RESET_MAIL = AccountMail(
    kind="password_reset",
    subject="Your Rebound password reset link",
    title="Choose a new password",
    body=("Someone, hopefully you, asked to reset the password of your Rebound account.\n\n"
          "The link below lets you choose a new one. It works once, for the next hour.\n\n"
          "If it wasn't you, you can ignore this mail: your password stays as it is."),
    link_label="Choose a new password",
)


@bp.route("/forgot", methods=["GET", "POST"])
def forgot():
    """Ask for a reset link; the answer is the same whether or not the address has an account."""
    if request.method == "GET":
        return render_template("password_forgot.html", sent=False)
    settings = runtime().settings
    counter = Counter(sessions())
    asker = f"reset-ip:{request.remote_addr}"
    if counter.wait_for(asker, ASKS_PER_ADDRESS, WINDOW):
        return render_template("password_forgot.html", sent=False, throttled=True), 429
    counter.add(asker)
    email = accounts.normalise_email(request.form.get("email", ""))
    found = password_reset.token_for_email(sessions(), settings.secret_key, email)
    if found and not counter.wait_for(f"reset:{email}", MAILS_PER_ACCOUNT, WINDOW):
        counter.add(f"reset:{email}")
        user = accounts.get_user(sessions(), found[0])
        link = f"{settings.base_url}{url_for('.reset', token=found[1])}"
        current_app.extensions[MAIL].send(user["email"], _with_link(RESET_MAIL, link))
    return render_template("password_forgot.html", sent=True)


def _with_link(mail: AccountMail, link: str) -> AccountMail:
    return AccountMail(mail.kind, mail.subject, mail.title, mail.body, link, mail.link_label)


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset(token: str):
    """Choose a new password with a link from the mail; every other session ends."""
    user_id = password_reset.user_for_token(sessions(), runtime().settings.secret_key, token)
    if user_id is None:
        abort(400, description="This link has expired or was already used. "
                               "You can ask for a new one on the sign-in page.")
    if request.method == "GET":
        return render_template("password_reset.html", token=token)
    try:
        accounts.set_password(sessions(), user_id, request.form.get("new_password", ""))
    except accounts.AccountError as exc:
        return render_template("password_reset.html", token=token, error=str(exc)), 422
    log_in(accounts.get_user(sessions(), user_id))
    flash("Your new password is set, and you're signed in. Anywhere else is now signed out.")
    return redirect(url_for("dashboard.index"))
