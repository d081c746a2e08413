"""Serving the frontend under a sub-path, e.g. REBOUND_BASE_URL=https://example.org/rebound/.

A reverse proxy may pass the path on whole (`/rebound/login`): `BasePath`
moves the base URL's path from PATH_INFO to SCRIPT_NAME, so Flask's url_for
puts it in front of every link, redirect, static file and htmx request it
makes. A proxy that strips the prefix can say so with X-Forwarded-Prefix
instead (werkzeug's ProxyFix, trusted like the other X-Forwarded headers).
A request without the prefix (the health check, a direct visit) is served
as it comes.
"""
from __future__ import annotations

from urllib.parse import urlsplit


def base_path(base_url: str) -> str:
    """The path part of the public address, without a trailing slash ('' at the root)."""
    return urlsplit(base_url).path.rstrip("/")


class BasePath:
    def __init__(self, app, prefix: str):
        self.app, self.prefix = app, prefix.rstrip("/")

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if self.prefix and (path == self.prefix or path.startswith(self.prefix + "/")):
            environ["SCRIPT_NAME"] = environ.get("SCRIPT_NAME", "").rstrip("/") + self.prefix
            environ["PATH_INFO"] = path[len(self.prefix):] or "/"
        return self.app(environ, start_response)
