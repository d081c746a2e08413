"""Refusing input no handler should ever see, before any handler sees it.

JSON nested deeper than any real request needs (a parser's recursion is a way
to a 500), lone surrogates such as "\\ud800" (valid JSON, but no UTF-8 can hold
them, so the database or the next hop fails) and NUL characters (PostgreSQL
refuses them in text). Each is answered 422 naming the field, on every route,
for JSON bodies, query strings and forms alike.
"""
from __future__ import annotations

import json
import re

from flask import Flask, g, request

from shared.api_error import ApiError

MAX_JSON_DEPTH = 32
_UNWRITABLE = re.compile("[\x00\ud800-\udfff]")
_MESSAGES = {
    "\x00": "This has a NUL character (\\u0000), which text here can't hold. Please remove it.",
    "surrogate": "This has a broken character (a lone \\ud800-\\udfff surrogate). Please type it again.",
}


def refused(field: str, message: str) -> ApiError:
    return ApiError(422, "validation_failed", message, {field: [message]})


def _check_text(field: str, text: str) -> None:
    found = _UNWRITABLE.search(text)
    if found:
        raise refused(field, _MESSAGES["\x00" if found.group() == "\x00" else "surrogate"])


def check_json(payload: object) -> None:
    """Walk a parsed JSON value without recursion; raise 422 at the first field we refuse."""
    stack: list[tuple[str, object, int]] = [("", payload, 0)]
    while stack:
        path, value, depth = stack.pop()
        field = path or "_schema"
        if depth > MAX_JSON_DEPTH:  # named by the top-level field the client sent
            raise refused(field.split(".")[0], f"This is nested more than {MAX_JSON_DEPTH} levels deep.")
        if isinstance(value, str):
            _check_text(field, value)
        elif isinstance(value, dict):
            for key, item in value.items():
                child = f"{path}.{key}" if path else str(key)
                _check_text(child, key)
                stack.append((child, item, depth + 1))
        elif isinstance(value, list):
            stack.extend((f"{path}.{i}" if path else str(i), item, depth + 1) for i, item in enumerate(value))


def parsed_json() -> object | None:
    """The request's JSON, checked; None when it is not JSON at all (the route says 400)."""
    try:
        payload = json.loads(request.get_data(cache=True))
    except RecursionError:
        raise refused("_schema", f"This is nested more than {MAX_JSON_DEPTH} levels deep.") from None
    except ValueError:  # includes undecodable bytes
        return None
    check_json(payload)
    return payload


def check_request() -> None:
    """Refuse what no route can store: run before every view."""
    for name, value in request.args.items(multi=True):
        _check_text(name, name)
        _check_text(name, value)
    if request.is_json and request.get_data(cache=True):
        g.checked_json = parsed_json()
    elif request.mimetype == "application/x-www-form-urlencoded":  # uploads are read by their route
        for name, value in request.form.items(multi=True):
            _check_text(name, name)
            _check_text(name, value)


def install_input_guard(app: Flask) -> None:
    app.before_request(check_request)
