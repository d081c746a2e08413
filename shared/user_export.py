"""GET /export: every row a service keeps about the caller, as JSON (a part of the account export).

The tables are the ones erasure covers (those with a user_id). Secrets stay out
(`leave_out`): a file that gets downloaded and kept should not carry keys or
encrypted passwords; the masked and plain columns say which row is which.
"""
from __future__ import annotations

from datetime import date, datetime

from flask import Blueprint, Response, g, json
from sqlalchemy import MetaData, select


def export_blueprint(service: str, metadata: MetaData, leave_out: frozenset[str] = frozenset()) -> Blueprint:
    bp = Blueprint(f"{service}_export", __name__)
    hidden = leave_out | {"user_id"}

    @bp.get("/export")
    def export():
        body = {}
        with g.runtime.sessions() as session:
            for table in metadata.sorted_tables:
                if "user_id" not in table.c:
                    continue
                rows = session.execute(select(table).where(table.c.user_id == g.user_id)
                                       .order_by(*table.primary_key.columns)).mappings()
                body[table.name] = [{k: _plain(v) for k, v in row.items() if k not in hidden} for row in rows]
        return Response(json.dumps({"service": service, "tables": body}, indent=1), mimetype="application/json",
                        headers={"Content-Disposition": f'attachment; filename="{service}.json"'})

    return bp


def _plain(value):
    return value.isoformat() if isinstance(value, (date, datetime)) else value
