"""Pages for supporters' links: look first (GET changes nothing), then confirm with a button."""
from __future__ import annotations

from flask import Blueprint, render_template, request

from frontend import service_client

bp = Blueprint("public", __name__, url_prefix="/supporters")
# The notifier's public routes read no token; the signed header names nobody in particular.
NOBODY = "public-link"


@bp.route("/<any(confirm, unsubscribe):action>/<token>", methods=["GET", "POST"])
def link(action: str, token: str):
    """GET shows what the link is for; POST does it; a bad or old link gets a kind page."""
    method = request.method
    try:
        reply = service_client.call("notifier", method, f"/public/supporters/{action}/{token}", NOBODY)
    except service_client.ServiceUnavailable:
        return render_template("public_link.html", action=action, state="unavailable", view={}), 503
    if reply.status in (404, 410):
        return render_template("public_link.html", action=action, state="invalid", view={}), 410
    if not reply.ok:
        return render_template("public_link.html", action=action, state="unavailable", view={}), 502
    state = "done" if method == "POST" else "ask"
    return render_template("public_link.html", action=action, state=state, view=reply.body, token=token)
