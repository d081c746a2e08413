"""The frontend's HTTP client for the services: tracker, coach, notifier and mailbox.

Each call names the user with a short-lived signed token (shared.auth); the
services trust nothing else. A service that does not answer raises
ServiceUnavailable so pages can say so kindly and the API can answer 503.
"""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

import requests
from flask import current_app

from shared.auth import HEADER, sign_user_token
from shared.config import Settings

log = logging.getLogger(__name__)

SERVICE_NAMES = {"tracker": "the tracker", "coach": "the coach", "notifier": "your inbox",
                 "mailbox": "the mailbox watcher"}


class ServiceUnavailable(Exception):
    """A service did not answer (refused, timed out, or failed on its side)."""

    def __init__(self, service: str):
        super().__init__(f"{service} is unavailable")
        self.service = service

    @property
    def label(self) -> str:
        return SERVICE_NAMES.get(self.service, self.service)


@dataclass(frozen=True)
class Reply:
    status: int
    body: dict

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


class ServiceClient:
    """A requests.Session per thread: sessions pool connections but are not thread-safe."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self._local = threading.local()

    def _session(self) -> requests.Session:
        session = getattr(self._local, "session", None)
        if session is None:
            session = requests.Session()
            # Internal calls go straight to the service, never through a proxy from the environment.
            session.trust_env = False
            self._local.session = session
        return session

    def call(self, service: str, method: str, path: str, user_id: str,
             json: dict | None = None, params: dict | None = None, timeout: float = 3) -> Reply:
        response = self.raw(service, method, path, user_id, json=json, params=params, timeout=timeout)
        return Reply(response.status_code, _json_of(response))

    def raw(self, service: str, method: str, path: str, user_id: str, *, params=None,
            json=None, files: dict | None = None, data=None, headers: dict | None = None,
            timeout: float = 10) -> requests.Response:
        """The service's answer as it came: uploads, downloads, and conditional (ETag) requests."""
        url = self.settings.service_urls[service] + path
        sent = {**(headers or {}), HEADER: sign_user_token(self.settings.internal_secret, user_id)}
        try:
            return self._session().request(method, url, params=params, json=json, files=files, data=data,
                                           headers=sent, timeout=timeout)
        except (requests.ConnectionError, requests.Timeout) as exc:
            log.warning("service unavailable", extra={"service": service, "error": type(exc).__name__})
            raise ServiceUnavailable(service) from None


def _json_of(response: requests.Response) -> dict:
    if not response.content:  # e.g. 204 No Content
        return {}
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict):
        return body
    return {"error": {"code": "bad_reply", "message": "The service answered in a way we did not expect.",
                      "fields": {}}}


def call(service: str, method: str, path: str, user_id: str, json: dict | None = None,
         params: dict | None = None, timeout: float = 3) -> Reply:
    """Call a service as the given user with the app's client."""
    client: ServiceClient = current_app.extensions["rebound.services"]
    return client.call(service, method, path, user_id, json=json, params=params, timeout=timeout)


def raw(service: str, method: str, path: str, user_id: str, **kwargs) -> requests.Response:
    """Like call, but the reply is the unparsed response (see ServiceClient.raw)."""
    client: ServiceClient = current_app.extensions["rebound.services"]
    return client.raw(service, method, path, user_id, **kwargs)

