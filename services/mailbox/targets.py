"""Which mail servers Rebound may connect to on a person's behalf.

A connect form is a way to make the server open connections: addresses inside the
server's own network are refused unless the operator allows them
(REBOUND_ALLOW_PRIVATE_TARGETS=1, e.g. for a mail server on the same LAN).
"""
from __future__ import annotations

import ipaddress
import socket

_LOOPBACK_NAMES = ("localhost", "localhost.localdomain")


def is_loopback_name(host: str) -> bool:
    host = host.strip("[]").lower()
    if host in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def refused_reason(host: str, port: int, allow_private: bool) -> str | None:
    """Why this host may not be used, or None. Names that don't resolve are left to the connection."""
    if allow_private:
        return None
    try:
        infos = socket.getaddrinfo(host.strip("[]"), port, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError):
        return None
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global:
            return ("That server is inside this machine's own network. Your administrator can allow "
                    "this with REBOUND_ALLOW_PRIVATE_TARGETS.")
    return None
