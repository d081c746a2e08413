"""Routes that hand the caller's applications back: CSV, JSON and a printable log, in a date range."""
from __future__ import annotations

import json
from datetime import date

from flask import Blueprint, Response, g, request

from services.tracker import exporter, listing
from services.tracker.schemas import application_out

bp = Blueprint("tracker_exports", __name__)


def _range() -> tuple[date | None, date | None]:
    return listing.date_arg(request.args, "from"), listing.date_arg(request.args, "to")


@bp.get("/applications/export.csv")
def export_csv():
    """Every application (in the date range) with its history, as CSV."""
    start, end = _range()
    with g.runtime.sessions() as session:
        text = exporter.to_csv(exporter.applications(session, g.user_id, start, end))
    return Response(text, mimetype="text/csv", headers={
        "Content-Disposition": 'attachment; filename="applications.csv"'})


@bp.get("/applications/export.json")
def export_json():
    """Every application (in the date range) with its full history, as JSON."""
    start, end = _range()
    with g.runtime.sessions() as session:
        apps = exporter.applications(session, g.user_id, start, end)
        items = application_out.dump(apps, many=True)
    body = json.dumps({"from": start and start.isoformat(), "to": end and end.isoformat(),
                       "applications": items}, indent=1)
    return Response(body, mimetype="application/json", headers={
        "Content-Disposition": 'attachment; filename="applications.json"'})


@bp.get("/applications/log.html")
def application_log():
    """A printable log of applications: date, company, role, channel, outcome."""
    start, end = _range()
    with g.runtime.sessions() as session:
        html = exporter.to_html_log(exporter.applications(session, g.user_id, start, end),
                                    start, end, date.today())
    return Response(html, mimetype="text/html")
