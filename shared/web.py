"""What every HTTP process shares: JSON errors, request parsing, health checks."""
from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable

from flask import Flask, g, jsonify, request
from marshmallow import Schema, ValidationError
from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound
from werkzeug.routing import IntegerConverter

from shared.api_error import ApiError
from shared.auth import HEADER, InvalidToken, verify_user_token
from shared.bus import connect, ensure_connected
from shared.config import Settings
from shared.input_guard import install_input_guard

log = logging.getLogger(__name__)
PUBLIC_PATHS = {"/healthz", "/readyz", "/openapi.json"}
MAX_ROW_ID = 2**63 - 1  # the largest BIGINT; SQLite's INTEGER is the same


def error_response(status: int, code: str, message: str, fields: dict | None = None):
    response = jsonify({"error": {"code": code, "message": message, "fields": fields or {}}})
    response.status_code = status
    return response


def install_json_errors(app: Flask) -> None:
    """Every error becomes JSON; no traceback ever reaches the client."""

    @app.errorhandler(ApiError)
    def _api_error(exc: ApiError):
        response = error_response(exc.status, exc.code, exc.message, exc.fields)
        response.headers.update(exc.headers)
        return response

    @app.errorhandler(ValidationError)
    def _validation(exc: ValidationError):
        return error_response(422, "validation_failed", "Some fields need another look.",
                              exc.messages if isinstance(exc.messages, dict) else {"_schema": exc.messages})

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        return http_error_response(exc)

    @app.errorhandler(OperationalError)
    def _database_down(exc: OperationalError):
        log.error("database unavailable", extra={"path": request.path, "error": str(exc)[:300]})
        return error_response(503, "unavailable", "We can't reach our database right now. Nothing was saved; please try again shortly.")

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        log.exception("unhandled error", extra={"path": request.path})
        return error_response(500, "internal_error", "Something went wrong on our side. Nothing was saved.")


_DIGITS = re.compile(r"/(\d+)(?=/|$)")


def names_an_impossible_id(path: str) -> bool:
    """True when the path holds a number no id column can hold (werkzeug then tries other rules)."""
    return any(int(n) > MAX_ROW_ID for n in _DIGITS.findall(path))


def http_error_response(exc: HTTPException):
    """werkzeug's HTTP errors as JSON: a 405 keeps its `Allow`, and a 405 caused by an id no
    column can hold is a 404 (such a row can never exist, whatever the method)."""
    if isinstance(exc, MethodNotAllowed) and names_an_impossible_id(request.path):
        return error_response(404, "not_found", NotFound.description)
    code = (exc.name or "error").lower().replace(" ", "_")
    response = error_response(exc.code or 500, code, exc.description or exc.name)
    if isinstance(exc, MethodNotAllowed) and exc.valid_methods:
        response.headers["Allow"] = ", ".join(sorted(exc.valid_methods))
    return response


def json_body(schema: Schema, partial: bool = False) -> dict:
    """The request's JSON loaded through a schema: 400 if malformed, 422 if invalid."""
    payload = request.get_json(silent=True)
    if payload is None:
        raise ApiError(400, "malformed_json", "The request body must be a JSON object.")
    if not isinstance(payload, dict):
        raise ApiError(422, "validation_failed", "The request body must be a JSON object.",
                       {"_schema": ["Expected a JSON object."]})
    return schema.load(payload, partial=partial)


def require_internal_token(app: Flask, settings: Settings) -> None:
    """Services answer 401 unless the frontend vouched for a user."""

    @app.before_request
    def _check_token():
        if request.path in PUBLIC_PATHS:
            return None
        try:
            g.user_id = verify_user_token(settings.internal_secret, request.headers.get(HEADER))
        except InvalidToken as exc:
            return error_response(401, "unauthorized", str(exc))
        return None


def database_ready(engine: Engine) -> str | None:
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:
        return f"database: {type(exc).__name__}"
    return None


class BusProbe:
    """Checks the bus answers; remembers a good answer for a few seconds."""

    def __init__(self, settings: Settings, ttl_s: float = 5.0):
        self.settings, self.ttl_s, self._ok_until = settings, ttl_s, 0.0

    def __call__(self) -> str | None:
        if time.monotonic() < self._ok_until:
            return None
        try:
            with connect(self.settings) as conn:
                ensure_connected(conn, self.settings, timeout=2)
        except Exception as exc:
            return f"bus: {type(exc).__name__}"
        self._ok_until = time.monotonic() + self.ttl_s
        return None


def install_health(app: Flask, checks: list[Callable[[], str | None]]) -> None:
    @app.get("/healthz")
    def healthz():
        return jsonify({"status": "ok"})

    @app.get("/readyz")
    def readyz():
        problems = [p for p in (check() for check in checks) if p]
        if problems:
            return jsonify({"status": "unavailable", "reasons": problems}), 503
        return jsonify({"status": "ready"})


class RowIdConverter(IntegerConverter):
    """<int:...> that only matches ids a database column can hold: larger ones are 404, not 500."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ROW_ID)
        super().__init__(map, *args, **kwargs)


def create_service_app(import_name: str, runtime, *blueprints) -> Flask:
    """A service's Flask app: JSON errors, internal auth, health, its blueprints."""
    app = Flask(import_name)
    app.url_map.converters["int"] = RowIdConverter
    install_json_errors(app)
    require_internal_token(app, runtime.settings)
    install_input_guard(app)
    install_health(app, [lambda: database_ready(runtime.engine), BusProbe(runtime.settings)])

    @app.before_request
    def _attach_runtime():
        g.runtime = runtime

    for blueprint in blueprints:
        app.register_blueprint(blueprint)
    return app
