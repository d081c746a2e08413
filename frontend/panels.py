"""What each page panel shows, gathered from the services.

A panel whose service is down says so and the rest of the page carries on.
A page asks all its panels at once (gather), each with a short timeout, so one
slow service costs at most that timeout, not the sum of them.
Each live panel carries a digest of what it shows; its poll sends the digest
back and gets 204 when nothing changed, so the browser swaps (and a screen
reader announces) only real news, and nobody's half-typed answer is wiped.
"""
from __future__ import annotations

import hashlib
import json
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from flask import current_app

from frontend import service_client
from frontend.service_client import ServiceUnavailable
from shared.events import STAGES

# Enough for a whole search on the board; the services cap a page at 1000.
APPLICATION_PAGE = 1000
# Today reads the newest few (their follow-ups) and links to the board; its counts come from /stats/stages.
TODAY_APPLICATIONS = 20
NOTIFICATION_PAGE = 5  # the Today panel shows the latest few; the inbox has the rest
TODAY_REFLECTIONS = 1  # Today asks the newest open question; the journal holds them all
# A panel waits this long for its service before saying it is unavailable.
PANEL_TIMEOUT = 2.0

STAGE_LABELS = {
    "saved": "Saved", "applied": "Applied", "screening": "Screening",
    "interview": "Interviewing", "final_interview": "Final round", "offer": "Offer",
    "accepted": "Accepted", "rejected": "Not this time", "withdrawn": "Withdrew",
    "ghosted": "No reply",
}
REASON_LABELS = {
    "no_response": "They never replied", "position_filled": "The role was filled",
    "internal_candidate": "They chose someone from inside", "budget": "No budget for the role",
    "position_closed": "The role was closed", "experience": "They wanted different experience",
    "skills": "They wanted other skills", "communication": "Communication", "culture_fit": "Team fit", "compensation": "Pay didn't line up", "location": "Location",
    "other": "Something else",
}
CLOSED_STAGES = ("rejected", "withdrawn", "ghosted")


def digest(items: object) -> str:
    """A short fingerprint of what a panel shows."""
    encoded = json.dumps(items, sort_keys=True, default=str).encode()
    return hashlib.sha256(encoded).hexdigest()[:16]


def gather(*loaders) -> dict:
    """Run panel loaders side by side and merge what they return."""
    app = current_app._get_current_object()

    def run(loader):
        with app.app_context():
            return loader()

    merged: dict = {}
    if threading.current_thread().name.startswith(_POOL_NAME):  # a loader that gathers: no waiting on ourselves
        parts = map(run, loaders)
    else:
        parts = _pool().map(run, loaders)
    for part in parts:
        merged.update(part)
    return merged


# One long-lived pool per process: its threads keep their per-thread HTTP sessions
# (frontend/service_client.py), so pages reuse connections to the services instead of
# opening new ones for every panel of every page.
_POOL_NAME = "panels"
_pool_lock = threading.Lock()
_shared: list[ThreadPoolExecutor] = []


def _pool() -> ThreadPoolExecutor:
    with _pool_lock:
        if not _shared:
            _shared.append(ThreadPoolExecutor(max_workers=48, thread_name_prefix=_POOL_NAME))
        return _shared[0]


def items(service: str, path: str, user_id: str, params: dict | None = None) -> list[dict]:
    """A list endpoint's items within the panel timeout; any failure counts as unavailable."""
    reply = service_client.call(service, "GET", path, user_id, params=params, timeout=PANEL_TIMEOUT)
    if not reply.ok:
        raise ServiceUnavailable(service)
    return list(reply.body.get("items") or [])


def document(service: str, path: str, user_id: str, params: dict | None = None) -> dict:
    """A single JSON document within the panel timeout."""
    reply = service_client.call(service, "GET", path, user_id, params=params, timeout=PANEL_TIMEOUT)
    if not reply.ok:
        raise ServiceUnavailable(service)
    return reply.body


def pipeline_counts(applications: list[dict]) -> list[dict]:
    """How many applications sit in each stage, in pipeline order, empty stages left out."""
    counts = Counter(app.get("stage") for app in applications)
    return [{"stage": s, "label": STAGE_LABELS[s], "count": counts[s]} for s in STAGES if counts[s]]


def stage_counts(by_stage: dict) -> list[dict]:
    """The tracker's per-stage counts in pipeline order, empty stages left out."""
    return [{"stage": s, "label": STAGE_LABELS[s], "count": by_stage[s]} for s in STAGES if by_stage.get(s)]


def applications_panel(user_id: str, params: dict | None = None) -> dict:
    """The board's applications for a dict of filters; without one, Today's panel (see today_applications)."""
    if params is None:
        return today_applications(user_id)
    try:
        found = items("tracker", "/applications", user_id, {"limit": APPLICATION_PAGE, **params})
    except ServiceUnavailable:
        return {"applications": [], "pipeline": [], "tracker_down": True}
    return {"applications": found, "pipeline": pipeline_counts(found), "tracker_down": False}


def today_applications(user_id: str) -> dict:
    """The newest few applications and the whole pipeline's counts: two small answers, whatever the total."""
    try:
        found = items("tracker", "/applications", user_id, {"limit": TODAY_APPLICATIONS})
    except ServiceUnavailable:
        return {"applications": [], "pipeline": [], "tracker_down": True, "applications_total": 0}
    try:
        by_stage = document("tracker", "/stats/stages", user_id).get("by_stage") or {}
        pipeline, total = stage_counts(by_stage), sum(by_stage.values())
    except ServiceUnavailable:  # the newest few's own counts stand in; the total is known only if that is all
        pipeline, total = pipeline_counts(found), (len(found) if len(found) < TODAY_APPLICATIONS else None)
    return {"applications": found, "pipeline": pipeline, "tracker_down": False,
            "applications_total": total}


def reflections_panel(user_id: str, few: bool = False) -> dict:
    """Open reflections: a page of them, or with `few` the newest few and whether more are waiting."""
    params = {"status": "open", **({"limit": TODAY_REFLECTIONS} if few else {})}
    try:
        answer = document("coach", "/reflections", user_id, params)
    except ServiceUnavailable:
        return {"reflections": [], "coach_down": True, "reflections_digest": "down", "reflections_few": few}
    found, more = list(answer.get("items") or []), bool(answer.get("next_cursor"))
    return {"reflections": found, "coach_down": False, "reflections_digest": digest([found, more]),
            "reflections_few": few, "reflections_more": few and more}


def notifications_panel(user_id: str) -> dict:
    try:
        found = items("notifier", "/notifications", user_id, {"limit": NOTIFICATION_PAGE})
    except ServiceUnavailable:
        return {"notifications": [], "notifier_down": True, "notifications_digest": "down"}
    return {"notifications": found, "notifier_down": False, "notifications_digest": digest(found)}


def goals_panel(user_id: str) -> dict:
    """This week's goals (active and proposed) and recent wins, both from the coach."""
    try:
        goals = items("coach", "/goals", user_id)
        wins = items("coach", "/wins", user_id, {"limit": 20})
    except ServiceUnavailable:
        return {"goals": [], "wins": [], "goals_down": True}
    return {"goals": goals, "wins": wins, "goals_down": False}


def mood_panel(user_id: str) -> dict:
    """Recent check-in moods, oldest first, for the sparkline."""
    try:
        checkins = items("coach", "/checkins", user_id, {"limit": 30})
    except ServiceUnavailable:
        return {"moods": [], "mood_down": True}
    moods = [c["mood"] for c in reversed(checkins) if c.get("mood")]
    return {"moods": moods, "mood_down": False}


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
