"""Insights: the coach's numbers drawn as SVG charts, each with a table beside it."""
from __future__ import annotations

from flask import Blueprint, render_template

from frontend import charts, panels, services
from frontend.login import current_user_id, login_required

bp = Blueprint("insights", __name__, url_prefix="/insights")


def _label(stage: str) -> str:
    return panels.STAGE_LABELS.get(stage, stage.replace("_", " ").capitalize())


def build_charts(data: dict) -> list[dict]:
    """Each chart as {id, title, svg, headers, rows}; the rows are the table alternative."""
    funnel = [(_label(r["stage"]), r["count"]) for r in data.get("funnel") or []]
    by_stage = [(_label(s), n) for s, n in (data.get("rejections_by_stage") or {}).items()]
    by_reason = [(panels.REASON_LABELS.get(r, "Not given" if r == "unknown" else r), n)
                 for r, n in (data.get("rejections_by_reason") or {}).items()]
    sources = data.get("response_rate_by_source") or []
    weekly = (data.get("weekly") or [])[-12:]
    specs = [
        ("funnel", "How far your applications got", funnel, "", ("Stage", "Applications")),
        ("rejections-stage", "Where things ended", by_stage, "", ("Stage reached", "Count")),
        ("rejections-reason", "What they said", by_reason, "", ("Reason", "Count")),
        ("response-source", "Replies by source",
         [("Not given" if s["source"] == "unknown" else s["source"], s["rate_pct"]) for s in sources], "%",
         ("Source", "Reply rate")),
    ]
    built = [{"id": cid, "title": title, "svg": charts.bars(cid, title, rows, unit),
              "headers": headers, "rows": [(label, f"{value:g}{unit}") for label, value in rows]}
             for cid, title, rows, unit, headers in specs]
    activity = [(r["week"][5:], r["applications"]) for r in weekly]
    built.append({"id": "weekly", "title": "Applications per week",
                  "svg": charts.columns("weekly", "Applications per week", activity),
                  "headers": ("Week of", "Applications", "Check-ins", "Average mood"),
                  "rows": [(r["week"], r["applications"], r["checkins"],
                            "–" if r.get("average_mood") is None else r["average_mood"]) for r in weekly]})
    moods = [r["average_mood"] for r in weekly if r.get("average_mood") is not None]
    built.append({"id": "mood", "title": "Mood week by week",
                  "svg": charts.sparkline("mood", "Mood week by week", moods, width=320, height=60),
                  "headers": None, "rows": []})
    return built


@bp.get("")
@login_required
def index():
    """Charts of the search so far."""
    try:
        data = panels.document("coach", "/insights", current_user_id())
    except services.ServiceUnavailable:
        return render_template("insights.html", charts=[], insights_down=True, data={})
    return render_template("insights.html", charts=build_charts(data), insights_down=False, data=data)
