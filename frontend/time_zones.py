"""Time zones to choose from: the person's own first, then every IANA name."""
from __future__ import annotations

from functools import cache
from zoneinfo import available_timezones


@cache
def _all() -> tuple[str, ...]:
    return tuple(sorted(z for z in available_timezones() if "/" in z and not z.startswith(("Etc/", "SystemV/")))) + ("UTC",)


def zone_choices(own: str | None) -> list[str]:
    """Every zone, the person's own (their account's) first so it is the default."""
    own = own if own in _all() else "UTC"
    return [own] + [z for z in _all() if z != own]
