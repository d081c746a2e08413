"""Mail the frontend sends about an account: password resets, invitations, sign-in warnings.

It goes the way the notifier's mail goes (services.notifier.channels.email:
REBOUND_SMTP_URL, or .eml files under the data dir's mail/ folder when that is
unset), from a background thread: a page never waits on a mail server, and a
reset answers as fast for an unknown address as for a known one.

Headers carry only our own words and the recipient's address: nothing a
stranger typed (a display name, say) goes into a Subject or a From.
"""
from __future__ import annotations

import logging
import secrets
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

from services.notifier.channels import DeliveryFailed, Message, Target
from services.notifier.channels.email import EmailSender
from shared.config import Settings

log = logging.getLogger("rebound.frontend.mail")
EXTENSION = "rebound.mail"


@dataclass(frozen=True)
class AccountMail:
    kind: str  # password_reset, invitation, signup_taken, sign_in_warning
    subject: str
    title: str
    body: str
    link: str | None = None
    link_label: str = "Open Rebound"


class Mailer:
    """Sends AccountMail in the background; `sent` futures let tests wait for delivery."""

    def __init__(self, settings: Settings):
        self._send = EmailSender(settings.smtp_url, settings.data_dir / "mail", settings.mail_from)
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="rebound-mail")
        self.sent: list[Future] = []

    def send(self, to_address: str, mail: AccountMail) -> Future:
        key = f"account:{mail.kind}:{secrets.token_hex(8)}"
        text = mail.body + (f"\n\n{mail.link}" if mail.link else "")
        message = Message(key=key, subject=mail.subject, text=text, title=mail.title, body=mail.body,
                          kind="account", link=mail.link,
                          extra={"link_label": mail.link_label})
        future = self._pool.submit(self._deliver, Target("email", to_address), message)
        self.sent = [f for f in self.sent if not f.done()] + [future]
        return future

    def _deliver(self, target: Target, message: Message) -> bool:
        try:
            self._send(target, message)
            return True
        except DeliveryFailed as exc:  # logged without the address: logs are read by more people
            log.warning("account mail %s not sent: %s", message.key, exc)
            return False

    def wait(self, timeout: float = 10.0) -> None:
        """Wait for every mail handed over so far (for tests and shutdown)."""
        for future in list(self.sent):
            future.result(timeout=timeout)
