"""Route for importing a CSV of applications: a preview first (dry_run=1), then the import itself."""
from __future__ import annotations

from flask import Blueprint, g, request
from sqlalchemy.exc import IntegrityError

from services.tracker import import_mapping, importer
from shared.web import ApiError

bp = Blueprint("tracker_imports", __name__)


@bp.post("/applications/import")
def import_csv():
    """Preview (dry_run=1) or import a CSV of applications from another tracker or our export;
    an optional form field `mapping` (JSON {column header: field or null}) corrects our guess."""
    upload = request.files.get("file")
    if upload is None:
        raise ApiError(400, "no_file", "Attach the CSV in a form field named 'file'.", {"file": ["Missing."]})
    limit = g.runtime.settings.import_max_bytes
    headers, table = importer.read_csv(upload.stream.read(limit + 1), limit)
    dry_run = request.args.get("dry_run", "0") in ("1", "true", "yes")
    corrected = import_mapping.parse(request.form.get("mapping"))
    with g.runtime.sessions.begin() as session:
        plan = importer.plan(session, g.user_id, headers, table, corrected=corrected)
        body = {"format": plan.format, "dry_run": dry_run, "columns": plan.columns,
                "ignored_columns": plan.ignored_columns, "unknown_stages": sorted(plan.unknown_stages),
                "summary": plan.summary(), **plan.editor}
        if dry_run:
            return {**body, "rows": plan.results}
        try:
            ids = importer.commit(session, g.user_id, plan)
            session.flush()
        except IntegrityError:
            raise ApiError(409, "import_conflict", "Another import changed these applications at the "
                           "same moment; nothing was imported. Please try again.") from None
    return {**body, "created_ids": ids, "rows": plan.results}
