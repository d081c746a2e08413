"""The one-click "stop e-mails about this" link in every e-mail to the person.

GET shows what the link would switch off and a button (link scanners in mail
systems only GET, so they change nothing). POST switches it off, without
signing in and without a CSRF token: the signed token in the URL is the
permission, and mail providers POST `List-Unsubscribe=One-Click` (RFC 8058)
with no cookies at all.
"""
from __future__ import annotations

from flask import Blueprint, render_template, request

from frontend import service_client
from frontend.csrf import csrf_exempt

bp = Blueprint("mail_links", __name__, url_prefix="/mail")
NOBODY = "public-link"  # the notifier's public routes read no user token


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@csrf_exempt
def unsubscribe(token: str):
    """GET asks; POST (the button, or a mail provider's one-click) switches the topic off."""
    try:
        reply = service_client.call("notifier", request.method, f"/public/mail/unsubscribe/{token}", NOBODY)
    except service_client.ServiceUnavailable:
        return render_template("mail_unsubscribe.html", state="unavailable", view={}), 503
    if reply.status in (404, 410):
        return render_template("mail_unsubscribe.html", state="invalid", view={}), 410
    if not reply.ok:
        return render_template("mail_unsubscribe.html", state="unavailable", view={}), 502
    state = "done" if request.method == "POST" or not reply.body.get("on") else "ask"
    return render_template("mail_unsubscribe.html", state=state, view=reply.body, token=token)
