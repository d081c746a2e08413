"""List items as plain dicts, read in one query with their history and rejection.

The list answers many rows: plain rows and dicts cost a fraction of ORM objects with
eager-loaded relationships and a schema dump. It gives exactly ApplicationOut's keys minus
notes, contacts and rounds (tests/unit/tracker/test_listing.py checks the two agree).
"""
from __future__ import annotations

from sqlalchemy import Select, Subquery, select

from services.tracker.matching import tags_of
from services.tracker.models import Application, Rejection, StageChange

SCALARS = ("id", "company", "role", "source", "channel", "url", "location", "work_mode", "salary_min",
           "salary_max", "salary_currency", "salary_period", "role_category", "excitement",
           "resume_version", "cover_letter_version", "archived", "notes", "stage")
DATES = ("applied_on", "follow_up_on", "stage_since", "created_at", "updated_at")
COLUMNS = tuple(getattr(Application, name) for name in SCALARS + DATES + ("tags_text",))
# the joined rows' own columns, named apart from the application's
_CHANGE = (StageChange.from_stage.label("change_from"), StageChange.to_stage.label("change_to"),
           StageChange.changed_on.label("change_on"))
_REJECTION = (Rejection.stage_reached.label("rejection_stage_reached"), Rejection.reason.label("rejection_reason"),
              Rejection.feedback.label("rejection_feedback"), Rejection.received_on.label("rejection_received_on"))


def with_details(page: Subquery, order) -> Select:
    """The applications whose ids `page` holds, in `order`, each row repeated once per stage change
    (oldest first) and carrying its rejection, if any."""
    return (select(page.c.sort_value, *COLUMNS, *_CHANGE, *_REJECTION)
            .join_from(page, Application, Application.id == page.c.id)
            .outerjoin(StageChange, StageChange.application_id == page.c.id)
            .outerjoin(Rejection, Rejection.application_id == page.c.id)
            .order_by(*order, StageChange.changed_on, StageChange.id))


def from_rows(rows) -> list[tuple[dict, object]]:
    """(item, sort value) per application, in the rows' order, history gathered from the repeats.

    `rows` are mappings (Result.mappings()): a key lookup there is several times cheaper than
    a Row attribute, and a page reads some 1,500 values.
    """
    found: dict[int, tuple[dict, object]] = {}
    for row in rows:
        entry = found.get(row["id"])
        if entry is None:
            entry = found[row["id"]] = (_item(row), row["sort_value"])
        if row["change_to"] is not None:  # to_stage is never NULL: None means no stage change at all
            entry[0]["history"].append({"from_stage": row["change_from"], "to_stage": row["change_to"],
                                        "changed_on": row["change_on"].isoformat()})
    return list(found.values())


def _iso(value):
    return value.isoformat() if value is not None else None


def _item(row) -> dict:
    item = {name: row[name] for name in SCALARS}
    item.update({name: _iso(row[name]) for name in DATES})
    item["tags"] = tags_of(row["tags_text"])
    item["history"] = []
    item["rejection"] = None if row["rejection_stage_reached"] is None else {
        "stage_reached": row["rejection_stage_reached"], "reason": row["rejection_reason"],
        "feedback": row["rejection_feedback"], "received_on": row["rejection_received_on"].isoformat()}
    return item
