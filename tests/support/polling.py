"""Waiting for asynchronous results: poll a predicate until a deadline."""
from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def wait_for(predicate: Callable[[], T], timeout: float = 10.0, interval: float = 0.05,
             message: str | Callable[[], str] = "condition not met") -> T:
    """Call `predicate` until it returns something truthy; return that value.

    Raises AssertionError with `message` (a string, or a callable giving the
    final state) when `timeout` seconds pass first. An exception raised by
    the predicate propagates at once.
    """
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            text = message() if callable(message) else message
            raise AssertionError(f"after {timeout:g}s: {text}")
        time.sleep(interval)
