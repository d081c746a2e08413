"""GET /export: every row the notifier keeps about the caller, as JSON (for the account export).

Encrypted destinations, webhook signing keys and supporters' link nonces stay
out: the masked forms say which channel is which, and the secrets would only
be a risk in a file that gets downloaded and kept.
"""
from __future__ import annotations

from datetime import date, datetime

from flask import Blueprint, Response, g, json
from sqlalchemy import select

from services.notifier.models import metadata

bp = Blueprint("notifier_export", __name__)
SECRET_COLUMNS = {"target_encrypted", "secret_encrypted", "apprise_encrypted", "nonce", "verify_nonce", "user_id"}


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
            body[table.name] = [{k: _plain(v) for k, v in row.items() if k not in SECRET_COLUMNS}
                                for row in rows]
    return Response(json.dumps({"service": "notifier", "tables": body}, indent=1),
                    mimetype="application/json",
                    headers={"Content-Disposition": 'attachment; filename="notifier.json"'})
