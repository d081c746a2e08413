"""Time zone names the tracker accepts: the IANA names Python's zoneinfo knows."""
from __future__ import annotations

from functools import cache
from zoneinfo import available_timezones


@cache
def names() -> frozenset[str]:
    return frozenset(available_timezones())


def known(name: str) -> bool:
    return name in names()
