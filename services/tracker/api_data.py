"""Routes over the whole tracker: import, export, stats, ghosting, settings, the OpenAPI document."""
from __future__ import annotations

import json
from datetime import date
from functools import cache

from flask import Blueprint, Response, g, request
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from services.tracker import commands, exporter, importer, listing, loading, stats
from services.tracker.api import get_application_or_404
from services.tracker.models import Application, TrackerSettings
from services.tracker.openapi import build_spec
from services.tracker.schemas import application_out, settings_in, settings_out
from shared.web import ApiError, json_body

bp = Blueprint("tracker_data", __name__)


@bp.post("/applications/import")
def import_csv():
    """Preview (dry_run=1) or import a CSV of applications from another tracker or our export."""
    upload = request.files.get("file")
    if upload is None:
        raise ApiError(400, "no_file", "Attach the CSV in a form field named 'file'.", {"file": ["Missing."]})
    limit = g.runtime.settings.import_max_bytes
    headers, table = importer.read_csv(upload.stream.read(limit + 1), limit)
    dry_run = request.args.get("dry_run", "0") in ("1", "true", "yes")
    with g.runtime.sessions.begin() as session:
        plan = importer.plan(session, g.user_id, headers, table)
        body = {"format": plan.format, "dry_run": dry_run, "columns": plan.columns,
                "ignored_columns": plan.ignored_columns, "unknown_stages": sorted(plan.unknown_stages),
                "summary": plan.summary()}
        if dry_run:
            return {**body, "rows": plan.results}
        try:
            ids = importer.commit(session, g.user_id, plan)
            session.flush()
        except IntegrityError:
            raise ApiError(409, "import_conflict", "Another import changed these applications at the "
                           "same moment; nothing was imported. Please try again.") from None
    return {**body, "created_ids": ids, "rows": plan.results}


def _range() -> tuple[date | None, date | None]:
    return listing._date_arg(request.args, "from"), listing._date_arg(request.args, "to")


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


@bp.get("/stats")
def tracker_stats():
    """Counts by stage and furthest stage, response rates, time to first answer, pace."""
    with g.runtime.sessions() as session:
        return stats.compute(session, g.user_id)


@bp.get("/stats/stages")
def tracker_stage_counts():
    """Counts by current stage alone: what the dashboard's pipeline shows, without the full stats."""
    with g.runtime.sessions() as session:
        return stats.stage_counts(session, g.user_id)


@bp.get("/ghost-candidates")
def ghost_candidates():
    """Applications the daily pass thinks went quiet, waiting for the user's word."""
    query = (select(Application).where(
        Application.user_id == g.user_id, Application.stage == "applied",
        Application.ghost_offered_at.is_not(None), Application.ghost_dismissed_at.is_(None),
        Application.archived.is_(False))
        .options(*loading.EVERYTHING).order_by(Application.stage_since))
    with g.runtime.sessions() as session:
        return {"items": application_out.dump(session.scalars(query), many=True), "next_cursor": None}


@bp.post("/applications/<int:app_id>/ghost")
def confirm_ghosted(app_id: int):
    """The user confirms they stopped hearing back."""
    with g.runtime.sessions.begin() as session:
        app = get_application_or_404(session, app_id)
        return application_out.dump(commands.mark_ghosted(session, app, date.today()))


@bp.post("/applications/<int:app_id>/ghost/dismiss")
def dismiss_ghosted(app_id: int):
    """The user would rather keep waiting on this one."""
    with g.runtime.sessions.begin() as session:
        app = get_application_or_404(session, app_id)
        return application_out.dump(commands.dismiss_ghosting(session, app))


@bp.get("/settings")
def get_settings():
    """The caller's tracker settings."""
    with g.runtime.sessions() as session:
        row = session.get(TrackerSettings, g.user_id)
        return settings_out.dump(row or TrackerSettings(auto_ghost=False))


@bp.patch("/settings")
def patch_settings():
    """Turn auto-ghosting on or off."""
    fields = json_body(settings_in)
    with g.runtime.sessions.begin() as session:
        row = session.get(TrackerSettings, g.user_id) or TrackerSettings(user_id=g.user_id)
        row.auto_ghost = fields["auto_ghost"]
        session.add(row)
        return settings_out.dump(row)


@cache
def _spec() -> dict:
    return build_spec()


@bp.get("/openapi.json")
def openapi():
    """The tracker's OpenAPI document (public: it holds no data)."""
    return _spec()
