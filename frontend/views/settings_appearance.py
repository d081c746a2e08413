"""Settings → Appearance: follow the device, or always light, or always dark, on this browser."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, request, url_for

from frontend import appearance
from frontend.login import login_required

bp = Blueprint("appearance", __name__)  # nested in the settings blueprint: /settings/...


@bp.post("/appearance")
@login_required
def save():
    """Remember the chosen look in a cookie; the next page is drawn in it."""
    choice = request.form.get("theme", "system")
    if choice not in appearance.CHOICES:
        choice = "system"
    flash("Appearance saved.")
    return appearance.remember(redirect(url_for("settings.index") + "#appearance"), choice)
