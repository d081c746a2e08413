"""Everything Rebound holds about a person, as one zip with a JSON file per service.

Each service writes its own part (the tracker's export.json; the coach's, the
notifier's and the mailbox's /export); the frontend adds the profile and the
names of the API tokens, never their hashes. If a service can't answer, there is no
archive: a partial copy that looks complete would mislead.
"""
from __future__ import annotations

import io
import json
import logging
import zipfile

from frontend import accounts, service_client
from frontend.runtime import sessions
from frontend.service_client import ServiceUnavailable

log = logging.getLogger(__name__)

PARTS = {  # file in the archive: (service, path)
    "tracker.json": ("tracker", "/applications/export.json"),
    "coach.json": ("coach", "/export"),
    "notifier.json": ("notifier", "/export"),
    "mailbox.json": ("mailbox", "/export"),
}
README = ("Your Rebound data, one file per part of Rebound.\n"
          "frontend.json: your account and the names of your API tokens.\n"
          "tracker.json: your applications with their history, notes, contacts and rounds.\n"
          "coach.json: reflections, check-ins, goals, efforts, wins and feedback.\n"
          "notifier.json: notifications, channels, preferences and supporters.\n")


def _service_part(user_id: str, service: str, path: str) -> bytes:
    answer = service_client.raw(service, "GET", path, user_id, timeout=60)
    if answer.status_code != 200:
        log.warning("export part failed", extra={"service": service, "status": answer.status_code})
        raise ServiceUnavailable(service)
    return answer.content


def frontend_part(user_id: str) -> dict:
    """The frontend's own rows about the user, without anything secret."""
    return {"profile": accounts.get_user(sessions(), user_id),
            "api_tokens": accounts.list_tokens(sessions(), user_id)}


def build_archive(user_id: str) -> bytes:
    """The zip's bytes; ServiceUnavailable if any service can't give its part. Needs an app context."""
    parts = {name: _service_part(user_id, *where) for name, where in PARTS.items()}
    parts["frontend.json"] = json.dumps(frontend_part(user_id), indent=1).encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", README)
        for name, content in sorted(parts.items()):
            archive.writestr(name, content)
    return buffer.getvalue()
