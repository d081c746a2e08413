"""Cursor pagination for every list: newest first, `limit` and an opaque cursor."""
from __future__ import annotations

import base64
import binascii

from flask import request
from sqlalchemy import Select

from shared.web import ApiError

DEFAULT_LIMIT, MAX_LIMIT = 50, 1000


def encode_cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(f"id:{last_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        prefix, _, value = raw.partition(":")
        if prefix != "id":
            raise ValueError(prefix)
        return int(value)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise ApiError(422, "validation_failed", "That cursor is not one we gave out.",
                       {"cursor": ["Invalid cursor."]}) from None


def page_args() -> tuple[int, int | None]:
    """(limit, after_id) from the query string, or a 422 naming the field."""
    raw_limit = request.args.get("limit", str(DEFAULT_LIMIT))
    if not raw_limit.isdigit() or not 1 <= int(raw_limit) <= MAX_LIMIT:
        raise ApiError(422, "validation_failed", "limit must be between 1 and 1000.",
                       {"limit": [f"Must be a whole number from 1 to {MAX_LIMIT}."]})
    cursor = request.args.get("cursor")
    return int(raw_limit), decode_cursor(cursor) if cursor else None


def paginate(session, query: Select, id_column, dump) -> dict:
    """Run `query` newest first and answer {"items", "next_cursor"}."""
    limit, after = page_args()
    if after is not None:
        query = query.where(id_column < after)
    rows = session.scalars(query.order_by(id_column.desc()).limit(limit + 1)).all()
    items = rows[:limit]
    next_cursor = encode_cursor(items[-1].id) if len(rows) > limit else None
    return {"items": [dump(row) for row in items], "next_cursor": next_cursor}
