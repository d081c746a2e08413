"""The mailbox-worker's watch loop: read new mail in each connected mailbox, read-only.

Each folder's UIDVALIDITY and last UID are kept, and advanced in the same transaction
as whatever a message led to, so nothing is read twice or missed across restarts. If
the server renumbers a folder (a new UIDVALIDITY), the folder is read again from the
start date; a mail already proposed is recognised by its one-way reference. A failing
mailbox is retried with a growing wait, and its owner is told once, in the inbox.
With several workers, a mailbox is read by one at a time (services/mailbox/check_claims.py).
"""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import or_, select

from services.mailbox.check_claims import Lease, LeaseLost, claim_check, release_check, renew_check
from services.mailbox.classify import classify, parse_message
from services.mailbox.idle import Idlers
from services.mailbox.imap import MailboxError, ReadOnlyMailbox, ServerAddress
from services.mailbox.models import FolderState, MailAccount
from services.mailbox.password_at_rest import PasswordUnreadable, decrypt
from services.mailbox.proposals import MessageKey, consider
from services.mailbox.watch_settings import WatchSettings
from shared.outbox import emit
from shared.runtime import Runtime
from shared.tables import utcnow

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Account:
    id: int
    user_id: str
    address: ServerAddress
    folders: list[str]
    start_on: date
    lease: Lease


def run(runtime: Runtime, stop: threading.Event, settings: WatchSettings | None = None) -> None:
    """Check each mailbox when it is due, until stop is set; never exits on a bad mailbox."""
    settings = settings or WatchSettings.from_env()
    idlers = Idlers(runtime, settings.imap_timeout_s) if settings.use_idle else None
    try:
        while not stop.is_set():
            try:
                check_due(runtime, settings, stop)
                if idlers is not None:
                    idlers.sync()
            except Exception:  # the database may be away for a while: wait and go on
                log.exception("mailbox watch pass failed")
            stop.wait(settings.tick_s)
    finally:
        if idlers is not None:
            idlers.close()


def check_due(runtime: Runtime, settings: WatchSettings, stop: threading.Event | None = None) -> None:
    """One pass: read each mailbox that is due, unless another worker has just taken it."""
    for account_id in due_accounts(runtime):
        if stop is not None and stop.is_set():
            break
        lease = claim_check(runtime, account_id, only_if_due=True)
        if lease is not None:
            _check_claimed(runtime, lease, settings)


def due_accounts(runtime: Runtime) -> list[int]:
    now = utcnow()
    with runtime.sessions() as session:
        return list(session.scalars(select(MailAccount.id).where(
            MailAccount.status == "watching",
            (MailAccount.next_check_at.is_(None)) | (MailAccount.next_check_at <= now),
            or_(MailAccount.checking_until.is_(None), MailAccount.checking_until < now),
        ).order_by(MailAccount.next_check_at)))


def _load(runtime: Runtime, lease: Lease) -> tuple[_Account | None, dict[str, FolderState]]:
    with runtime.sessions() as session:
        account = session.get(MailAccount, lease.account_id)
        if account is None or account.status != "watching":
            return None, {}
        password = decrypt(runtime.settings.secret_key, account.password_encrypted)
        loaded = _Account(account.id, account.user_id,
                          ServerAddress(account.host, account.port, account.tls, account.username, password),
                          list(account.folders), account.start_on, lease)
        states = {s.folder: s for s in session.scalars(
            select(FolderState).where(FolderState.account_id == account.id))}
        session.expunge_all()
        return loaded, states


def check_account(runtime: Runtime, account_id: int, settings: WatchSettings) -> None:
    """Read one mailbox now, due or not, unless another worker is reading it; failures are recorded, never raised."""
    lease = claim_check(runtime, account_id, only_if_due=False)
    if lease is not None:
        _check_claimed(runtime, lease, settings)


def _check_claimed(runtime: Runtime, lease: Lease, settings: WatchSettings) -> None:
    """One pass over one mailbox's folders, then the claim is given back with the outcome."""
    started = utcnow()
    try:
        account, states = _load(runtime, lease)
    except PasswordUnreadable:
        _record_failure(runtime, lease, settings, "We can't read the stored password any more "
                        "(the server's secret key changed). Please connect the mailbox again.")
        return
    if account is None:
        release_check(runtime, lease)
        return
    try:
        with ReadOnlyMailbox(account.address, settings.imap_timeout_s,
                             runtime.settings.allow_private_targets) as mailbox:
            for folder in account.folders:
                _read_folder(runtime, mailbox, account, folder, states.get(folder))
    except LeaseLost:  # stalled past the lease: another worker reads this mailbox now
        log.warning("mailbox taken over by another worker", extra={"account": lease.account_id})
        return
    except MailboxError as exc:
        _record_failure(runtime, lease, settings, exc.message)
        return
    except Exception:  # anything else still counts as a failed try, with its wait before the next
        log.exception("mailbox check failed unexpectedly", extra={"account": lease.account_id})
        _record_failure(runtime, lease, settings,
                        "Something unexpected went wrong while reading this mailbox. We'll try again shortly.")
        return
    _record_success(runtime, lease, settings, started)


def _read_folder(runtime: Runtime, mailbox: ReadOnlyMailbox, account: _Account, folder: str,
                 state: FolderState | None) -> None:
    uidvalidity = mailbox.examine(folder)
    if state is None or state.uidvalidity != uidvalidity:
        if state is not None:
            log.info("folder renumbered; reading it again", extra={"account": account.id})
        uids = mailbox.uids_since(account.start_on)
    else:
        uids = mailbox.uids_after(state.last_uid)
    if not uids and (state is None or state.uidvalidity != uidvalidity):
        _advance(runtime, account, folder, uidvalidity, 0)
    for uid in uids:
        raw = mailbox.fetch_start(uid)
        _handle_message(runtime, account, folder, uidvalidity, uid, raw)


def _handle_message(runtime: Runtime, account: _Account, folder: str, uidvalidity: int, uid: int,
                    raw: bytes) -> None:
    """Classify one message and keep what it leads to, with the folder's progress, in one transaction."""
    try:
        mail = parse_message(raw)
        verdict = classify(mail)
    except Exception:  # one unreadable message must not stop the others
        log.exception("message skipped", extra={"account": account.id, "uid": uid})
        mail = verdict = None
    with runtime.sessions.begin() as session:
        if mail is not None:
            try:
                with session.begin_nested():
                    record = session.get(MailAccount, account.id)
                    if record is not None and record.status == "watching":
                        consider(session, record, mail, verdict, MessageKey(folder, uidvalidity, uid))
            except Exception:  # e.g. a value the database refuses: skip this mail, keep the progress
                log.exception("message not kept", extra={"account": account.id, "uid": uid})
        _set_progress(session, account, folder, uidvalidity, uid)


def _advance(runtime: Runtime, account: _Account, folder: str, uidvalidity: int, uid: int) -> None:
    with runtime.sessions.begin() as session:
        _set_progress(session, account, folder, uidvalidity, uid)


def _set_progress(session, account: _Account, folder: str, uidvalidity: int, uid: int) -> None:
    state = session.scalar(select(FolderState).where(
        FolderState.account_id == account.id, FolderState.folder == folder))
    if state is None:
        state = FolderState(user_id=account.user_id, account_id=account.id, folder=folder, last_uid=0)
        session.add(state)
    if state.uidvalidity != uidvalidity:
        state.uidvalidity, state.last_uid = uidvalidity, 0
    state.last_uid = max(state.last_uid or 0, uid)
    renew_check(session, account.lease)


def _still_ours(session, lease: Lease) -> MailAccount | None:
    """The account, locked for this transaction, if this worker's lease still holds it."""
    return session.scalar(select(MailAccount).where(lease.mine()).with_for_update())


def _record_success(runtime: Runtime, lease: Lease, settings: WatchSettings, started: datetime) -> None:
    now = utcnow()
    with runtime.sessions.begin() as session:
        account = _still_ours(session, lease)
        if account is None:
            return
        account.last_checked_at, account.checking_until, account.check_token = now, None, None
        # An idler that heard of new mail while we were reading (maybe in a folder already
        # read) made the mailbox due again: keep that, or the mail would wait for the next poll.
        woken = account.next_check_at is not None and started < account.next_check_at <= utcnow()
        if not woken:
            account.next_check_at = now + timedelta(seconds=settings.poll_s)
        account.consecutive_failures, account.last_error = 0, None
        account.failing_since = account.failure_reported_at = None


def _record_failure(runtime: Runtime, lease: Lease, settings: WatchSettings, reason: str) -> None:
    now = utcnow()
    with runtime.sessions.begin() as session:
        account = _still_ours(session, lease)
        if account is None:
            return
        account.consecutive_failures += 1
        account.last_error, account.checking_until, account.check_token = reason[:300], None, None
        account.failing_since = account.failing_since or now
        wait = min(settings.poll_s * 2 ** (account.consecutive_failures - 1), settings.max_backoff_s)
        account.next_check_at = now + timedelta(seconds=wait)
        log.warning("mailbox check failed", extra={"account": lease.account_id, "reason": reason[:120],
                                                   "failures": account.consecutive_failures})
        long_enough = now - account.failing_since >= timedelta(seconds=settings.report_after_s)
        if (account.failure_reported_at is None and long_enough
                and account.consecutive_failures >= settings.failures_before_report):
            account.failure_reported_at = now
            emit(session, "mailbox.failing", user_id=account.user_id, producer="mailbox", data={
                "reason": reason[:300], "attempts": account.consecutive_failures,
                "failing_since": account.failing_since.replace(tzinfo=timezone.utc).isoformat()})


