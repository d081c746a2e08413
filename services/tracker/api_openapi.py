"""Route for the tracker's OpenAPI document (public: it holds no data)."""
from __future__ import annotations

from functools import cache

from flask import Blueprint

from services.tracker.openapi import build_spec

bp = Blueprint("tracker_openapi", __name__)


@cache
def _spec() -> dict:
    return build_spec()


@bp.get("/openapi.json")
def openapi():
    """The tracker's OpenAPI document (public: it holds no data)."""
    return _spec()
