"""Slowing down guessing without letting a stranger lock anyone out.

Failed sign-ins are counted per (account, client address): after a few, each
further try from that address waits longer (15 s, 30 s, 1 min, ... up to 15
minutes). Someone guessing from elsewhere never slows the owner down, and the
owner's own browser (a known device, or a live session) gets through with the
right password even while an address is being held back. One address is also
held to a ceiling across all accounts, so it cannot spread its guesses thin.
When an account sees many failures from anywhere, its owner gets one calm
e-mail about it (at most one a day).

The counts live in the frontend database (table login_attempts, one row per
event, keyed "pair:...", "ip:...", "email:...", "alert:...", and the other
counters the sign-up and reset pages keep), so every web worker sees the same.
"""
from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import sessionmaker

from frontend.accounts import normalise_email
from frontend.models import LoginAttempt
from shared.tables import utcnow

PAIR_WINDOW = timedelta(hours=1)
FREE_TRIES = 3  # typos happen: the first few failures cost nothing
FIRST_DELAY_S = 15
MAX_DELAY_S = 15 * 60
ADDRESS_WINDOW = timedelta(minutes=15)
# Higher than any one person needs: one office or home network can hold many people.
MAX_PER_ADDRESS = 20
ALERT_AFTER = 10  # failures for one account within PAIR_WINDOW, from anywhere
ALERT_EVERY = timedelta(hours=24)
KEEP = timedelta(hours=24)  # rows older than every window are worth nothing
EXTENSION = "rebound.login_throttle"


def delay_after(failures: int) -> int:
    """Seconds to wait after this many failures from one address for one account."""
    if failures < FREE_TRIES:
        return 0
    return min(MAX_DELAY_S, FIRST_DELAY_S * 2 ** (failures - FREE_TRIES))


class Counter:
    """Events per key in a sliding window; `clock` is injectable for tests."""

    def __init__(self, sessions: sessionmaker, clock: Callable[[], datetime] = utcnow):
        self.sessions, self.clock = sessions, clock

    def recent(self, key: str, window: timedelta) -> tuple[int, datetime | None, datetime | None]:
        """(count, oldest, newest) of this key's events within the window."""
        with self.sessions() as session:
            return tuple(session.execute(
                select(func.count(), func.min(LoginAttempt.attempted_at), func.max(LoginAttempt.attempted_at))
                .where(LoginAttempt.key == key, LoginAttempt.attempted_at > self.clock() - window)).one())

    def add(self, *keys: str) -> None:
        now = self.clock()
        with self.sessions.begin() as session:
            session.execute(delete(LoginAttempt).where(LoginAttempt.attempted_at <= now - KEEP))
            session.add_all(LoginAttempt(key=key[:400], attempted_at=now) for key in keys)

    def clear(self, key: str) -> None:
        with self.sessions.begin() as session:
            session.execute(delete(LoginAttempt).where(LoginAttempt.key == key))

    def wait_for(self, key: str, limit: int, window: timedelta) -> int | None:
        """Seconds until the key is under `limit` events in `window` again; None if it is now."""
        count, oldest, _ = self.recent(key, window)
        if count < limit:
            return None
        return max(1, math.ceil((oldest + window - self.clock()).total_seconds()))


class LoginThrottle(Counter):
    """The sign-in throttle: growing delays per (account, address) and a per-address ceiling."""

    @staticmethod
    def _pair(email: str, address: str | None) -> str:
        return f"pair:{normalise_email(email)}|{address or '-'}"

    def retry_after(self, email: str, address: str | None) -> int | None:
        """Seconds until another try from this address is allowed, or None if one is allowed now."""
        waits = []
        failures, _, last = self.recent(self._pair(email, address), PAIR_WINDOW)
        if failures and delay_after(failures):
            remaining = math.ceil((last + timedelta(seconds=delay_after(failures)) - self.clock()).total_seconds())
            if remaining > 0:
                waits.append(remaining)
        if address:
            waits.append(self.wait_for(f"ip:{address}", MAX_PER_ADDRESS, ADDRESS_WINDOW) or 0)
        return max(waits) if waits and max(waits) > 0 else None

    def record_failure(self, email: str, address: str | None) -> bool:
        """Count a failure; True when the owner should now hear that someone is guessing."""
        email = normalise_email(email)
        keys = [self._pair(email, address), f"email:{email}"] + ([f"ip:{address}"] if address else [])
        self.add(*keys)
        if self.recent(f"email:{email}", PAIR_WINDOW)[0] < ALERT_AFTER:
            return False
        if self.recent(f"alert:{email}", ALERT_EVERY)[0]:
            return False
        self.add(f"alert:{email}")
        return True

    def record_success(self, email: str, address: str | None) -> None:
        self.clear(self._pair(email, address))
