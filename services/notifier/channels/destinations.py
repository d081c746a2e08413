"""Where the notifier may connect on a person's behalf: public addresses only.

Webhook and Apprise URLs are typed by people. Without this, a channel aimed
at 127.0.0.1, the private network or a cloud's metadata service
(169.254.169.254) would let anyone make the server call inside its own walls,
and "send a test" would tell which ports answer. So, unless the operator sets
REBOUND_ALLOW_PRIVATE_TARGETS=true (a home server's own ntfy, say):

- creating such a channel or supporter is refused (422) when its host is, or
  resolves to, an address that is not public;
- every connection opened inside `guarded()` (each redirect hop is a new
  connection) resolves its host once, refuses if any address is not public,
  and connects to exactly the addresses it checked: a DNS answer that changes
  between the check and the connection (rebinding) cannot slip through.
  TLS still checks the certificate against the host name.

The address rule itself (what counts as public) is shared/public_addresses.py.
Connections are guarded where they are made (urllib3's and the socket
module's create_connection), so requests, Apprise's HTTP plugins and smtplib
are covered whatever they do with redirects.
"""
from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator
from contextvars import ContextVar

import urllib3.util.connection as urllib3_connection

from shared import public_addresses as rule
from shared.public_addresses import PrivateDestination
from shared.web import ApiError

REFUSED = "That address is on a private network, and Rebound only sends to public addresses."
_active: ContextVar = ContextVar("rebound_destination_guard", default=None)  # the Guard in force
_install_lock = threading.Lock()
_installed = False


def refuse_private_target(fields: dict, name: str, allow_private: bool) -> None:
    """422 on `name` when the URL in it points at an address Rebound won't send to."""
    url = fields.get(name)
    if url and not allow_private and rule.refusal_for(url):
        raise ApiError(422, "validation_failed", REFUSED, {name: [REFUSED]})


def _guard(original):
    def create_connection(address, *args, **kwargs):
        guard = _active.get()
        if guard is None:
            return original(address, *args, **kwargs)
        host, port = address[0], address[1]
        try:
            addresses = rule.public_addresses(host, port)
        except PrivateDestination:
            guard.refused = True  # libraries wrap our error in their own; the guard remembers
            raise
        last_error: OSError | None = None
        for ip in addresses:
            try:
                return original((ip, port), *args, **kwargs)
            except OSError as exc:
                last_error = exc
        raise last_error or OSError("no address")
    return create_connection


def _install() -> None:
    global _installed
    with _install_lock:
        if not _installed:
            urllib3_connection.create_connection = _guard(urllib3_connection.create_connection)
            socket.create_connection = _guard(socket.create_connection)
            _installed = True


class Guard:
    """Active inside `guarded()`: remembers whether a connection was refused as private."""

    def __init__(self):
        self.refused = False


@contextlib.contextmanager
def guarded(allow_private: bool) -> Iterator[Guard]:
    """Every connection this thread opens inside the block goes only to public addresses."""
    guard = Guard()
    if allow_private:
        yield guard
        return
    _install()
    token = _active.set(guard)
    try:
        yield guard
    finally:
        _active.reset(token)
