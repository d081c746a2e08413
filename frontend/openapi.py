"""The OpenAPI 3 document of /api/v1, and the route that serves it (public: it holds no data).

Routes the tracker answers keep the tracker's own description
(services/tracker/openapi.py); the coach, notifier, mailbox and account routes
are described here from their `Route` rows and the services' marshmallow
schemas. Both documents are built by shared/openapi.py. Every public path
carries /api/v1.
"""
from __future__ import annotations

from functools import cache

from flask import Blueprint, jsonify

from frontend.views import api_account, api_applications, api_coach, api_mailbox, api_notifier
from frontend.views.api import PREFIX, Route
from services.coach import schemas as coach
from services.coach.playbook.loader import load_playbook
from services.mailbox import schemas as mailbox
from services.notifier import schemas as notifier
from services.tracker import openapi as tracker
from shared.openapi import CURSOR, JSON, build, error_answer, page_of, ref

SCHEMAS = {
    "AnswerIn": coach.AnswerIn, "ReflectionOut": coach.ReflectionOut, "CheckinIn": coach.CheckinIn,
    "CheckinOut": coach.CheckinOut, "GoalIn": coach.GoalIn, "GoalPatch": coach.GoalPatch,
    "GoalOut": coach.GoalOut, "EffortIn": coach.EffortIn, "EffortOut": coach.EffortOut,
    "WinIn": coach.WinIn, "WinOut": coach.WinOut, "SuggestionOut": coach.SuggestionOut,
    "DraftPatch": coach.DraftPatch, "DraftOut": coach.DraftOut, "FeedbackIn": coach.FeedbackIn,
    "FeedbackOut": coach.FeedbackOut, "CoachSettingsPatch": coach.SettingsPatch,
    "CoachSettingsOut": coach.SettingsOut,
    "NotificationOut": notifier.NotificationOut, "DeliveryOut": notifier.DeliveryOut,
    "ChannelIn": notifier.ChannelIn, "ChannelOut": notifier.ChannelOut,
    "PreferencesIn": notifier.PreferencesIn, "SupporterIn": notifier.SupporterIn,
    "SupporterOut": notifier.SupporterOut,
    "TokenIn": api_account.TokenIn, "ProfilePatch": api_account.ProfilePatch,
    "DeleteAccountIn": api_account.DeleteAccountIn,
    "MailboxAccountIn": mailbox.AccountIn, "MailboxSettingsPatch": mailbox.SettingsPatch,
}
DOWNLOAD_TYPES = {".csv": "text/csv", ".json": JSON, ".html": "text/html", ".md": "text/markdown"}
ERROR = error_answer("An error: {error: {code, message, fields}}")
PAGE_PARAMETERS = [
    {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 1000}},
    {"name": "cursor", "in": "query", "schema": CURSOR}]
DESCRIPTION = ("Track applications, hear from the coach, manage notifications. "
               "Authenticate with a personal API token: `Authorization: Bearer rb_…`. "
               "No text may hold a NUL character (\\u0000).")
SECURITY_SCHEMES = {"bearer": {"type": "http", "scheme": "bearer"},
                    "session": {"type": "apiKey", "in": "cookie", "name": "rebound_session"}}
THIS_DOCUMENT = {"get": {
    "summary": "This document", "operationId": "get_openapi_json", "tags": ["frontend"], "security": [],
    "responses": {"200": {"description": "OpenAPI 3", "content": {JSON: {"schema": {"type": "object"}}}}}}}

# The account's own routes, answered by the frontend itself.
ACCOUNT_ROUTES = [
    Route("GET", "/tokens", "frontend", "Your personal API tokens (never the tokens themselves)", kind="list"),
    Route("POST", "/tokens", "frontend", "Create a personal API token; `token` is shown this once",
          request_schema="TokenIn", status=201),
    Route("DELETE", "/tokens/{token_id}", "frontend", "Revoke a personal API token", status=204),
    Route("GET", "/account", "frontend", "Your profile"),
    Route("PATCH", "/account", "frontend", "Change your display name or time zone",
          request_schema="ProfilePatch"),
    Route("DELETE", "/account", "frontend", "Delete your account and all your data everywhere",
          request_schema="DeleteAccountIn", status=204),
    Route("GET", "/account/export", "frontend", "All your data as a zip, one JSON file per service",
          kind="download"),
]

# Not made by api_blueprint: nobody needs to sign in to read the document. The name keeps its endpoint "api.openapi".
bp = Blueprint("api", __name__, url_prefix=PREFIX)


def all_routes() -> list[Route]:
    return [*api_applications.ROUTES, *api_coach.ROUTES, *api_notifier.ROUTES, *ACCOUNT_ROUTES,
            *api_mailbox.ROUTES, api_mailbox.ACCEPT]


def _answer(route: Route) -> dict:
    if route.status == 204:
        return {"description": "Done; no content"}
    if route.kind == "download":
        suffix = "." + route.path.rsplit(".", 1)[-1] if "." in route.path else ".zip"
        media = DOWNLOAD_TYPES.get(suffix, "application/zip")
        return {"description": "A file to save", "content": {media: {"schema": {"type": "string"}}}}
    schema = ref(route.answer_schema) if route.answer_schema else {"type": "object"}
    if route.kind == "list":
        schema = page_of(schema)
    return {"description": route.summary, "content": {JSON: {"schema": schema}}}


def _operation(route: Route) -> dict:
    """A route the tracker does not answer, described from its row."""
    operation = {"summary": route.summary, "operationId": route.endpoint, "tags": [route.service],
                 "responses": {str(route.status): _answer(route), "default": ERROR}}
    if route.kind == "upload":
        operation["requestBody"] = {"required": True, "content": {"multipart/form-data": {"schema": {
            "type": "object", "properties": {"file": {"type": "string", "format": "binary"}}}}}}
    elif route.request_schema:
        operation["requestBody"] = {"required": True, "content": {JSON: {"schema": ref(route.request_schema)}}}
    if route.kind == "list" or route.query is not None:
        operation["parameters"] = PAGE_PARAMETERS
    return operation


def _paths() -> dict[str, dict]:
    tracker_operations = tracker.operations()
    paths: dict[str, dict] = {}
    for route in all_routes():
        if route.service == "tracker":  # the tracker's own description, with our operationId and tag
            operation = {**tracker_operations[route.target or route.path][route.method.lower()],
                         "operationId": route.endpoint, "tags": ["tracker"]}
        else:
            operation = _operation(route)
        paths.setdefault(PREFIX + route.path, {})[route.method.lower()] = operation
    paths[PREFIX + "/openapi.json"] = THIS_DOCUMENT
    return paths


def _path_parameter(name: str) -> dict:
    return {"type": "string" if name == "token_id" else "integer"}


def _name_the_rules(document: dict) -> dict:
    """disabled_rules takes the ids of the coach's playbook (the coach checks against the same files)."""
    rules = document["components"]["schemas"]["CoachSettingsPatch"]["properties"]["disabled_rules"]["items"]
    rules["enum"] = sorted(load_playbook().ids)
    return document


@cache
def build_document() -> dict:
    """The whole /api/v1 document (computed once; it depends only on code and the coach's playbook)."""
    return _name_the_rules(build(
        "Rebound API", schemas={**SCHEMAS, **tracker.SCHEMAS}, paths=_paths(), path_parameter=_path_parameter,
        description=DESCRIPTION, security_schemes=SECURITY_SCHEMES, security=[{"bearer": []}, {"session": []}]))


@bp.get("/openapi.json")
def openapi():
    """The OpenAPI 3 document of this API (public: it holds no data)."""
    return jsonify(build_document())
