"""Start an application from a job posting: its link or its text fills the add form, the person checks it.

The tracker reads the posting (and fetches the link, carefully); nothing is saved
until the person sends the normal add form. The Settings bookmarklet opens the add
page with ?posting_url=…, which reads the page the person was looking at.
"""
from __future__ import annotations

import json

from flask import Blueprint, flash, render_template, request, url_for

from frontend import panels, service_client
from frontend.login import current_user_id, login_required
from frontend.views.render import is_fragment_request

bp = Blueprint("posting_capture", __name__)  # nested in the applications blueprint: /applications/...

READ_TIMEOUT = 10  # the tracker gives a page 5 s; a little more for the rest
PASTE_INSTEAD = "You can paste the posting's text instead."
SAID = {
    "json_ld": "We filled in what the posting says. Have a look, change anything, then add it.",
    "meta_tags": "We filled in what we could find. Have a look and fill in the rest.",
    "text": "We filled in what we could find. Have a look and fill in the rest.",
}


def bookmarklet() -> str:
    """A javascript: link that opens the add page with the address of the page it is clicked on.
    It runs on that other page, never on ours, so our strict CSP is not in its way."""
    add_page = json.dumps(url_for("applications.new", _external=True) + "?posting_url=")
    return f"javascript:void(location.href={add_page}+encodeURIComponent(location.href))"


def read_posting(given: dict) -> tuple[dict, str, str]:
    """(draft for the add form, what to tell the person, tone) for {"url": …} or {"text": …}."""
    draft = {"url": given["url"]} if given.get("url") else {}
    try:
        reply = service_client.call("tracker", "POST", "/postings/read", current_user_id(), json=given,
                                    timeout=READ_TIMEOUT)
    except service_client.ServiceUnavailable:
        return draft, f"We couldn't read that just now. {PASTE_INSTEAD}", "error"
    if not reply.ok:
        said = panels.service_fields(reply)
        reasons = [m for name in ("url", "text", "_schema") for m in said.get(name) or [] if isinstance(m, str)]
        return draft, reasons[0] if reasons else panels.service_message(reply), "error"
    draft.update(reply.body.get("fields") or {})
    read_from = reply.body.get("read_from")
    if read_from not in SAID:
        return draft, f"We couldn't find the posting's details there. {PASTE_INSTEAD}", "error"
    return draft, SAID[read_from], ""


def page(draft: dict, message: str = "", tone: str = "", given: dict | None = None, status: int = 200):
    """The add page (or, for htmx, its posting and form part) with the draft filled in."""
    context = {"draft": draft, "errors": {}, "posting": given or {}}
    if is_fragment_request():
        body = render_template("_partials/new_application.html", **context)
        if message:
            body += render_template("_partials/notice_oob.html", message=message, tone=tone)
        return body, status
    if message:
        flash(message, tone or "message")
    return render_template("application_new.html", **context), status


@bp.post("/new/posting")
@login_required
def read():
    """Fill the add form from a posting's link or pasted text."""
    url = request.form.get("posting_url", "").strip()
    text = request.form.get("posting_text", "").strip()
    if not url and not text:
        return page({}, "Paste the posting's link or its text, and we'll fill in what we can.", "error",
                     status=422)
    given = {"url": url} if url else {"text": text}
    draft, message, tone = read_posting(given)
    return page(draft, message, tone, given, 422 if tone == "error" else 200)
