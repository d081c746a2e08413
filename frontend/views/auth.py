"""Registering, signing in and signing out."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for

from frontend import accounts
from frontend.login import current_user, log_in, log_out
from frontend.runtime import sessions

bp = Blueprint("auth", __name__)


@bp.route("/register", methods=["GET", "POST"])
def register():
    """Create an account, then go straight to the dashboard."""
    if request.method == "GET":
        return render_template("register.html", form={})
    form = request.form
    try:
        user = accounts.create_user(sessions(), form.get("email", ""), form.get("password", ""),
                                    display_name=form.get("display_name"),
                                    timezone=form.get("timezone") or "UTC")
    except accounts.AccountError as exc:
        return render_template("register.html", form=form, error=str(exc)), 422
    log_in(user)
    flash("Welcome to Rebound. We're glad you're here.")
    return redirect(url_for("dashboard.index"))


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Sign in with e-mail and password."""
    if request.method == "GET":
        if current_user():
            return redirect(url_for("dashboard.index"))
        return render_template("login.html", form={})
    user = accounts.authenticate(sessions(), request.form.get("email", ""),
                                 request.form.get("password", ""))
    if user is None:
        error = "That e-mail and password don't match an account. Please try again."
        return render_template("login.html", form=request.form, error=error), 401
    log_in(user)
    return redirect(url_for("dashboard.index"))


@bp.post("/logout")
def logout():
    """Sign out and forget the session."""
    log_out()
    flash("You're signed out. Take care of yourself.")
    return redirect(url_for("auth.login"))
