"""The OpenAPI 3 document of /api/v1: the tracker's own document merged with the other areas.

The tracker describes its routes itself (services/tracker/openapi.py); the
coach, notifier and account routes are described here from the route tables
and the services' marshmallow schemas. Every public path carries /api/v1.
"""
from __future__ import annotations

import copy
import re
from functools import cache

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from marshmallow import fields

from frontend.views import api_account, api_applications, api_coach, api_mailbox, api_notifier
from frontend.views.api import PREFIX, Route
from services.coach import schemas as coach
from services.notifier import schemas as notifier
from services.tracker.openapi import build_spec as tracker_spec

JSON = "application/json"
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
}
DOWNLOAD_TYPES = {".csv": "text/csv", ".json": JSON, ".html": "text/html", ".md": "text/markdown"}
ERROR = {"description": "An error: {error: {code, message, fields}}", "content": {JSON: {"schema": {
    "type": "object", "properties": {"error": {"type": "object", "properties": {
        "code": {"type": "string"}, "message": {"type": "string"}, "fields": {"type": "object"}}}}}}}}
_PARAM = re.compile(r"{(\w+)}")
# The services store and answer naive UTC ("2030-01-02T09:30:00"); OpenAPI's "date-time" demands an
# offset, so such timestamps are documented under a format of their own (as the tracker does).
NAIVE_UTC = {"format": "utc-date-time-without-offset", "description": "UTC, ISO 8601, no offset"}

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


def all_routes() -> list[Route]:
    return [*api_applications.ROUTES, *api_coach.ROUTES, *api_notifier.ROUTES, *ACCOUNT_ROUTES,
            *api_mailbox.ROUTES, api_mailbox.ACCEPT]


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _answer(route: Route) -> dict:
    if route.status == 204:
        return {"description": "Done; no content"}
    if route.kind == "download":
        suffix = "." + route.path.rsplit(".", 1)[-1] if "." in route.path else ".zip"
        media = DOWNLOAD_TYPES.get(suffix, "application/zip")
        return {"description": "A file to save", "content": {media: {"schema": {"type": "string"}}}}
    schema = _ref(route.answer_schema) if route.answer_schema else {"type": "object"}
    if route.kind == "list":
        schema = {"type": "object", "properties": {"items": {"type": "array", "items": schema},
                                                   "next_cursor": {"type": "string", "nullable": True}}}
    return {"description": route.summary, "content": {JSON: {"schema": schema}}}


def _operation(route: Route) -> dict:
    operation = {"summary": route.summary, "operationId": route.endpoint, "tags": [route.service],
                 "responses": {str(route.status): _answer(route), "default": ERROR}}
    if route.kind == "upload":
        operation["requestBody"] = {"required": True, "content": {"multipart/form-data": {"schema": {
            "type": "object", "properties": {"file": {"type": "string", "format": "binary"}}}}}}
    elif route.request_schema:
        operation["requestBody"] = {"required": True, "content": {JSON: {"schema": _ref(route.request_schema)}}}
    if route.kind == "list" or route.query is not None:
        operation["parameters"] = [
            {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 1000}},
            {"name": "cursor", "in": "query", "schema": {"type": "string"}}]
    return operation


def _path_parameters(path: str) -> list[dict]:
    return [{"name": name, "in": "path", "required": True,
             "schema": {"type": "string" if name == "token_id" else "integer"}}
            for name in _PARAM.findall(path)]


def _tracker_operation(tracker: dict, route: Route) -> dict | None:
    """The tracker's own description of this route, with our operationId and tag."""
    operation = tracker["paths"].get(route.target or route.path, {}).get(route.method.lower())
    if operation is None:
        return None
    operation = copy.deepcopy(operation)
    return {**operation, "operationId": route.endpoint, "tags": ["tracker"]}


def naive_utc_timestamps(converter, field, ret: dict, **_kwargs) -> dict:
    """apispec attribute function: an ISO DateTime that isn't AwareDateTime is naive UTC.

    Nullability needs no hook: apispec marks every `allow_none=True` field `nullable`.
    """
    if (not isinstance(field, fields.DateTime) or isinstance(field, fields.AwareDateTime)
            or field.format not in (None, "iso", "iso8601") or "format" in field.metadata):
        return {}
    return {key: value for key, value in NAIVE_UTC.items() if key not in field.metadata}


@cache
def build_document() -> dict:
    """The whole /api/v1 document (computed once; it depends only on code)."""
    marshmallow_plugin = MarshmallowPlugin()
    spec = APISpec(title="Rebound API", version="1.0.0", openapi_version="3.0.3",
                   plugins=[marshmallow_plugin],
                   info={"description": "Track applications, hear from the coach, manage notifications. "
                                        "Authenticate with a personal API token: `Authorization: Bearer rb_…`."})
    marshmallow_plugin.converter.add_attribute_function(naive_utc_timestamps)
    for name, schema in SCHEMAS.items():
        spec.components.schema(name, schema=schema)
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    spec.components.security_scheme("session", {"type": "apiKey", "in": "cookie", "name": "rebound_session"})
    document = spec.to_dict()
    tracker = tracker_spec()
    schemas = document["components"]["schemas"]
    for name, schema in tracker["components"]["schemas"].items():
        schemas.setdefault(name, schema)
    paths: dict[str, dict] = {}
    for route in all_routes():
        operation = (_tracker_operation(tracker, route) if route.service == "tracker" else None) \
            or _operation(route)
        item = paths.setdefault(PREFIX + route.path, {})
        if _path_parameters(route.path):
            item["parameters"] = _path_parameters(route.path)
        item[route.method.lower()] = operation
    paths[PREFIX + "/openapi.json"] = {"get": {
        "summary": "This document", "operationId": "get_openapi_json", "tags": ["frontend"], "security": [],
        "responses": {"200": {"description": "OpenAPI 3", "content": {JSON: {"schema": {"type": "object"}}}}}}}
    document["paths"] = paths
    document["security"] = [{"bearer": []}, {"session": []}]
    return document
