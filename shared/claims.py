"""Claims: with several replicas of a worker, each due item is taken by one of them.

Schedulers run in every replica of their worker. Two ways to take an item:

- `skip_locked(select)`: the due rows themselves, locked for the rest of the
  transaction; rows another replica holds are passed over, not waited for.
- `claim(session, scope, key)`: an item with no row of its own to lock (a
  person's daily digest, whose preferences may not exist yet), taken with a
  transaction-scoped advisory lock named by (scope, key).

Either way the holder changes the item's state (done, sent, made today) in the
same transaction, and whoever comes after it reads that state afresh and finds
nothing to do: the claim stops two replicas working at once, the state stops
the work being done twice. On SQLite (one machine, one writer at a time, no
row locks) both are no-ops and a single scheduler is assumed.
"""
from __future__ import annotations

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session


def skip_locked(statement: Select, *of) -> Select:
    """`statement` taking its rows (of these entities, default all) for this transaction, skipping held ones."""
    return statement.with_for_update(skip_locked=True, of=of or None)


def claim(session: Session, scope: str, key: str | int) -> bool:
    """Take (scope, key) until this transaction ends; False if another transaction holds it.

    The two hashes name the lock; two keys that happen to share them only
    make one replica wait for the next pass, never skip an item for good.
    """
    if session.get_bind().dialect.name != "postgresql":
        return True
    return bool(session.scalar(select(func.pg_try_advisory_xact_lock(func.hashtext(scope),
                                                                      func.hashtext(str(key))))))
