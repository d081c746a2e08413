"""Reading a posting's page from the web, carefully: the server fetches a URL a person typed.

A short overall deadline, a size cap read in chunks, http and https only, a few
redirects each checked like the first address, and no private, loopback or
link-local addresses (shared/public_addresses.py) unless the operator allows them.
Each connection goes to exactly the addresses that were checked, so a name that
resolves differently a moment later (DNS rebinding) cannot slip through; TLS still
checks the certificate against the host name.
"""
from __future__ import annotations

import http.client
import socket
import ssl
import time
from dataclasses import dataclass
from email.message import Message
from urllib.parse import urljoin, urlsplit

from shared.public_addresses import PrivateDestination, public_addresses

TIMEOUT = 5.0
MAX_BYTES = 1_000_000
MAX_REDIRECTS = 3
_CHUNK = 64 * 1024
_REDIRECTS = {301, 302, 303, 307, 308}
_HEADERS = {"User-Agent": "Rebound/1 (reading a job posting for its reader)",
            "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5", "Accept-Encoding": "identity"}


class Unreadable(Exception):
    """The page could not be read; `reason` says why in one word (private, too_large, timeout, …)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Page:
    url: str
    html: str


def _pinned(addresses: list[str], port: int):
    """A create_connection for http.client that only tries the addresses already checked."""
    def create_connection(_address, timeout=None, source_address=None):
        last: OSError | None = None
        for ip in addresses:
            try:
                return socket.create_connection((ip, port), timeout, source_address)
            except OSError as exc:
                last = exc
        raise last or OSError("no address")
    return create_connection


def _connection(url: str, allow_private: bool, timeout: float) -> http.client.HTTPConnection:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise Unreadable("not_web")
    secure = parts.scheme == "https"
    port = parts.port or (443 if secure else 80)
    if secure:
        connection = http.client.HTTPSConnection(parts.hostname, port, timeout=timeout,
                                                 context=ssl.create_default_context())
    else:
        connection = http.client.HTTPConnection(parts.hostname, port, timeout=timeout)
    if not allow_private:
        try:
            connection._create_connection = _pinned(public_addresses(parts.hostname, port), port)
        except PrivateDestination:
            raise Unreadable("private") from None
        except (OSError, UnicodeError):
            raise Unreadable("unreachable") from None
    return connection


def _left(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise Unreadable("timeout")
    return left


def _body(connection: http.client.HTTPConnection, response: http.client.HTTPResponse, deadline: float,
          max_bytes: int) -> bytes:
    """At most `max_bytes`, read in chunks, each wait no longer than what is left of the deadline."""
    declared = response.getheader("Content-Length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise Unreadable("too_large")
    chunks, size = [], 0
    while True:
        if connection.sock is not None:
            connection.sock.settimeout(_left(deadline))
        chunk = response.read1(_CHUNK)
        if not chunk:
            break
        size += len(chunk)
        if size > max_bytes:
            raise Unreadable("too_large")
        chunks.append(chunk)
    return b"".join(chunks)


def _text(body: bytes, content_type: str) -> str:
    header = Message()
    header["Content-Type"] = content_type or "text/html"
    charset = header.get_content_charset() or "utf-8"
    try:
        return body.decode(charset, errors="replace")
    except LookupError:
        return body.decode("utf-8", errors="replace")


def fetch(url: str, allow_private: bool, timeout: float = TIMEOUT, max_bytes: int = MAX_BYTES) -> Page:
    """The page at `url` (following up to MAX_REDIRECTS redirects), or Unreadable."""
    deadline = time.monotonic() + timeout
    for _hop in range(MAX_REDIRECTS + 1):
        connection = _connection(url, allow_private, _left(deadline))
        try:
            parts = urlsplit(url)
            connection.request("GET", (parts.path or "/") + (f"?{parts.query}" if parts.query else ""),
                               headers=_HEADERS)
            response = connection.getresponse()
            location = response.getheader("Location")
            if response.status in _REDIRECTS and location:
                url = urljoin(url, location)
                continue
            if response.status != 200:
                raise Unreadable("unreachable")
            return Page(url, _text(_body(connection, response, deadline, max_bytes), response.getheader("Content-Type", "")))
        except (TimeoutError, socket.timeout):
            raise Unreadable("timeout") from None
        except (OSError, http.client.HTTPException, ssl.SSLError):
            raise Unreadable("unreachable") from None
        finally:
            connection.close()
    raise Unreadable("too_many_redirects")
