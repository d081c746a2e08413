"""Public API routes of the tracker: applications, their details, import and export, stats.

The tracker's settings share the path /settings with the coach's, so the
public API names them /settings/tracker (and /settings/coach).
"""
from __future__ import annotations

from marshmallow import ValidationError, fields, pre_load, validate

from frontend.schemas import Page, RejectionIn, StageIn
from frontend.views.api import Route, api_blueprint, register
from services.tracker import schemas as tracker
from shared.events import STAGES

DETAILS = ("notes", "contacts", "rounds")


class _Trimmed:
    """Surrounding spaces removed from every text field before the tracker's own rules apply."""

    @pre_load
    def _strip(self, data, **kwargs):
        return {k: v.strip() if isinstance(v, str) else v for k, v in data.items()}


class ApplicationIn(_Trimmed, tracker.ApplicationIn):
    pass


def _stages(value: str) -> None:
    unknown = [s for s in value.split(",") if s.strip() not in STAGES]
    if unknown:
        raise ValidationError(f"Unknown stage: {', '.join(unknown)}. Use one of: {', '.join(STAGES)}.")


class ApplicationQuery(Page):
    stage = fields.Str(validate=_stages)
    q = fields.Str(validate=validate.Length(max=200))
    archived = fields.Str(validate=validate.OneOf(("0", "1", "all")))


def _tracker(method: str, path: str, summary: str, **options) -> Route:
    """A route the tracker answers; the OpenAPI document takes the tracker's own description of it."""
    return Route(method, path, "tracker", summary, **options)


def _detail_routes() -> list[Route]:
    routes = []
    for kind in DETAILS:
        item = f"/applications/{{id}}/{kind}/{{item_id}}"
        routes += [
            _tracker("GET", f"/applications/{{id}}/{kind}", f"List an application's {kind}", kind="list"),
            _tracker("POST", f"/applications/{{id}}/{kind}", f"Add to an application's {kind}", status=201),
            _tracker("GET", item, f"One of an application's {kind}"),
            _tracker("PATCH", item, f"Change one of an application's {kind}"),
            _tracker("DELETE", item, f"Remove one of an application's {kind}", status=204),
        ]
    return routes


ROUTES = [
    _tracker("POST", "/applications", "Add an application", body=ApplicationIn(), status=201),
    _tracker("GET", "/applications", "List applications, filtered and a page at a time",
             query=ApplicationQuery(), kind="list"),
    _tracker("GET", "/applications/{id}", "One application with its history"),
    _tracker("PATCH", "/applications/{id}", "Change an application", body=ApplicationIn(), partial=True),
    _tracker("DELETE", "/applications/{id}", "Delete an application", status=204),
    _tracker("POST", "/applications/{id}/stage", "Move an application to another stage", body=StageIn()),
    _tracker("POST", "/applications/{id}/rejection", "Record a rejection", body=RejectionIn(), status=201),
    _tracker("PATCH", "/applications/{id}/rejection", "Add a reason or feedback to a rejection"),
    _tracker("DELETE", "/applications/{id}/rejection", "Undo a rejection recorded by mistake"),
    _tracker("POST", "/applications/{id}/archive", "Archive an application"),
    _tracker("POST", "/applications/{id}/unarchive", "Bring an application back from the archive"),
    *_detail_routes(),
    _tracker("POST", "/applications/import", "Import a CSV of applications (dry_run=1 previews)",
             kind="upload"),
    _tracker("GET", "/applications/export.csv", "Export applications as CSV", kind="download"),
    _tracker("GET", "/applications/export.json", "Export applications as JSON", kind="download"),
    _tracker("GET", "/applications/log.html", "A printable log of applications", kind="download"),
    _tracker("POST", "/postings/read", "Read a job posting into an application's fields (nothing is saved)"),
    _tracker("GET", "/stats", "Numbers for the dashboard"),
    _tracker("GET", "/ghost-candidates", "Applications that may have gone quiet", kind="list"),
    _tracker("POST", "/applications/{id}/ghost", "Confirm an application went quiet"),
    _tracker("POST", "/applications/{id}/ghost/dismiss", "Keep waiting on this application"),
    _tracker("GET", "/settings/tracker", "Tracker settings", target="/settings"),
    _tracker("PATCH", "/settings/tracker", "Change tracker settings", target="/settings"),
]

bp = api_blueprint("api_applications")
register(bp, ROUTES)
