"""The page an e-mail address's owner reaches from a confirmation link: look (GET changes
nothing), then say yes with a button. Until then no message goes to that address."""
from __future__ import annotations

from flask import Blueprint, render_template, request

from frontend import service_client
from frontend.views.public import NOBODY

bp = Blueprint("channel_links", __name__, url_prefix="/channels/verify")


@bp.route("/<token>", methods=["GET", "POST"])
def verify(token: str):
    """GET shows what the link is for; POST confirms the address; a bad or old link gets a kind page."""
    try:
        reply = service_client.call("notifier", request.method, f"/public/channels/verify/{token}", NOBODY)
    except service_client.ServiceUnavailable:
        return render_template("channel_verify.html", state="unavailable"), 503
    if reply.status in (404, 410):
        return render_template("channel_verify.html", state="invalid"), 410
    if not reply.ok:
        return render_template("channel_verify.html", state="unavailable"), 502
    done = request.method == "POST" or reply.body.get("verified")
    return render_template("channel_verify.html", state="done" if done else "ask", token=token)
