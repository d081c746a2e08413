"""What each dashboard panel shows, gathered from the services.

A panel whose service is down says so and the rest of the page carries on.
Each live panel carries a digest of what it shows; its poll sends the digest
back and gets 204 when nothing changed, so the browser swaps (and a screen
reader announces) only real news, and nobody's half-typed answer is wiped.
"""
from __future__ import annotations

import hashlib
import json
from collections import Counter

from frontend.services import ServiceUnavailable, fetch_items
from shared.events import STAGES

# Enough for a whole search; the services cap a page at 1000.
APPLICATION_PAGE = 1000
NOTIFICATION_PAGE = 20

STAGE_LABELS = {
    "saved": "Saved", "applied": "Applied", "screening": "Screening",
    "interview": "Interviewing", "final_interview": "Final round", "offer": "Offer",
    "accepted": "Accepted", "rejected": "Not this time", "withdrawn": "Withdrew",
    "ghosted": "No reply",
}
REASON_LABELS = {
    "no_response": "They never replied", "position_filled": "The role was filled",
    "experience": "They wanted different experience", "skills": "They wanted other skills",
    "culture_fit": "Team fit", "compensation": "Pay didn't line up", "location": "Location",
    "other": "Something else",
}


def digest(items: object) -> str:
    """A short fingerprint of what a panel shows."""
    encoded = json.dumps(items, sort_keys=True, default=str).encode()
    return hashlib.sha256(encoded).hexdigest()[:16]


def pipeline_counts(applications: list[dict]) -> list[dict]:
    """How many applications sit in each stage, in pipeline order, empty stages left out."""
    counts = Counter(app.get("stage") for app in applications)
    return [{"stage": s, "label": STAGE_LABELS[s], "count": counts[s]} for s in STAGES if counts[s]]


def applications_panel(user_id: str) -> dict:
    try:
        items = fetch_items("tracker", "/applications", user_id, {"limit": APPLICATION_PAGE})
    except ServiceUnavailable:
        return {"applications": [], "pipeline": [], "tracker_down": True}
    return {"applications": items, "pipeline": pipeline_counts(items), "tracker_down": False}


def reflections_panel(user_id: str) -> dict:
    try:
        items = fetch_items("coach", "/reflections", user_id, {"status": "open"})
    except ServiceUnavailable:
        return {"reflections": [], "coach_down": True, "reflections_digest": "down"}
    return {"reflections": items, "coach_down": False, "reflections_digest": digest(items)}


def notifications_panel(user_id: str) -> dict:
    try:
        items = fetch_items("notifier", "/notifications", user_id, {"limit": NOTIFICATION_PAGE})
    except ServiceUnavailable:
        return {"notifications": [], "notifier_down": True, "notifications_digest": "down"}
    return {"notifications": items, "notifier_down": False, "notifications_digest": digest(items)}


def service_message(reply) -> str:
    """The human part of a service's error answer."""
    error = reply.body.get("error") if isinstance(reply.body, dict) else None
    if isinstance(error, dict) and error.get("message"):
        return str(error["message"])
    return "That didn't go through. Please try again in a moment."


def service_fields(reply) -> dict:
    error = reply.body.get("error") if isinstance(reply.body, dict) else None
    fields = error.get("fields") if isinstance(error, dict) else None
    return fields if isinstance(fields, dict) else {}
