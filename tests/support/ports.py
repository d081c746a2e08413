"""Free ports for the servers tests start, chosen below the kernel's ephemeral range.

A port found by binding port 0 comes from the ephemeral range: once the probe closes, any
outgoing connection on the machine may be given that port before the test's server binds
it ("Address already in use" while a stack's processes were busy connecting). Ports below
the range are only ever taken by a bind, so one that binds now stays free for the test.
"""
from __future__ import annotations

import random
import socket
from pathlib import Path

_handed_out: set[int] = set()


def _ephemeral_low() -> int:
    try:
        return int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768


def free_port() -> int:
    low, high = 10000, _ephemeral_low()
    for _ in range(500):
        port = random.randrange(low, high)
        if port in _handed_out:
            continue
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
        _handed_out.add(port)
        return port
    raise RuntimeError(f"no free port between {low} and {high}")
