"""Forwarding one public API request to a service and its answer back, as unchanged as is safe.

The public API asks the services with frontend.service_client.raw, which keeps more
of HTTP than the JSON calls pages make: uploads, downloads with their file
names, and conditional requests (ETag / If-None-Match → 304). A service that
does not answer raises ServiceUnavailable (the app answers 503 JSON).
"""
from __future__ import annotations

import logging

import requests
from flask import Response, jsonify

from shared.web import error_response

log = logging.getLogger(__name__)

# Request headers a client may send on to a service, and answer headers that come back.
FORWARDED_REQUEST_HEADERS = ("If-None-Match", "If-Modified-Since")
RETURNED_HEADERS = ("ETag", "Last-Modified", "Cache-Control", "Content-Disposition", "Retry-After")
JSON = "application/json"


def _is_json(answer: requests.Response) -> bool:
    return answer.headers.get("Content-Type", "").split(";")[0].strip() == JSON


def relay(answer: requests.Response, *, listing: bool = False, download: bool = False) -> Response:
    """The service's answer as our response: status, body and the headers that matter.

    Lists always carry `items` and `next_cursor`. Anything but JSON is passed
    on only for downloads; elsewhere it means the service misbehaved (502).
    """
    status = answer.status_code
    if status in (204, 304) or not answer.content:
        response = Response(status=status)
    elif listing and answer.ok and _is_json(answer):
        body = answer.json()
        if isinstance(body, dict):
            body.setdefault("items", [])
            body.setdefault("next_cursor", None)
        response = jsonify(body)
        response.status_code = status
    elif _is_json(answer) or (download and answer.ok):
        response = Response(answer.content, status=status,
                            content_type=answer.headers.get("Content-Type", "application/octet-stream"))
    else:
        log.warning("unexpected service answer", extra={"status": status,
                                                        "content_type": answer.headers.get("Content-Type")})
        return error_response(502, "bad_reply", "The service answered in a way we did not expect. "
                                                "Nothing was lost; please try again shortly.")
    for name in RETURNED_HEADERS:
        if name in answer.headers:
            response.headers[name] = answer.headers[name]
    return response
