"""Which worker reads a mailbox: with several mailbox-workers, each due check is made by one.

A check holds an IMAP connection for seconds or minutes, far too long for a row lock or
the transaction-scoped advisory locks of shared/claims.py, so a check is claimed with a
lease instead: one conditional UPDATE sets `checking_until` and a fresh `check_token`, and
only the worker whose UPDATE changed the row goes on. On PostgreSQL a second UPDATE of the
row waits for the first to commit and then finds the lease taken; on SQLite writes take
turns. The watch loop's claim also asks that the mailbox is still due, so a worker that
listed it just before another finished checking it does not read it again.

The lease is renewed after every message, in the transaction that records the progress,
and given back when the check ends. Renewing and giving back ask for the token: a worker
that stalled past its lease finds the mailbox taken by another and stops, without moving
the other's progress or ending its lease.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import or_, update

from services.mailbox.models import MailAccount
from shared.runtime import Runtime
from shared.tables import utcnow

# Longer than any one step of a check (each IMAP command times out after
# REBOUND_MAILBOX_IMAP_TIMEOUT_S, 20 s by default), since it is renewed between steps.
CHECK_LEASE = timedelta(minutes=10)


class LeaseLost(Exception):
    """Another worker took the mailbox after this worker's lease ran out."""


@dataclass(frozen=True)
class Lease:
    account_id: int
    token: str

    def mine(self):
        """A condition for statements on the account: only while this lease holds it."""
        return (MailAccount.id == self.account_id) & (MailAccount.check_token == self.token)


def claim_check(runtime: Runtime, account_id: int, *, only_if_due: bool) -> Lease | None:
    """Take the mailbox for one check; None if another worker is reading it (or, if asked, it is no longer due)."""
    now = utcnow()
    lease = Lease(account_id, secrets.token_hex(16))
    conditions = [MailAccount.id == account_id, MailAccount.status == "watching",
                  or_(MailAccount.checking_until.is_(None), MailAccount.checking_until < now)]
    if only_if_due:
        conditions.append(or_(MailAccount.next_check_at.is_(None), MailAccount.next_check_at <= now))
    with runtime.sessions.begin() as session:
        taken = session.execute(update(MailAccount).where(*conditions)
                                .values(checking_until=now + CHECK_LEASE, check_token=lease.token)
                                .execution_options(synchronize_session=False))
        return lease if taken.rowcount == 1 else None


def renew_check(session, lease: Lease) -> None:
    """Keep the mailbox a while longer, in the transaction that records progress; LeaseLost if it is no longer ours."""
    renewed = session.execute(update(MailAccount).where(lease.mine())
                              .values(checking_until=utcnow() + CHECK_LEASE)
                              .execution_options(synchronize_session=False))
    if renewed.rowcount != 1:
        raise LeaseLost(lease.account_id)


def release_check(runtime: Runtime, lease: Lease) -> None:
    with runtime.sessions.begin() as session:
        session.execute(update(MailAccount).where(lease.mine()).values(checking_until=None, check_token=None)
                        .execution_options(synchronize_session=False))
