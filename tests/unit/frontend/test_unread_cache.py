"""The frontend's memory of unread counts: kept only while it can trust it."""
from __future__ import annotations

import pytest

from frontend.unread_cache import Unread, UnreadCache, _hint_to

THREE = Unread(3, 'W/"3-30"')


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def cache(clock):
    cache = UnreadCache(remember_s=30, max_people=3, clock=clock)
    cache.set_listening(True)
    return cache


def test_nothing_is_kept_while_not_listening(clock):
    cache = UnreadCache(clock=clock)
    assert cache.ticket("ann") is None
    assert cache.keep(cache.ticket("ann"), THREE) is False
    assert cache.get("ann") is None


def test_a_count_is_kept_until_a_hint_names_the_person(cache):
    assert cache.keep(cache.ticket("ann"), THREE)
    assert cache.keep(cache.ticket("bob"), Unread(1, "b"))
    assert cache.get("ann") == THREE
    cache.changed(["ann"])
    assert cache.get("ann") is None
    assert cache.get("bob") == Unread(1, "b")


def test_a_count_fetched_while_a_hint_came_is_not_kept(cache):
    ticket = cache.ticket("ann")
    cache.changed(["ann"])  # the inbox changed while the notifier was being asked
    assert cache.keep(ticket, THREE) is False
    assert cache.get("ann") is None
    assert cache.keep(cache.ticket("ann"), THREE)  # asked after the hint: fine


def test_a_hint_for_someone_else_does_not_spoil_a_ticket(cache):
    ticket = cache.ticket("ann")
    cache.changed(["bob"])
    assert cache.keep(ticket, THREE)


def test_counts_are_forgotten_after_remember_s(cache, clock):
    cache.keep(cache.ticket("ann"), THREE)
    clock.now += 29.9
    assert cache.get("ann") == THREE
    clock.now += 0.2
    assert cache.get("ann") is None


def test_losing_the_bus_forgets_everything_and_voids_tickets(cache):
    cache.keep(cache.ticket("ann"), THREE)
    ticket = cache.ticket("bob")
    cache.set_listening(False)
    assert cache.get("ann") is None
    assert cache.keep(ticket, THREE) is False
    cache.set_listening(True)
    assert cache.get("ann") is None  # a hint may have gone by while we were not listening
    assert cache.keep(ticket, THREE) is False  # taken before the gap


def test_the_oldest_person_makes_room(cache):
    for name in ("ann", "bob", "cy", "dee"):
        cache.keep(cache.ticket(name), THREE)
    assert cache.get("ann") is None
    assert [cache.get(n) for n in ("bob", "cy", "dee")] == [THREE] * 3


def test_a_long_list_of_hints_voids_outstanding_tickets(cache):
    cache.keep(cache.ticket("ann"), THREE)
    ticket = cache.ticket("zed")
    cache.changed(["p1", "p2", "p3", "p4"])  # more than max_people remembered: the list is cleared
    assert cache.keep(ticket, THREE) is False
    assert cache.get("ann") == THREE


def test_forget_is_a_hint_from_this_worker(cache):
    cache.keep(cache.ticket("ann"), THREE)
    cache.forget("ann")
    assert cache.get("ann") is None


@pytest.mark.parametrize("body", [None, "ann", {"user_ids": "ann"}, {"user_ids": [1, 2]}, {}])
def test_malformed_hints_are_ignored(cache, body):
    cache.keep(cache.ticket("ann"), THREE)
    _hint_to(cache)(body, None)
    assert cache.get("ann") == THREE


def test_a_hint_body_names_people(cache):
    cache.keep(cache.ticket("ann"), THREE)
    _hint_to(cache)({"user_ids": ["ann", "bob"]}, None)
    assert cache.get("ann") is None
