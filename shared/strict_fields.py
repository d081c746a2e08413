"""Marshmallow fields that take only the JSON type they name.

marshmallow's Boolean turns 0, 1, "yes" and "on" into booleans: an API that
accepts `{"auto_ghost": 0}` says one thing in its document and does another.
"""
from __future__ import annotations

from marshmallow import fields


class StrictBool(fields.Boolean):
    """true or false, nothing else."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value
