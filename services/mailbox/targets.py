"""Which mail servers Rebound may connect to on a person's behalf.

A connect form is a way to make the server open connections: addresses inside the
server's own network are refused unless the operator allows them
(REBOUND_ALLOW_PRIVATE_TARGETS=1, e.g. for a mail server on the same LAN).

The form is checked when a mailbox is saved or tested, and every connection is checked
again when it is opened (`open_checked`): a name's DNS answer can change after it was
saved. The host is resolved once, every address is checked, and the socket goes to
exactly those addresses, so an answer that changes between the check and the connect
(rebinding) cannot slip through. TLS still checks the certificate against the name.
"""
from __future__ import annotations

import ipaddress
import socket

from shared.public_addresses import PrivateDestination, public_addresses

_LOOPBACK_NAMES = ("localhost", "localhost.localdomain")
REFUSED = ("That server is inside this machine's own network. Your administrator can allow "
           "this with REBOUND_ALLOW_PRIVATE_TARGETS.")


class PrivateTarget(Exception):
    """The host is, or resolves to, an address Rebound will not connect to."""


def is_loopback_name(host: str) -> bool:
    host = host.strip("[]").lower()
    if host in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def checked_addresses(host: str, port: int, allow_private: bool) -> list[str]:
    """The addresses `host` resolves to now, or PrivateTarget if any is not public (unless allowed).

    A name that does not resolve raises socket.gaierror, as a connection would."""
    if allow_private:
        infos = socket.getaddrinfo(host.strip("[]"), port, type=socket.SOCK_STREAM)
        return list(dict.fromkeys(info[4][0] for info in infos))
    try:
        return public_addresses(host, port)
    except PrivateDestination:
        raise PrivateTarget(REFUSED) from None


def open_checked(host: str, port: int, timeout: float | None, allow_private: bool) -> socket.socket:
    """A TCP connection to `host`, made only to the addresses just checked."""
    last_error: OSError | None = None
    for address in checked_addresses(host, port, allow_private):
        try:
            return socket.create_connection((address, port), timeout)
        except OSError as exc:
            last_error = exc
    raise last_error or OSError(f"{host} has no address")


def refused_reason(host: str, port: int, allow_private: bool) -> str | None:
    """Why this host may not be used, or None. Names that don't resolve are left to the connection."""
    if allow_private:
        return None
    try:
        checked_addresses(host, port, allow_private)
    except PrivateTarget as exc:
        return str(exc)
    except (OSError, UnicodeError):
        return None
    return None
