"""What templates can use besides their context: labels, choices and the signed-in user."""
from __future__ import annotations

import json
from datetime import date

from flask import Flask, has_request_context, request

from frontend import appearance, cards, labels, visits

from frontend.charts import sparkline
from frontend.login import current_user
from frontend.panels import REASON_LABELS, STAGE_LABELS
from frontend.time_zones import zone_choices

MOODS = {1: "Really low", 2: "Low", 3: "Okay", 4: "Good", 5: "Really good"}
# Stages a rejection can close; the form preselects the one the application is in.
STAGES_BEFORE_REJECTION = ("applied", "screening", "interview", "final_interview", "offer")
OPEN_STAGES = ("saved", "applied", "screening", "interview", "final_interview", "offer", "ghosted")
GOAL_LABELS = {"applications": "Applications sent", "outreach": "People reached out to",
               "learning_hours": "Hours of learning", "rest_days": "Rest days"}
NAV_LINKS = (("dashboard.index", "Today"), ("applications.index", "Applications"),
             ("journal.index", "Reflections"), ("goals.index", "Goals & wins"),
             ("insights.index", "Insights"), ("network.index", "Support"),
             ("inbox.index", "Inbox"), ("imports.index", "Import & export"),
             ("settings.index", "Settings"))

# htmx settings, read from a <meta> tag: no eval, no injected <style> (both break
# the CSP; the indicator's CSS is in app.css instead), whole pages on history
# restore, and form feedback (422) swapped in.
HTMX_CONFIG = json.dumps({
    "includeIndicatorStyles": False,
    # htmx copies these from old elements to new ones while settling, with setAttribute: a
    # style attribute (the board's drag leaves some) would be an inline style the CSP refuses.
    "attributesToSettle": ["class", "width", "height"],
    "allowEval": False,
    "allowScriptTags": False,
    "historyRestoreAsHxRequest": False,
    "responseHandling": [
        {"code": "204", "swap": False},
        {"code": "[23]..", "swap": True},
        {"code": "422", "swap": True},
        {"code": "[45]..", "swap": True, "error": True},
    ],
})


def safe_link(link: str | None) -> str | None:
    """Only links to our own pages or to the web; never javascript: and friends."""
    if isinstance(link, str) and link.startswith(("/", "https://", "http://")) \
            and not link.startswith("//"):
        return request.script_root + link if link.startswith("/") and has_request_context() else link
    return None


def as_messages(value) -> list[str]:
    """Field errors as a flat list of sentences, whatever shape a service sent."""
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    return [str(value)]


def install_template_helpers(app: Flask) -> None:
    app.jinja_env.globals.update(
        current_user=current_user,
        theme=appearance.chosen,
        theme_choices=appearance.CHOICES,
        seen_before=visits.seen_before,
        zone_choices=zone_choices,
        stage_choices=STAGE_LABELS,
        reason_choices=REASON_LABELS,
        mood_choices=MOODS,
        stages_before_rejection=STAGES_BEFORE_REJECTION,
        open_stages=OPEN_STAGES,
        htmx_config=HTMX_CONFIG,
        nav_links=NAV_LINKS,
        sparkline=sparkline,
        today_iso=lambda: date.today().isoformat(),
        work_modes=cards.WORK_MODES,
        salary_periods=cards.PERIOD_CHOICES,
    )
    app.add_template_filter(cards.short_day, "short_day")
    app.add_template_filter(
        lambda stamp: cards.local_moment(stamp, (current_user() or {}).get("timezone")), "local_moment")
    app.add_template_filter(cards.fold_parts, "fold_parts")
    app.add_template_filter(cards.salary, "salary")
    app.add_template_filter(labels.source_label, "source_label")
    app.add_template_filter(labels.feedback_label, "feedback_label")
    app.add_template_filter(lambda k: GOAL_LABELS.get(k, k), "goal_label")
    app.add_template_filter(lambda s: STAGE_LABELS.get(s, s), "stage_label")
    app.add_template_filter(lambda r: REASON_LABELS.get(r, r), "reason_label")
    app.add_template_filter(safe_link, "safe_link")
    app.add_template_filter(as_messages, "as_messages")
