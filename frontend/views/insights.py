"""Insights: the coach's numbers drawn as SVG charts, each with a table beside it."""
from __future__ import annotations

from flask import Blueprint, render_template

from frontend import charts, panels, service_client
from frontend.cards import short_day
from frontend.labels import source_label
from frontend.login import current_user_id, login_required

bp = Blueprint("insights", __name__, url_prefix="/insights")


def _label(stage: str) -> str:
    return panels.STAGE_LABELS.get(stage, stage.replace("_", " ").capitalize())


MOOD_FROM = 3  # check-ins before the mood chart is drawn


def build_charts(data: dict, checkins: list[dict] | None = None) -> list[dict]:
    """Each chart as {id, title, svg, headers, rows}; the rows are the table alternative."""
    funnel = [(_label(r["stage"]), r["count"]) for r in data.get("funnel") or []]
    by_stage = [(_label(s), n) for s, n in (data.get("rejections_by_stage") or {}).items()]
    by_reason = [(panels.REASON_LABELS.get(r, "Not given" if r == "unknown" else r), n)
                 for r, n in (data.get("rejections_by_reason") or {}).items()]
    sources = data.get("response_rate_by_source") or []
    weekly = (data.get("weekly") or [])[-12:]
    replies = [("Not given" if s["source"] == "unknown" else source_label(s["source"]), s["rate_pct"],
                f"{s.get('responses', 0)} of {s.get('applications', 0)} · {s['rate_pct']}%") for s in sources]
    specs = [
        ("funnel", "How far your applications got", funnel, "", ("Stage", "Applications")),
        ("rejections-stage", "Where things ended", by_stage, "", ("Stage reached", "Count")),
        ("rejections-reason", "What they said", by_reason, "", ("Reason", "Count")),
        ("response-source", "Replies by source", replies, "%", ("Source", "Replies")),
    ]
    built = [{"id": cid, "title": title, "svg": charts.bars(cid, title, rows, unit),
              "headers": headers, "rows": [(row[0], row[2] if len(row) > 2 else f"{row[1]:g}{unit}") for row in rows]}
             for cid, title, rows, unit, headers in specs]
    activity = [(short_day(r["week"]), r["applications"]) for r in weekly]
    built.append({"id": "weekly", "title": "Applications per week",
                  "svg": charts.columns("weekly", "Applications per week", activity),
                  "headers": ("Week of", "Applications", "Check-ins", "Average mood"),
                  "rows": [(short_day(r["week"]), r["applications"], r["checkins"],
                            "–" if r.get("average_mood") is None else f"{r['average_mood']:.1f} of 5") for r in weekly]})
    built.append(mood_chart(checkins))
    return built


def mood_chart(checkins: list[dict]) -> dict:
    """Every check-in's mood, oldest first; drawn from the third check-in on."""
    ordered = sorted((c for c in checkins if c.get("mood")), key=lambda c: c.get("created_at") or "")
    points = [(short_day(c.get("created_at")), c["mood"]) for c in ordered][-60:]
    svg = charts.mood_line("mood", "How you've been feeling", points) if len(points) >= MOOD_FROM else ""
    return {"id": "mood", "title": "How you've been feeling", "svg": svg,
            "headers": ("Day", "Mood"), "rows": [(day, f"{mood} of 5") for day, mood in points],
            "empty": f"This draws itself once you've checked in {MOOD_FROM} times."}


@bp.get("")
@login_required
def index():
    """Charts of the search so far."""
    user_id = current_user_id()
    try:
        data = panels.document("coach", "/insights", user_id)
        checkins = panels.items("coach", "/checkins", user_id, {"limit": 60})
    except service_client.ServiceUnavailable:
        return render_template("insights.html", charts=[], insights_down=True, data={})
    return render_template("insights.html", charts=build_charts(data, checkins), insights_down=False, data=data)
