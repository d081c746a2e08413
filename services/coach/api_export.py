"""GET /export: every row the coach keeps about the caller, as JSON (for the account export)."""
from __future__ import annotations

from datetime import date, datetime

from flask import Blueprint, Response, g, json
from sqlalchemy import select

from services.coach.models import metadata

bp = Blueprint("coach_export", __name__)


def _plain(value):
    return value.isoformat() if isinstance(value, (date, datetime)) else value


@bp.get("/export")
def export():
    """One list of rows per table that holds the caller's data, same tables erasure covers."""
    body = {}
    with g.runtime.sessions() as session:
        for table in metadata.sorted_tables:
            if "user_id" not in table.c:
                continue
            rows = session.execute(select(table).where(table.c.user_id == g.user_id)
                                   .order_by(*table.primary_key.columns)).mappings()
            body[table.name] = [{k: _plain(v) for k, v in row.items() if k != "user_id"} for row in rows]
    return Response(json.dumps({"service": "coach", "tables": body}, indent=1), mimetype="application/json",
                    headers={"Content-Disposition": 'attachment; filename="coach.json"'})
