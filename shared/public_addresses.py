"""The one rule for where Rebound may connect on a person's behalf: public addresses only.

URLs typed by people (webhooks, Apprise targets, job postings to read) are a way to
make the server open connections. Without this rule a URL aimed at 127.0.0.1, the
private network or a cloud's metadata service (169.254.169.254) would let anyone make
the server call inside its own walls. Operators who need that (a home server's own
ntfy, tests) set REBOUND_ALLOW_PRIVATE_TARGETS=true; callers check that setting.

Callers that connect should connect to exactly the addresses `public_addresses`
returned, so a DNS answer that changes between the check and the connection
(rebinding) cannot slip through.
"""
from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

REFUSED = "That address is on a private network, and Rebound only connects to public addresses."


class PrivateDestination(OSError):
    """The host is, or resolves to, an address Rebound will not connect to."""


def is_public(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Globally routable unicast: not loopback, private, link-local, multicast, unspecified or reserved."""
    mapped = getattr(ip, "ipv4_mapped", None)
    if mapped is not None:
        return is_public(mapped)
    return ip.is_global and not ip.is_multicast


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    return ipaddress.ip_address(text.split("%", 1)[0])  # drop an IPv6 zone id


def public_addresses(host: str, port: int | None) -> list[str]:
    """Every address `host` resolves to, all public, or PrivateDestination (OSError if it doesn't resolve)."""
    infos = socket.getaddrinfo(host.strip("[]"), port, type=socket.SOCK_STREAM)
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    if not addresses or not all(is_public(_address(a)) for a in addresses):
        raise PrivateDestination(REFUSED)
    return addresses


def refusal_for(url: str) -> str | None:
    """Why a URL may not be used (REFUSED), or None. A name that does not resolve now passes:
    DNS may be down, and every connection checks again."""
    try:
        host, port = urlsplit(url).hostname, urlsplit(url).port
    except ValueError:
        return None
    if not host:
        return None
    try:
        public_addresses(host, port)
    except PrivateDestination:
        return REFUSED
    except (OSError, UnicodeError):
        return None
    return None

