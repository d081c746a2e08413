"""Counting the SQL statements a piece of work sends, to keep its per-event cost in check."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event

SQL = ("SELECT", "INSERT", "UPDATE", "DELETE")  # not BEGIN, SAVEPOINT and the like


@contextmanager
def statements(engine) -> Iterator[list[str]]:
    """The data statements run on `engine` inside the block, in order, white space folded."""
    seen: list[str] = []

    def note(_conn, _cursor, statement, *_args):
        if statement.lstrip().upper().startswith(SQL):
            seen.append(" ".join(statement.split()))

    event.listen(engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", note)
