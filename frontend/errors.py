"""Errors answered in the asker's language: JSON under /api/, a kind page elsewhere.

No traceback ever reaches a client. An error during an htmx request is
retargeted into the page's notice area, so the panel the person was using
stays where it was.
"""
from __future__ import annotations

import logging

from flask import Flask, make_response, render_template, request
from marshmallow import ValidationError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException, MethodNotAllowed, RequestEntityTooLarge

from frontend.service_client import ServiceUnavailable
from frontend.uploads import too_large_message
from shared.web import ApiError, error_response, http_error_response, names_an_impossible_id

log = logging.getLogger(__name__)

FRIENDLY = {
    400: "That request didn't come through quite right.",
    401: "Please sign in to continue.",
    403: "That isn't something we can do from here.",
    404: "We couldn't find that page.",
    405: "That page doesn't take that kind of request.",
    500: "Something went wrong on our side. Nothing you saved is lost.",
}


def wants_json() -> bool:
    return request.path.startswith("/api/")


def html_error(status: int, message: str):
    """The error page, or just the message when htmx asked (shown in #notices)."""
    if request.headers.get("HX-Request") == "true":
        body = render_template("_partials/notice.html", message=message, tone="error")
        return body, status, {"HX-Retarget": "#notices", "HX-Reswap": "innerHTML"}
    return render_template("error.html", status=status, message=message), status


def unavailable_message(exc: ServiceUnavailable) -> str:
    return (f"We can't reach {exc.label} right now, so that wasn't saved yet. "
            "Everything you already have is safe; please try again in a moment.")


def install_error_handlers(app: Flask) -> None:
    @app.errorhandler(ApiError)
    def _api_error(exc: ApiError):
        if wants_json():
            return error_response(exc.status, exc.code, exc.message, exc.fields)
        return html_error(exc.status, exc.message)

    @app.errorhandler(ValidationError)
    def _validation(exc: ValidationError):
        fields = exc.messages if isinstance(exc.messages, dict) else {"_schema": exc.messages}
        if not wants_json():
            return html_error(422, "Some of those details need another look.")
        return error_response(422, "validation_failed", "Some fields need another look.", fields)

    @app.errorhandler(ServiceUnavailable)
    def _unavailable(exc: ServiceUnavailable):
        if wants_json():
            return error_response(503, "service_unavailable",
                                  f"The {exc.service} service is not answering right now. "
                                  "Nothing was lost; please try again shortly.")
        return html_error(503, unavailable_message(exc))

    @app.errorhandler(RequestEntityTooLarge)
    def _too_large(exc: RequestEntityTooLarge):
        message = too_large_message()
        if wants_json():
            return error_response(413, "too_large", message, {"file": [message]})
        return html_error(413, message)

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        status = exc.code or 500
        if wants_json():
            return http_error_response(exc)
        if isinstance(exc, MethodNotAllowed):
            if names_an_impossible_id(request.path):
                return html_error(404, FRIENDLY[404])
            response = make_response(html_error(status, FRIENDLY[405]))
            response.headers["Allow"] = ", ".join(sorted(exc.valid_methods or ()))
            return response
        # Our own abort() calls carry a message meant for people; werkzeug's defaults don't.
        ours = exc.description if exc.description != type(exc).description else None
        return html_error(status, ours or FRIENDLY.get(status, FRIENDLY[400]))

    @app.errorhandler(OperationalError)
    def _database_down(exc: OperationalError):
        log.error("database unavailable", extra={"path": request.path, "error": str(exc)[:300]})
        message = "We can't reach our database right now. Nothing was saved; please try again shortly."
        if wants_json():
            return error_response(503, "unavailable", message)
        return html_error(503, message)

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        log.exception("unhandled error", extra={"path": request.path})
        if wants_json():
            return error_response(500, "internal_error",
                                  "Something went wrong on our side. Nothing was saved.")
        return html_error(500, FRIENDLY[500])
