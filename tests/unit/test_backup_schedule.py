"""Scheduled backups: the schedule's forms, the next moment, and how many archives are kept."""
from __future__ import annotations

from datetime import datetime, time, timedelta, timezone

import pytest

from rebound.backup import prune
from rebound.backup_schedule import Schedule, configured, parse_schedule
from shared.config import ConfigError
from support import make_settings

NOW = datetime(2026, 5, 1, 12, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize("raw, expected", [
    ("03:30", Schedule(daily_at=time(3, 30))),
    ("6h", Schedule(every=timedelta(hours=6))),
    ("30m", Schedule(every=timedelta(minutes=30))),
    (" 1D ", Schedule(every=timedelta(days=1))),
])
def test_schedule_forms(raw, expected):
    assert parse_schedule(raw) == expected


@pytest.mark.parametrize("raw", ["daily", "0h", "25:00", "6 hours", ""])
def test_a_bad_schedule_is_refused_with_the_forms_it_takes(raw):
    with pytest.raises(ConfigError, match="like 03:30 or an interval"):
        parse_schedule(raw)


def test_next_moment():
    assert Schedule(daily_at=time(3, 30)).next_after(NOW) == datetime(2026, 5, 2, 3, 30, tzinfo=timezone.utc)
    assert Schedule(daily_at=time(13, 0)).next_after(NOW) == datetime(2026, 5, 1, 13, 0, tzinfo=timezone.utc)
    assert Schedule(every=timedelta(hours=6)).next_after(NOW) == NOW + timedelta(hours=6)


def test_configured_reads_the_environment(tmp_path):
    assert configured(make_settings(tmp_path)) is None
    schedule, folder, keep = configured(make_settings(tmp_path, env={"BACKUP_SCHEDULE": "2h", "BACKUP_KEEP": "3"}))
    assert (schedule.every, folder, keep) == (timedelta(hours=2), tmp_path / "backups", 3)
    with pytest.raises(ConfigError, match="REBOUND_BACKUP_KEEP"):
        configured(make_settings(tmp_path, env={"BACKUP_SCHEDULE": "2h", "BACKUP_KEEP": "0"}))


def test_prune_keeps_the_newest(tmp_path):
    names = [f"rebound-backup-2026050{d}T000000000000Z.tar.gz" for d in range(1, 6)]
    for name in names:
        (tmp_path / name).write_bytes(b"x")
    (tmp_path / "notes.txt").write_text("not an archive")
    removed = prune(tmp_path, keep=2)
    assert sorted(p.name for p in removed) == names[:3]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([*names[3:], "notes.txt"])



def test_the_loop_writes_archives_and_keeps_the_newest(tmp_path, monkeypatch):
    import threading

    from rebound import backup_schedule
    from support import wait_for

    written = []
    real = backup_schedule.backup
    monkeypatch.setattr(backup_schedule, "backup", lambda *args: written.append(real(*args)) or written[-1])
    folder, stop = tmp_path / "backups", threading.Event()
    thread = threading.Thread(target=backup_schedule.loop, args=(
        make_settings(tmp_path), Schedule(every=timedelta(seconds=0.05)), folder, 2, stop))
    thread.start()
    try:
        wait_for(lambda: len(written) >= 4, timeout=20, message=lambda: f"{len(written)} archives")
    finally:
        stop.set()
        thread.join(10)
    assert not thread.is_alive()
    assert sorted(folder.glob("rebound-backup-*.tar.gz")) == sorted(written)[-2:]
