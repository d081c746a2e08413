"""The tracker's OpenAPI document: its schemas and its routes (built by shared.openapi).

The public API (frontend/openapi.py) describes the tracker's routes with these same operations.
"""
from __future__ import annotations

from services.tracker import posting_schemas, schemas
from shared.events import STAGES
from shared.openapi import CURSOR, JSON, build, comma_separated, error_answer, page_of, ref

SCHEMAS = {
    "ApplicationIn": schemas.ApplicationIn, "ApplicationOut": schemas.ApplicationOut,
    "StageIn": schemas.StageIn, "RejectionIn": schemas.RejectionIn, "RejectionPatch": schemas.RejectionPatch,
    "NoteIn": schemas.NoteIn, "NoteOut": schemas.NoteOut, "ContactIn": schemas.ContactIn,
    "ContactOut": schemas.ContactOut, "RoundIn": schemas.RoundIn, "RoundOut": schemas.RoundOut,
    "SettingsIn": schemas.SettingsIn, "SettingsOut": schemas.SettingsOut,
    "PostingIn": posting_schemas.PostingIn, "PostingOut": posting_schemas.PostingOut,
}
_TEXT = {"type": "string"}
_LIST_PARAMS = [
    {"name": n, "in": "query", "schema": schema, "description": d} for n, schema, d in (
        ("stage", comma_separated(STAGES), "one stage or several, comma separated"),
        ("source", _TEXT, "a channel, or text in the source"),
        ("company", _TEXT, "part of the company name"), ("tag", _TEXT, "one tag"),
        ("applied_from", {"type": "string", "format": "date"}, "YYYY-MM-DD"),
        ("applied_to", {"type": "string", "format": "date"}, "YYYY-MM-DD"),
        ("follow_up_from", {"type": "string", "format": "date"}, "YYYY-MM-DD: a follow-up on or after"),
        ("follow_up_to", {"type": "string", "format": "date"}, "YYYY-MM-DD: a follow-up on or before"),
        ("q", _TEXT, "text in the company, role, notes, source or a rejection's feedback"),
        ("archived", {"type": "string", "enum": ["0", "1", "all"]}, "0 (default), 1 or all"),
        ("sort", {"type": "string", "enum": [p + k for k in ("id", "applied_on", "company", "updated_at",
                                                              "excitement") for p in ("", "-")]},
         "prefix - for descending"),
        ("limit", {"type": "integer", "minimum": 1, "maximum": 1000}, "1 to 1000, default 50"),
        ("cursor", CURSOR, "next_cursor of the previous page: it holds its sort"))
]
# Ids are row ids: a number no column can hold is never found (404).
_ID = {"type": "integer", "minimum": 1, "maximum": 2**63 - 1}
_ERROR = error_answer("error")
_OBJECT = {"type": "object"}


def _op(summary: str, body: str | None = None, answer: str | dict | None = "ApplicationOut", status: str = "200",
        params=None, content: str = JSON) -> dict:
    operation = {"summary": summary, "responses": {"4XX": _ERROR}}
    if body:
        operation["requestBody"] = {"required": True, "content": {JSON: {"schema": ref(body)}}}
    operation["responses"][status] = {"description": summary, **(
        {"content": {content: {"schema": ref(answer) if isinstance(answer, str) else answer}}} if answer else {})}
    if params:
        operation["parameters"] = params
    return operation


def _import_op() -> dict:
    return {"summary": "Import a CSV (dry_run=1 previews)", "parameters": [
        {"name": "dry_run", "in": "query", "schema": {"type": "string", "enum": ["0", "1"]}}],
        "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
            "type": "object", "required": ["file"], "properties": {
                "file": {"type": "string", "format": "binary"},
                "mapping": {"type": "string", "description": "JSON object {column header: field or null} "
                            "correcting which column becomes which field; null leaves a column out"}}}}}},
        "responses": {"200": {"description": "preview or result"}, "4XX": _ERROR}}


def _detail_ops() -> dict[str, dict]:
    """Notes, contacts and rounds: the same five routes each."""
    paths = {}
    for kind, name in (("notes", "Note"), ("contacts", "Contact"), ("rounds", "Round")):
        paths[f"/applications/{{id}}/{kind}"] = {"get": _op(f"List {kind}", answer=_OBJECT),
                                                 "post": _op(f"Add to {kind}", f"{name}In", f"{name}Out", "201")}
        paths[f"/applications/{{id}}/{kind}/{{item_id}}"] = {
            "get": _op(f"One of {kind}", answer=f"{name}Out"),
            "patch": _op(f"Change one of {kind}", f"{name}In", f"{name}Out"),
            "delete": _op(f"Remove one of {kind}", answer=None, status="204")}
    return paths


def operations() -> dict[str, dict]:
    """Every route of the tracker as {path: {method: operation}}, afresh each call: apispec edits what it gets."""
    app_list = page_of(ref("ApplicationOut"))
    return {
        "/applications": {"get": _op("List applications", answer=app_list, params=_LIST_PARAMS),
                          "post": _op("Add an application", "ApplicationIn", status="201")},
        "/applications/{id}": {"get": _op("One application"), "patch": _op("Change an application", "ApplicationIn"),
                               "delete": _op("Delete an application", answer=None, status="204")},
        "/applications/{id}/archive": {"post": _op("Archive an application")},
        "/applications/{id}/unarchive": {"post": _op("Bring an application back from the archive")},
        "/applications/{id}/stage": {"post": _op("Move to another stage", "StageIn")},
        "/applications/{id}/rejection": {"post": _op("Record a rejection", "RejectionIn", status="201"),
                                         "patch": _op("Add reason or feedback", "RejectionPatch"),
                                         "delete": _op("Undo a rejection recorded by mistake")},
        "/applications/{id}/ghost": {"post": _op("Confirm an application went quiet")},
        "/applications/{id}/ghost/dismiss": {"post": _op("Keep waiting on this one")},
        "/applications/import": {"post": _import_op()},
        "/applications/export.csv": {"get": _op("Export as CSV", answer={"type": "string"}, content="text/csv")},
        "/applications/export.json": {"get": _op("Export as JSON", answer=_OBJECT)},
        "/applications/log.html": {"get": _op("Printable application log", answer={"type": "string"},
                                              content="text/html")},
        "/ghost-candidates": {"get": _op("Applications that may have gone quiet", answer=app_list)},
        "/stats": {"get": _op("Numbers for the dashboard", answer=_OBJECT)},
        "/stats/stages": {"get": _op("How many applications sit in each stage", answer=_OBJECT)},
        "/calendar/key": {"get": _op("Whether a private calendar feed exists", answer=_OBJECT),
                          "post": _op("Make a new feed key (older ones stop working)", answer=_OBJECT, status="201"),
                          "delete": _op("Turn the calendar feed off", answer=None, status="204")},
        "/calendar/events": {"get": _op("Rounds and follow-ups for the feed", answer=_OBJECT, params=[
            {"name": "key", "in": "query", "required": True, "schema": {"type": "string"}}])},
        "/postings/read": {"post": _op("Read a job posting (its URL or pasted text) into an application's "
                                       "fields; nothing is saved", "PostingIn", "PostingOut")},
        "/settings": {"get": _op("Tracker settings", answer="SettingsOut"),
                      "patch": _op("Change tracker settings", "SettingsIn", answer="SettingsOut")},
        **_detail_ops(),
    }


def build_spec() -> dict:
    """The tracker's own document, served at /openapi.json."""
    return build("Rebound tracker", schemas=SCHEMAS, paths=operations(), path_parameter=lambda _name: _ID,
                 description="No text may hold a NUL character (\\u0000).")
