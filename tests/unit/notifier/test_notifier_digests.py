"""Which digests are due: one look at every user holding items, then a digest each, at their local time."""
from datetime import datetime

from support.statements import statements

from services.notifier.digests import due_users, make_due_digests


def _insight(notifier, user, insight_id):
    # Insights wait for the digest by default.
    notifier.event("insight.generated", {"insight_id": insight_id, "kind": "pace",
                                         "title": f"Pace {insight_id}", "body": "Nice rhythm."}, user)


def test_each_users_digest_goes_out_at_their_own_local_time(notifier):
    notifier.register("alice", tz="Europe/Paris")  # 18:00 there is 17:00 UTC in March
    notifier.register("bob", tz="America/New_York")  # 18:00 there is 23:00 UTC before 8 March
    _insight(notifier, "alice", 1)
    _insight(notifier, "bob", 2)
    notifier.clock.now = datetime(2026, 3, 2, 16, 59)
    notifier.tick()
    assert notifier.recorder.sent == []
    notifier.clock.now = datetime(2026, 3, 2, 17, 0)
    notifier.tick()
    assert [t.address for t, _ in notifier.recorder.sent] == ["alice@example.org"]
    notifier.clock.now = datetime(2026, 3, 2, 22, 59, 59)
    notifier.tick()
    assert len(notifier.recorder.sent) == 1
    notifier.clock.now = datetime(2026, 3, 2, 23, 0)
    notifier.tick()
    assert [t.address for t, _ in notifier.recorder.sent] == ["alice@example.org", "bob@example.org"]
    assert all(m.kind == "digest" for _, m in notifier.recorder.sent)


def test_a_user_is_due_from_their_digest_time_until_the_digest_is_made(notifier):
    notifier.register("alice")
    notifier.send("PATCH", "/preferences", {"digest_time": "19:30"})
    _insight(notifier, "alice", 1)
    notifier.clock.now = datetime(2026, 3, 2, 19, 29)
    assert due_users(notifier.runtime.sessions) == []
    notifier.clock.now = datetime(2026, 3, 2, 19, 30)
    assert due_users(notifier.runtime.sessions) == ["alice"]
    assert make_due_digests(notifier.runtime.sessions) == 1
    assert due_users(notifier.runtime.sessions) == []  # made today: not again until tomorrow's 19:30
    _insight(notifier, "alice", 2)
    notifier.clock.now = datetime(2026, 3, 3, 19, 29)
    assert due_users(notifier.runtime.sessions) == []
    notifier.clock.now = datetime(2026, 3, 3, 19, 30)
    assert due_users(notifier.runtime.sessions) == ["alice"]


def test_looking_for_due_digests_is_one_query_however_many_users_hold_items(notifier):
    for number, user in enumerate(("alice", "bob", "carol")):
        notifier.register(user)
        _insight(notifier, user, number)
    with statements(notifier.runtime.engine) as seen:
        assert make_due_digests(notifier.runtime.sessions) == 0  # noon: nobody's 18:00 yet
    assert len(seen) == 1 and seen[0].startswith("SELECT")


def test_the_scheduler_wakes_by_the_next_minute_when_nothing_else_is_due():
    """A digest is due at its minute: an idle scheduler (up to 60 s asleep in `rebound run all`) still
    looks at every minute's start, and earlier for a delivery due sooner."""
    from services.notifier.scheduler import next_wake
    now = datetime(2026, 3, 2, 17, 59, 42, 500)
    assert next_wake(None, now) == datetime(2026, 3, 2, 18, 0)
    assert next_wake(datetime(2026, 3, 2, 17, 59, 50), now) == datetime(2026, 3, 2, 17, 59, 50)
    assert next_wake(datetime(2026, 3, 2, 18, 30), now) == datetime(2026, 3, 2, 18, 0)
