"""Marshmallow fields that take only the JSON type (or the values) they name.

marshmallow's Boolean turns 0, 1, "yes" and "on" into booleans: an API that
accepts `{"auto_ghost": 0}` says one thing in its document and does another.
"""
from __future__ import annotations

from functools import cache
from zoneinfo import available_timezones

from marshmallow import fields, validate


class StrictBool(fields.Boolean):
    """true or false, nothing else."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value


@cache
def time_zone_names() -> tuple[str, ...]:
    """Every IANA name Python's zoneinfo knows, sorted: the list the API checks and documents."""
    return tuple(sorted(available_timezones()))


def time_zone_name(**kwargs) -> fields.Str:
    """A time zone name from time_zone_names() (the OpenAPI document lists them as an enum)."""
    return fields.Str(validate=validate.OneOf(time_zone_names(), error="Use a time zone name such as Europe/Berlin."),
                      **kwargs)
