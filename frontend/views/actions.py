"""Plain form posts on the secondary pages: ask a service, say how it went, go back (PRG)."""
from __future__ import annotations

from flask import flash, redirect, request
from marshmallow import Schema, ValidationError

from frontend import panels, service_client
from frontend.login import current_user_id
from frontend.schemas import clean_form


def explain(errors: dict) -> str:
    """Field errors as one sentence a person can act on."""
    parts = []
    for field, messages in errors.items():
        text = " ".join(str(m) for m in (messages if isinstance(messages, list) else [messages]))
        parts.append(text if field == "_schema" else f"{field.replace('_', ' ').capitalize()}: {text}")
    return "Some of that needs another look. " + " ".join(parts)


def act(service: str, method: str, path: str, success: str, back: str, json: dict | None = None):
    """Send one change; flash the outcome; back to the page (which shows the new state)."""
    _say(service_client.call(service, method, path, current_user_id(), json=json), success)
    return redirect(back)


def _say(reply, success: str, tone: str = "message") -> None:
    """Flash how it went: the success words, or what the service said was wrong."""
    if reply.ok:
        flash(success, tone)
    else:
        fields = panels.service_fields(reply)
        flash(explain(fields) if fields else panels.service_message(reply), "error")


def undoable(service: str, method: str, path: str, success: str, back: str, undo_url: str):
    """Like act, and the notice that says it worked carries an Undo button posting to `undo_url`."""
    _say(service_client.call(service, method, path, current_user_id()), success, f"undo:{undo_url}")
    return redirect(back)


def form_payload(schema: Schema, back: str) -> tuple[dict | None, object]:
    """The validated form, or (None, a redirect that explains what to fix)."""
    try:
        return clean_form(schema, request.form), None
    except ValidationError as exc:
        flash(explain(exc.messages), "error")
        return None, redirect(back)
