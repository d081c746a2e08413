"""POST /postings/read: a posting's link or text in, the fields of a new application out (nothing is saved)."""
from __future__ import annotations

from flask import Blueprint, g

from services.tracker import posting_fetch, postings
from services.tracker.posting_schemas import posting_in
from shared.public_addresses import REFUSED
from shared.web import ApiError, json_body

bp = Blueprint("postings", __name__)

PASTE_INSTEAD = "You can paste the posting's text instead."
WHY = {
    "private": f"{REFUSED} {PASTE_INSTEAD}",
    "too_large": f"That page is larger than we read (1 MB). {PASTE_INSTEAD}",
    "timeout": f"That page took too long to answer. {PASTE_INSTEAD}",
}


@bp.post("/postings/read")
def read():
    """Prefill an application from a posting: fetched server-side from its URL, or pasted."""
    given = json_body(posting_in)
    if given.get("text"):
        return postings.read_pasted(given["text"])
    try:
        page = posting_fetch.fetch(given["url"], g.runtime.settings.allow_private_targets)
    except posting_fetch.Unreadable as exc:
        message = WHY.get(exc.reason, f"We couldn't read that page. {PASTE_INSTEAD}")
        raise ApiError(422, "posting_unreadable", message, {"url": [message]}) from None
    return postings.read_page(page.html, given["url"])
