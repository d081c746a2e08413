"""gather: panels load side by side on a long-lived pool, so HTTP sessions (and connections) are reused."""
from __future__ import annotations

import threading

from frontend import panels


def _where() -> dict:
    return {threading.current_thread().name: True}


def test_panels_load_on_the_same_long_lived_threads(app):
    with app.app_context():
        first = panels.gather(_where, _where, _where)
        second = panels.gather(_where, _where, _where)
    names = set(first) | set(second)
    assert names and all(name.startswith("panels") for name in names)
    assert len(names) <= panels._pool()._max_workers


def test_a_loader_that_gathers_runs_its_own_loaders_inline(app):
    def nested() -> dict:
        return {"inner": panels.gather(lambda: {"a": 1}, lambda: {"b": 2})}

    with app.app_context():
        result = panels.gather(nested, lambda: {"c": 3})
    assert result == {"inner": {"a": 1, "b": 2}, "c": 3}
