"""IMAP IDLE where the server offers it: one listening connection per watched folder.

An IDLE connection can only watch the one folder it has open, so each watched folder gets
its own idler, up to IDLE_FOLDERS_PER_ACCOUNT; folders past that are polled. An idler
never reads mail. When the server says something arrived, it marks the mailbox due, and
the watch loop reads it at once; polling goes on every REBOUND_MAILBOX_POLL_S as a safety
net. A server without IDLE is simply polled.

With several mailbox-workers, one of them holds a mailbox's IDLE connections: it takes the
mailbox with a conditional UPDATE of `idle_token` and `idle_until`, renews that lease while
it runs, and gives it back when it stops. A worker that dies holds it only until the lease
runs out (polling goes on meanwhile); then another worker takes it.
"""
from __future__ import annotations

import logging
import secrets
import threading
from datetime import timedelta

from sqlalchemy import or_, select, update

from services.mailbox.imap import MailboxError, ReadOnlyMailbox, ServerAddress
from services.mailbox.models import MailAccount
from services.mailbox.password_at_rest import PasswordUnreadable, decrypt
from shared.runtime import Runtime
from shared.tables import utcnow

log = logging.getLogger(__name__)
IDLE_SLICE_S = 25 * 60   # servers may drop an IDLE after 30 minutes (RFC 2177): renew before
RETRY_S = (5, 30, 120, 300)
# Servers cap the connections one user may hold (Dovecot's default is 10 per user and
# address, some providers allow fewer), and the person's own mail apps need some too.
IDLE_FOLDERS_PER_ACCOUNT = 3
# How long a worker holds a mailbox's IDLE connections without renewing; renewed at half.
IDLE_LEASE = timedelta(minutes=2)


class Idler:
    def __init__(self, runtime: Runtime, account_id: int, address: ServerAddress, folder: str, timeout_s: float):
        self.runtime, self.account_id, self.address, self.folder = runtime, account_id, address, folder
        self.timeout_s = timeout_s
        self.stop = threading.Event()
        self.unsupported = False
        self.thread = threading.Thread(target=self._run, name=f"idle-{account_id}-{folder}", daemon=True)

    def start(self) -> "Idler":
        self.thread.start()
        return self

    def close(self) -> None:
        self.stop.set()

    @property
    def alive(self) -> bool:
        return self.thread.is_alive()

    def _run(self) -> None:
        failures = 0
        while not self.stop.is_set():
            try:
                with ReadOnlyMailbox(self.address, self.timeout_s,
                                     self.runtime.settings.allow_private_targets) as mailbox:
                    if not mailbox.offers_idle:
                        self.unsupported = True
                        return
                    mailbox.examine(self.folder)
                    failures = 0
                    while not self.stop.is_set():
                        if mailbox.wait_for_news(IDLE_SLICE_S, self.stop):
                            self._mark_due()
            except MailboxError as exc:  # the poll path counts and reports failures; here we only wait
                log.info("idle connection lost", extra={"account": self.account_id, "reason": exc.code})
            except Exception:
                log.exception("idle failed", extra={"account": self.account_id})
            self.stop.wait(RETRY_S[min(failures, len(RETRY_S) - 1)])
            failures += 1

    def _mark_due(self) -> None:
        with self.runtime.sessions.begin() as session:
            session.execute(update(MailAccount).where(
                MailAccount.id == self.account_id, MailAccount.status == "watching").values(next_check_at=utcnow()))


class Idlers:
    """One idler per watched folder (up to the cap) of each mailbox that is watched and answering;
    restarted when its settings change."""

    def __init__(self, runtime: Runtime, timeout_s: float):
        self.runtime, self.timeout_s = runtime, timeout_s
        self._running: dict[tuple[int, str], tuple[tuple, Idler]] = {}
        self.token = secrets.token_hex(16)  # this worker, in idle_token

    def sync(self) -> None:
        wanted = self._wanted()
        for key in list(self._running):
            signature, idler = self._running[key]
            if wanted.get(key, (None,))[0] != signature:
                idler.close()
                del self._running[key]
        for key, (signature, address) in wanted.items():
            if key not in self._running:
                account_id, folder = key
                idler = Idler(self.runtime, account_id, address, folder, self.timeout_s).start()
                self._running[key] = (signature, idler)

    def _wanted(self) -> dict[tuple[int, str], tuple[tuple, ServerAddress]]:
        wanted = {}
        with self.runtime.sessions.begin() as session:
            accounts = session.scalars(select(MailAccount).where(
                MailAccount.status == "watching", MailAccount.last_checked_at.is_not(None),
                MailAccount.consecutive_failures == 0)).all()
            for account in accounts:
                if not self._hold(session, account):
                    continue
                signature = (account.host, account.port, account.tls, account.username,
                             account.password_encrypted)
                try:
                    password = decrypt(self.runtime.settings.secret_key, account.password_encrypted)
                except PasswordUnreadable:
                    continue
                address = ServerAddress(account.host, account.port, account.tls, account.username, password)
                for folder in account.folders[:IDLE_FOLDERS_PER_ACCOUNT]:
                    wanted[(account.id, folder)] = (signature, address)
        return wanted

    def _hold(self, session, account: MailAccount) -> bool:
        """Whether this worker holds the mailbox's IDLE: kept, renewed at half its lease, or taken if free."""
        now = utcnow()
        mine = account.idle_token == self.token and account.idle_until is not None and account.idle_until > now
        if mine and account.idle_until - now > IDLE_LEASE / 2:
            return True
        held = session.execute(update(MailAccount).where(
            MailAccount.id == account.id,
            or_(MailAccount.idle_token == self.token, MailAccount.idle_until.is_(None), MailAccount.idle_until <= now),
        ).values(idle_token=self.token, idle_until=now + IDLE_LEASE).execution_options(synchronize_session=False))
        return held.rowcount == 1

    def close(self) -> None:
        for _, idler in self._running.values():
            idler.close()
        self._running.clear()
        try:
            with self.runtime.sessions.begin() as session:  # give the mailboxes to another worker at once
                session.execute(update(MailAccount).where(MailAccount.idle_token == self.token)
                                .values(idle_token=None, idle_until=None).execution_options(synchronize_session=False))
        except Exception:  # the database may be away: the leases then run out by themselves
            log.warning("idle leases not given back", exc_info=True)
