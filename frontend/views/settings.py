"""Settings: profile and time zone, password, API tokens, export everything, delete the account.

The account functions live in frontend.accounts and frontend.data_export; this
page only gathers the form and says what happened.
"""
from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, flash, redirect, render_template, request, session, url_for

from frontend import accounts, data_export
from frontend.login import current_user, current_user_id, log_out, login_required, session_token
from frontend.runtime import sessions
from frontend.views import posting_capture, settings_appearance, settings_security, settings_services

bp = Blueprint("settings", __name__, url_prefix="/settings")
# The page's sections with routes of their own: where you're signed in, what the services keep, the look.
bp.register_blueprint(settings_security.bp)
bp.register_blueprint(settings_appearance.bp)
bp.register_blueprint(settings_services.bp)
NEW_TOKEN_KEY = "new_api_token"


@bp.get("")
@login_required
def index():
    """The settings page; a token created a moment ago is shown once, then forgotten."""
    return render_settings()


def render_settings(**extra):
    """The settings page, with anything a form needs to say (an error) in `extra`."""
    user_id = current_user_id()
    new_token = session.pop(NEW_TOKEN_KEY, None)
    return render_template("settings.html", user=current_user(), tokens=accounts.list_tokens(sessions(), user_id),
                           new_token=new_token, bookmarklet=posting_capture.bookmarklet(),
                           **settings_services.service_settings(user_id),
                           **settings_security.security_settings(user_id), **extra)


@bp.post("/profile")
@login_required
def profile():
    """Change the name we greet you by and your time zone."""
    try:
        accounts.update_profile(sessions(), current_user_id(),
                                display_name=request.form.get("display_name", ""),
                                timezone=request.form.get("timezone", "").strip() or "UTC")
    except accounts.AccountError as exc:
        flash(str(exc), "error")
    else:
        flash("Saved.")
    return redirect(url_for(".index"))


@bp.post("/password")
@login_required
def change_password():
    """A new password, with the current one; every other session ends."""
    try:
        accounts.change_password(sessions(), current_user_id(), request.form.get("current_password", ""),
                                 request.form.get("new_password", ""), keep_session=session_token())
    except accounts.AccountError as exc:
        return render_settings(password_error=str(exc)), 422
    flash("Your password is changed. Anywhere else you were signed in is now signed out.")
    return redirect(url_for(".index") + "#security")


@bp.post("/tokens")
@login_required
def create_token():
    """A new personal API token, shown once on the next page."""
    name = request.form.get("name", "").strip()[:120] or "My token"
    session[NEW_TOKEN_KEY] = accounts.create_token(sessions(), current_user()["email"], name=name)
    flash("Your new token is below. Copy it now: we only keep a fingerprint of it.")
    return redirect(url_for(".index") + "#tokens")


@bp.post("/tokens/<token_id>/revoke")
@login_required
def revoke_token(token_id: str):
    accounts.revoke_token(sessions(), current_user_id(), token_id)
    flash("Token revoked. Anything using it will stop working.")
    return redirect(url_for(".index") + "#tokens")


@bp.get("/export")
@login_required
def export():
    """Everything we hold about you, from every service, in one archive."""
    archive = data_export.build_archive(current_user_id())
    name = f"rebound-export-{date.today().isoformat()}.zip"
    return Response(archive, mimetype="application/zip",
                    headers={"Content-Disposition": f'attachment; filename="{name}"',
                             "Cache-Control": "no-store"})


@bp.post("/delete")
@login_required
def delete():
    """Erase the account everywhere, once the person has typed their e-mail to confirm."""
    try:
        accounts.delete_account(sessions(), current_user_id(), request.form.get("confirm_email", ""))
    except accounts.AccountError as exc:
        flash(str(exc), "error")
        return redirect(url_for(".index") + "#delete")
    log_out()
    flash("Your account and everything in it are being erased. Take good care of yourself.")
    return redirect(url_for("auth.login"))
