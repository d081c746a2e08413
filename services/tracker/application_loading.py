"""What a request loads with its applications, so that each reads no more than it answers with.

A relationship loaded with selectinload costs one more SELECT (for all the applications at once);
a joined one rides in the applications' own SELECT. Joining suits the rejection (one row at most)
and one list of one application; two lists joined at once would multiply each other's rows.
"""
from __future__ import annotations

from sqlalchemy import ColumnElement, exists, select
from sqlalchemy.orm import Session, joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from services.tracker.models import Application, Contact, InterviewRound, Note

# Many applications with everything ApplicationOut dumps (export, ghost candidates).
EVERYTHING = tuple(selectinload(r) for r in (Application.history, Application.rejection, Application.note_entries,
                                              Application.contacts, Application.rounds))
# Deleting needs no children in memory: the foreign keys cascade in the database (passive_deletes).
NOTHING = ()
# The detail lists an application answers with, and the table each comes from.
DETAIL_LISTS = {"note_entries": Note, "contacts": Contact, "rounds": InterviewRound}


def one_list(attribute: str) -> tuple:
    """Only the named detail list, joined into the application's SELECT."""
    return (joinedload(getattr(Application, attribute)),)


def one_in_full(session: Session, where: tuple[ColumnElement[bool], ...]) -> Application | None:
    """One application with everything ApplicationOut dumps, in as few SELECTs as it takes.

    Its rejection and history (a handful of rows) join its SELECT. The detail lists are often
    empty: an EXISTS each tells which are, and those are set empty without a SELECT of their
    own; a list with items loads when first read.
    """
    has_items = [exists().where(model.application_id == Application.id) for model in DETAIL_LISTS.values()]
    query = (select(Application, *has_items).where(*where)
             .options(joinedload(Application.rejection), joinedload(Application.history)))
    row = session.execute(query).unique().one_or_none()
    if row is None:
        return None
    app, *flags = row
    for attribute, has_any in zip(DETAIL_LISTS, flags):
        if not has_any:
            set_committed_value(app, attribute, [])
    return app


def one_with(session: Session, where: tuple[ColumnElement[bool], ...], options: tuple) -> Application | None:
    """One application with only the relationships `options` load."""
    query = select(Application).where(*where).options(*options)
    # unique(): a joined list repeats the application's row once per item
    return session.execute(query).unique().scalar_one_or_none()
