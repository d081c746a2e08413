"""The application list: filters, sorting and keyset cursors over any sort order."""
from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ColumnElement, Select, and_, exists, or_, select

from services.tracker import list_items
from services.tracker.matching import CHANNELS, company_key
from services.tracker.models import Application, Note, Rejection
from shared.events import STAGES
from shared.pagination import DEFAULT_LIMIT, MAX_LIMIT
from shared.web import ApiError


@dataclass(frozen=True)
class Sort:
    column: ColumnElement
    parse: Callable  # a cursor's JSON value back to the column's type
    # A missing value counts as the lowest: first going up, last going down. Sorting on the bare
    # column (not coalesce(column, floor)) lets the (user_id, column, id) indexes serve the order.
    nullable: bool = False


SORTS = {
    "id": Sort(Application.id, int),
    "applied_on": Sort(Application.applied_on, date.fromisoformat, nullable=True),
    "company": Sort(Application.company_key, str),
    "updated_at": Sort(Application.updated_at, datetime.fromisoformat),
    "excitement": Sort(Application.excitement, int, nullable=True),
}


def _bad(field: str, message: str) -> ApiError:
    return ApiError(422, "validation_failed", "Some filters need another look.", {field: [message]})


def date_arg(args, name: str) -> date | None:
    """A YYYY-MM-DD query argument (None when absent); a bad one is refused, naming the field."""
    raw = args.get(name)
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise _bad(name, "Use a date like 2026-03-31.") from None


def filtered(user_id: str, args) -> Select:
    """The ids of the caller's applications matching the query-string filters."""
    query = select(Application.id).where(Application.user_id == user_id)
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
    if start := date_arg(args, "applied_from"):
        query = query.where(Application.applied_on >= start)
    if end := date_arg(args, "applied_to"):
        query = query.where(Application.applied_on <= end)
    if start := date_arg(args, "follow_up_from"):
        query = query.where(Application.follow_up_on >= start)
    if end := date_arg(args, "follow_up_to"):
        query = query.where(Application.follow_up_on <= end)
    archived = args.get("archived", "0")
    if archived not in ("0", "1", "all"):
        raise _bad("archived", "Use 0, 1 or all.")
    if archived != "all":
        query = query.where(Application.archived.is_(archived == "1"))
    if text := args.get("q"):
        like = f"%{text}%"
        in_notes = exists().where(Note.application_id == Application.id, Note.body.ilike(like))
        in_feedback = exists().where(Rejection.application_id == Application.id, Rejection.feedback.ilike(like))
        query = query.where(or_(Application.company.ilike(like), Application.role.ilike(like),
                                Application.notes.ilike(like), Application.source.ilike(like),
                                in_notes, in_feedback))
    return query


def page(session, query: Select, args) -> dict:
    """One page in the requested order, with a cursor for the next; one query for the lot."""
    sort_arg = args.get("sort", "-id")
    name, descending = sort_arg.lstrip("-"), sort_arg.startswith("-")
    if name not in SORTS:
        raise _bad("sort", f"Sort by one of: {', '.join(SORTS)} (prefix - for descending).")
    sort, limit = SORTS[name], _limit(args)
    if cursor := args.get("cursor"):
        query = query.where(_after(sort, descending, *_decode(cursor, sort_arg, sort)))
    # The page is picked on applications alone, so an index in the sort's order serves it and the
    # limit counts applications; then its rows are read with their history and rejection.
    listed = (query.add_columns(sort.column.label("sort_value"))
              .order_by(*_order(sort, descending, sort.column, Application.id))
              .limit(limit + 1).subquery("listed"))
    order = _order(sort, descending, listed.c.sort_value, listed.c.id)
    # plain rows, no ORM objects: through the connection, Core skips the ORM's per-statement work
    rows = session.connection().execute(list_items.with_details(listed, order)).mappings()
    found = list_items.from_rows(rows)
    next_cursor = None
    if len(found) > limit:
        last, value = found[limit - 1]
        next_cursor = _encode(sort_arg, value, last["id"])
    return {"items": [item for item, _ in found[:limit]], "next_cursor": next_cursor}


def _order(sort: Sort, descending: bool, value, row_id) -> tuple:
    """ORDER BY terms, ties broken by id; a missing value is the lowest."""
    if descending:
        return (value.desc().nulls_last() if sort.nullable else value.desc(), row_id.desc())
    return (value.asc().nulls_first() if sort.nullable else value.asc(), row_id.asc())


def _after(sort: Sort, descending: bool, value, last_id: int) -> ColumnElement[bool]:
    """The rows that come after (value, last_id) in the sort order."""
    column, row_id = sort.column, Application.id
    if value is None:  # only a nullable sort gives out such a cursor; missing values are lowest
        if descending:
            return and_(column.is_(None), row_id < last_id)
        return or_(column.is_not(None), and_(column.is_(None), row_id > last_id))
    if descending:
        later = or_(column < value, and_(column == value, row_id < last_id))
        return or_(later, column.is_(None)) if sort.nullable else later
    return or_(column > value, and_(column == value, row_id > last_id))


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


def _decode(cursor: str, sort_arg: str, sort: Sort):
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        cursor_sort, value, last_id = json.loads(raw)
        if cursor_sort != sort_arg or not isinstance(last_id, int):
            raise ValueError(cursor_sort)
        return (None if value is None and sort.nullable else sort.parse(value)), last_id
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        raise _bad("cursor", "That cursor is not one we gave out (or was made for another sort).") from None
