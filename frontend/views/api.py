"""The public REST API /api/v1: who is asking, and a table-driven proxy to the services.

Each area (api_applications, api_coach, api_notifier) lists its routes as
`Route` rows; `register` turns every row into a view that checks what the
frontend can check, forwards the call as the user, and passes the service's
status, body and relevant headers back unchanged (including its 404 and 422),
so the API never disagrees with the service that owns the data. The OpenAPI
document is assembled from those rows above the areas, in frontend/openapi.py.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from flask import Blueprint, g, request
from marshmallow import Schema

from frontend import accounts, service_client
from frontend.csrf import SAFE_METHODS, csrf_ok
from frontend.login import current_user
from frontend.runtime import sessions
from frontend.views.api_proxy import FORWARDED_REQUEST_HEADERS, relay
from shared.web import ApiError, error_response, json_body

PREFIX = "/api/v1"
_PLACEHOLDER = re.compile(r"{(\w+)}")


@dataclass(frozen=True)
class Route:
    """One public route forwarded to a service. `path` is public, OpenAPI style ("/goals/{id}")."""

    method: str
    path: str
    service: str
    summary: str
    target: str | None = None       # the service's path, when it differs from the public one
    body: Schema | None = None      # checked here first: an early, clear 422
    partial: bool = False
    query: Schema | None = None
    kind: str = "json"              # json | list | download | upload
    request_schema: str | None = None   # OpenAPI component names, for the document (the tracker's
    answer_schema: str | None = None    # routes need none: the tracker describes them itself)
    status: int = 200

    @property
    def rule(self) -> str:
        return _PLACEHOLDER.sub(r"<int:\1>", self.path)

    @property
    def endpoint(self) -> str:
        words = re.sub(r"[^a-z0-9]+", "_", self.path.lower()).strip("_")
        return f"{self.method.lower()}_{words}"


def api_blueprint(name: str) -> Blueprint:
    """A blueprint under /api/v1 whose every request is authenticated first."""
    bp = Blueprint(name, __name__, url_prefix=PREFIX)
    bp.before_request(authenticate)
    return bp


def authenticate():
    """A Bearer API token, or the signed-in session plus its CSRF token for changes."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer":
        g.api_user_id = accounts.user_for_token(sessions(), token.strip())
        return None if g.api_user_id else _unauthorized("That API token isn't valid (or was revoked).")
    user = current_user()
    if user is None:
        return _unauthorized("Sign in, or send a personal API token as 'Authorization: Bearer <token>'.")
    if request.method not in SAFE_METHODS and not csrf_ok():
        return error_response(403, "csrf_failed", "Send the page's CSRF token in the X-CSRF-Token header.")
    g.api_user_id = user["id"]
    return None


def _unauthorized(message: str):
    response = error_response(401, "unauthorized", message)
    response.headers["WWW-Authenticate"] = 'Bearer realm="rebound"'
    return response


def validated_body(schema: Schema, partial: bool = False) -> dict:
    """The JSON body, validated: 400 if malformed, 422 naming the fields if invalid."""
    return schema.dump(json_body(schema, partial=partial))


def _passed_body() -> dict | list | None:
    """A body we don't check here: the service does. Malformed JSON still gets a clear 400."""
    if not request.get_data(cache=True):
        return None
    payload = request.get_json(silent=True)
    if payload is None:
        raise ApiError(400, "malformed_json", "The request body must be JSON.")
    return payload


def _params(route: Route) -> list[tuple[str, str]]:
    args = request.args
    checked = route.query.dump(route.query.load(args.to_dict())) if route.query else {}
    passed = [(k, v) for k, v in args.items(multi=True) if k not in checked]
    return passed + [(k, str(v)) for k, v in checked.items() if v is not None]


def forward(route: Route, ids: dict):
    """Answer one public request by asking the route's service."""
    extra: dict = {}
    if route.kind == "upload":
        extra["files"] = {name: (f.filename, f.stream, f.mimetype) for name, f in request.files.items()}
        extra["data"] = request.form.to_dict()  # e.g. an import's corrected column mapping
        extra["timeout"] = 60
    elif route.body is not None:
        extra["json"] = validated_body(route.body, route.partial)
    elif route.method not in SAFE_METHODS:
        extra["json"] = _passed_body()
    if route.kind == "download":
        extra["timeout"] = 60
    headers = {name: request.headers[name] for name in FORWARDED_REQUEST_HEADERS if name in request.headers}
    target = (route.target or route.path).format(**ids)
    answer = service_client.raw(route.service, route.method, target, g.api_user_id, params=_params(route),
                  headers=headers, **extra)
    return relay(answer, listing=route.kind == "list", download=route.kind == "download")


def register(bp: Blueprint, routes: list[Route]) -> None:
    """Add one view per route to the blueprint."""
    for route in routes:
        def view(_route=route, **ids):
            return forward(_route, ids)

        view.__doc__ = route.summary
        view.api_route = route
        bp.add_url_rule(route.rule, endpoint=route.endpoint, view_func=view, methods=[route.method])

