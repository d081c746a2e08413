"""How many applications a person has (not hidden), kept on their profile as facts come and go.

The playbook asks on every new application; counting the facts each time read
the whole history. The handlers that add, hide or show a fact move the count
in the same transaction; until a profile has been counted once (NULL) the
first question counts and stores the answer.
"""
from __future__ import annotations

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import Session

from services.coach.models import ApplicationFact, Profile

_P = Profile.__table__.c
_F = ApplicationFact.__table__.c
_STORED = select(_P.application_count).where(_P.user_id == bindparam("user_id"))
_COUNTED = select(func.count()).where(_F.user_id == bindparam("user_id"), _F.hidden.is_(False))
# UPDATE reserves bind names equal to column names: the person is "for_user" here.
_MOVE = (update(Profile.__table__).where(_P.user_id == bindparam("for_user"), _P.application_count.is_not(None))
         .values(application_count=_P.application_count + bindparam("delta")))
_START = (update(Profile.__table__).where(_P.user_id == bindparam("for_user"), _P.application_count.is_(None))
          .values(application_count=bindparam("counted")))


def application_count(session: Session, user_id: str) -> int:
    """The person's applications still shown: one key lookup once counted."""
    stored = session.execute(_STORED, {"user_id": user_id}).scalar()
    if stored is not None:
        return stored
    counted = session.execute(_COUNTED, {"user_id": user_id}).scalar() or 0
    session.execute(_START, {"for_user": user_id, "counted": counted})  # no profile yet: counted again next time
    return counted


def move_count(session: Session, user_id: str, delta: int) -> None:
    """A fact was added (+1), hidden (-1) or shown again (+1)."""
    if delta:
        session.execute(_MOVE, {"for_user": user_id, "delta": delta})
