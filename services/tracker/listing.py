"""The application list: filters, sorting and keyset cursors over any sort order."""
from __future__ import annotations

import base64
import binascii
import json
from datetime import date, datetime

from sqlalchemy import Select, and_, exists, func, literal, or_, select
from sqlalchemy.orm import selectinload

from services.tracker.matching import CHANNELS, company_key
from services.tracker.models import Application, Note
from shared.events import STAGES
from shared.pagination import DEFAULT_LIMIT, MAX_LIMIT
from shared.web import ApiError

_FLOOR_DATE = date(1900, 1, 1)
# sort name -> (expression with no NULLs, how to read a cursor value back)
SORTS = {
    "id": (Application.id, int),
    "applied_on": (func.coalesce(Application.applied_on, _FLOOR_DATE), date.fromisoformat),
    "company": (Application.company_key, str),
    "updated_at": (Application.updated_at, datetime.fromisoformat),
    "excitement": (func.coalesce(Application.excitement, 0), int),
}
LOADED = (Application.history, Application.rejection, Application.note_entries,
          Application.contacts, Application.rounds)
# A list item carries its history and rejection; notes, contacts and rounds come with GET /applications/<id>.
LISTED = (Application.history, Application.rejection)


def _bad(field: str, message: str) -> ApiError:
    return ApiError(422, "validation_failed", "Some filters need another look.", {field: [message]})


def _date_arg(args, name: str) -> date | None:
    raw = args.get(name)
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise _bad(name, "Use a date like 2026-03-31.") from None


def filtered(user_id: str, args) -> Select:
    """The caller's applications matching the query-string filters."""
    query = select(Application).where(Application.user_id == user_id)
    if stages := [s for s in args.get("stage", "").split(",") if s]:
        if unknown := [s for s in stages if s not in STAGES]:
            raise _bad("stage", f"Unknown stage: {', '.join(unknown)}.")
        query = query.where(Application.stage.in_(stages))
    if source := args.get("source"):
        query = query.where(Application.channel == source if source in CHANNELS
                            else Application.source.ilike(f"%{source}%"))
    if company := args.get("company"):
        query = query.where(Application.company_key.contains(company_key(company), autoescape=True))
    if tag := args.get("tag"):
        query = query.where(Application.tags_text.contains(f",{tag.strip()},", autoescape=True))
    if start := _date_arg(args, "applied_from"):
        query = query.where(Application.applied_on >= start)
    if end := _date_arg(args, "applied_to"):
        query = query.where(Application.applied_on <= end)
    archived = args.get("archived", "0")
    if archived not in ("0", "1", "all"):
        raise _bad("archived", "Use 0, 1 or all.")
    if archived != "all":
        query = query.where(Application.archived.is_(archived == "1"))
    if text := args.get("q"):
        like = f"%{text}%"
        in_notes = exists().where(Note.application_id == Application.id, Note.body.ilike(like))
        query = query.where(or_(Application.company.ilike(like), Application.role.ilike(like),
                                Application.notes.ilike(like), in_notes))
    return query


def page(session, query: Select, args, dump) -> dict:
    """One page in the requested order, with a cursor for the next."""
    sort = args.get("sort", "-id")
    name, descending = sort.lstrip("-"), sort.startswith("-")
    if name not in SORTS:
        raise _bad("sort", f"Sort by one of: {', '.join(SORTS)} (prefix - for descending).")
    expr, parse = SORTS[name]
    limit = _limit(args)
    if cursor := args.get("cursor"):
        value, last_id = _decode(cursor, sort, parse)
        if descending:
            query = query.where(or_(expr < value, and_(expr == value, Application.id < last_id)))
        else:
            query = query.where(or_(expr > value, and_(expr == value, Application.id > last_id)))
    order = (expr.desc(), Application.id.desc()) if descending else (expr.asc(), Application.id.asc())
    query = query.add_columns(expr.label("sort_value") if name != "id" else literal(None).label("sort_value"))
    rows = session.execute(query.options(*(selectinload(r) for r in LISTED))
                           .order_by(*order).limit(limit + 1)).all()
    items = rows[:limit]
    next_cursor = None
    if len(rows) > limit:
        last = items[-1]
        value = last.Application.id if name == "id" else last.sort_value
        next_cursor = _encode(sort, value, last.Application.id)
    return {"items": [dump(row.Application) for row in items], "next_cursor": next_cursor}


def _limit(args) -> int:
    raw = args.get("limit")
    if raw is not None and (not raw.isdigit() or not 1 <= int(raw) <= MAX_LIMIT):
        raise _bad("limit", f"Must be a whole number from 1 to {MAX_LIMIT}.")
    return int(raw) if raw else DEFAULT_LIMIT


def _encode(sort: str, value, last_id: int) -> str:
    if isinstance(value, (date, datetime)):
        value = value.isoformat()
    raw = json.dumps([sort, value, last_id]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(cursor: str, sort: str, parse):
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        cursor_sort, value, last_id = json.loads(raw)
        if cursor_sort != sort or not isinstance(last_id, int):
            raise ValueError(cursor_sort)
        return parse(value), last_id
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        raise _bad("cursor", "That cursor is not one we gave out (or was made for another sort).") from None
