"""IMAP IDLE where the server offers it: one listening connection per watched folder.

An IDLE connection can only watch the one folder it has open, so each watched folder gets
its own idler, up to IDLE_FOLDERS_PER_ACCOUNT; folders past that are polled. An idler
never reads mail. When the server says something arrived, it marks the mailbox due, and
the watch loop reads it at once; polling goes on every REBOUND_MAILBOX_POLL_S as a safety
net. A server without IDLE is simply polled.
"""
from __future__ import annotations

import logging
import threading

from sqlalchemy import select, update

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
        with self.runtime.sessions() as session:
            accounts = session.scalars(select(MailAccount).where(
                MailAccount.status == "watching", MailAccount.last_checked_at.is_not(None),
                MailAccount.consecutive_failures == 0))
            for account in accounts:
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

    def close(self) -> None:
        for _, idler in self._running.values():
            idler.close()
        self._running.clear()
