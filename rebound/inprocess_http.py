"""HTTP to a WSGI app of the same process, through the same `requests` client.

In `rebound run all` the frontend still calls the tracker, coach and notifier
APIs with its ordinary ServiceClient: same paths, same signed tokens, same
JSON. Only the transport differs: a requests adapter mounted on the service's
URL hands the request to that service's Flask app instead of a socket. The
service APIs are not reachable from outside the process at all.
"""
from __future__ import annotations

import io
from urllib.parse import urlsplit

import requests
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict
from requests.utils import get_encoding_from_headers
from werkzeug.test import EnvironBuilder, run_wsgi_app

_BODY_HEADERS = {"content-type", "content-length"}


class WsgiAdapter(BaseAdapter):
    """A requests transport that answers from a WSGI app, in the calling thread."""

    def __init__(self, app):
        super().__init__()
        self.app = app

    def send(self, request: requests.PreparedRequest, stream=False, timeout=None, verify=True, cert=None,
             proxies=None) -> requests.Response:
        url = urlsplit(request.url)
        body = request.body or b""
        if isinstance(body, str):
            body = body.encode("utf-8")
        elif not isinstance(body, bytes):  # a file-like body (streamed upload)
            body = body.read()
        headers = {k: v for k, v in request.headers.items() if k.lower() not in _BODY_HEADERS}
        builder = EnvironBuilder(method=request.method, base_url=f"{url.scheme}://{url.netloc}",
                                 path=url.path or "/", query_string=url.query, headers=headers,
                                 data=body, content_type=request.headers.get("Content-Type"))
        try:
            environ = builder.get_environ()
        finally:
            builder.close()
        app_iter, status, response_headers = run_wsgi_app(self.app, environ, buffered=True)
        try:
            content = b"".join(app_iter)
        finally:
            if hasattr(app_iter, "close"):
                app_iter.close()
        return self._response(request, status, response_headers, content)

    def _response(self, request, status: str, headers, content: bytes) -> requests.Response:
        response = requests.Response()
        code, _, reason = status.partition(" ")
        response.status_code = int(code)
        response.reason = reason
        response.headers = CaseInsensitiveDict(headers.items())
        response.encoding = get_encoding_from_headers(response.headers)
        response.raw = io.BytesIO(content)
        response.url = request.url
        response.request = request
        response.connection = self
        return response

    def close(self) -> None:
        pass


def mount_apps(session: requests.Session, apps: dict[str, object]) -> requests.Session:
    """Route every URL under each base URL (key) to its WSGI app (value)."""
    for base_url, app in apps.items():
        session.mount(base_url.rstrip("/") + "/", WsgiAdapter(app))
    return session
