"""The tracker's OpenAPI document, built from its marshmallow schemas."""
from __future__ import annotations

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin

from services.tracker import schemas

_JSON = "application/json"
_SCHEMAS = {
    "ApplicationIn": schemas.ApplicationIn, "ApplicationOut": schemas.ApplicationOut,
    "StageIn": schemas.StageIn, "RejectionIn": schemas.RejectionIn, "RejectionPatch": schemas.RejectionPatch,
    "NoteIn": schemas.NoteIn, "NoteOut": schemas.NoteOut, "ContactIn": schemas.ContactIn,
    "ContactOut": schemas.ContactOut, "RoundIn": schemas.RoundIn, "RoundOut": schemas.RoundOut,
    "SettingsIn": schemas.SettingsIn, "SettingsOut": schemas.SettingsOut,
}
_TEXT = {"type": "string"}
_LIST_PARAMS = [
    {"name": n, "in": "query", "schema": schema, "description": d} for n, schema, d in (
        ("stage", _TEXT, "one stage or several, comma separated"),
        ("source", _TEXT, "a channel, or text in the source"),
        ("company", _TEXT, "part of the company name"), ("tag", _TEXT, "one tag"),
        ("applied_from", {"type": "string", "format": "date"}, "YYYY-MM-DD"),
        ("applied_to", {"type": "string", "format": "date"}, "YYYY-MM-DD"),
        ("q", _TEXT, "text in the company, role, notes, source or a rejection's feedback"),
        ("archived", {"type": "string", "enum": ["0", "1", "all"]}, "0 (default), 1 or all"),
        ("sort", {"type": "string", "enum": [p + k for k in ("id", "applied_on", "company", "updated_at",
                                                              "excitement") for p in ("", "-")]},
         "prefix - for descending"),
        ("limit", {"type": "integer", "minimum": 1, "maximum": 1000}, "1 to 1000, default 50"),
        ("cursor", _TEXT, "next_cursor of the previous page"))
]
# Ids are row ids: a number no column can hold is never found (404).
_ID = {"type": "integer", "minimum": 1, "maximum": 2**63 - 1}
_ERROR = {"description": "error", "content": {_JSON: {"schema": {"type": "object", "properties": {
    "error": {"type": "object", "properties": {"code": {"type": "string"}, "message": {"type": "string"},
                                               "fields": {"type": "object"}}}}}}}}


def _op(summary: str, body: str | None = None, answer: str | None = "ApplicationOut", status: str = "200",
        params=None, content: str = _JSON) -> dict:
    operation = {"summary": summary, "responses": {"4XX": _ERROR}}
    if body:
        operation["requestBody"] = {"required": True, "content": {_JSON: {"schema": body}}}
    operation["responses"][status] = {"description": summary, **(
        {"content": {content: {"schema": answer if isinstance(answer, (str, dict)) else {}}}} if answer else {})}
    if params:
        operation["parameters"] = params
    return operation


def _paths() -> dict[str, dict]:
    app_list = {"type": "object", "properties": {"items": {"type": "array", "items": "ApplicationOut"},
                                                 "next_cursor": {"type": "string", "nullable": True}}}
    sub = {kind: f"{name}Out" for kind, name in (("notes", "Note"), ("contacts", "Contact"), ("rounds", "Round"))}
    paths = {
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
        "/applications/import": {"post": {"summary": "Import a CSV (dry_run=1 previews)", "parameters": [
            {"name": "dry_run", "in": "query", "schema": {"type": "string", "enum": ["0", "1"]}}],
            "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
                "type": "object", "required": ["file"], "properties": {
                    "file": {"type": "string", "format": "binary"}}}}}},
            "responses": {"200": {"description": "preview or result"}, "4XX": _ERROR}}},
        "/applications/export.csv": {"get": _op("Export as CSV", answer={"type": "string"}, content="text/csv")},
        "/applications/export.json": {"get": _op("Export as JSON", answer={"type": "object"})},
        "/applications/log.html": {"get": _op("Printable application log", answer={"type": "string"},
                                              content="text/html")},
        "/ghost-candidates": {"get": _op("Applications that may have gone quiet", answer=app_list)},
        "/stats": {"get": _op("Numbers for the dashboard", answer={"type": "object"})},
        "/stats/stages": {"get": _op("How many applications sit in each stage", answer={"type": "object"})},
        "/calendar/key": {"get": _op("Whether a private calendar feed exists", answer={"type": "object"}),
                          "post": _op("Make a new feed key (older ones stop working)", answer={"type": "object"},
                                      status="201"),
                          "delete": _op("Turn the calendar feed off", answer=None, status="204")},
        "/calendar/events": {"get": _op("Rounds and follow-ups for the feed", answer={"type": "object"}, params=[
            {"name": "key", "in": "query", "required": True, "schema": {"type": "string"}}])},
        "/settings": {"get": _op("Tracker settings", answer="SettingsOut"),
                      "patch": _op("Change tracker settings", "SettingsIn", answer="SettingsOut")},
    }
    for kind, out in sub.items():
        name = out[:-3]
        paths[f"/applications/{{id}}/{kind}"] = {"get": _op(f"List {kind}", answer={"type": "object"}),
                                                 "post": _op(f"Add to {kind}", f"{name}In", out, "201")}
        paths[f"/applications/{{id}}/{kind}/{{item_id}}"] = {
            "get": _op(f"One of {kind}", answer=out), "patch": _op(f"Change one of {kind}", f"{name}In", out),
            "delete": _op(f"Remove one of {kind}", answer=None, status="204")}
    return paths


def build_spec() -> dict:
    spec = APISpec(title="Rebound tracker", version="1.0.0", openapi_version="3.0.3",
                   plugins=[MarshmallowPlugin()])
    for name, schema in _SCHEMAS.items():
        if name not in spec.components.schemas:  # nested schemas register themselves
            spec.components.schema(name, schema=schema)
    for path, operations in _paths().items():
        ids = [{"name": n, "in": "path", "required": True, "schema": _ID} for n in ("id", "item_id")
               if f"{{{n}}}" in path]
        spec.path(path=path, operations=operations, parameters=ids or None)
    return spec.to_dict()
