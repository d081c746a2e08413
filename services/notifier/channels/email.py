"""E-mail: through REBOUND_SMTP_URL, or written as .eml files when it is unset.

REBOUND_SMTP_URL forms: smtp://user:pass@host:587/?starttls=1 (STARTTLS),
smtps://user:pass@host:465/ (TLS from the start), smtp://host:25/ (plain).
"""
from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from jinja2 import Environment, PackageLoader, select_autoescape

from services.notifier.channels import DeliveryFailed, Message, Target

TIMEOUT_S = 15
_templates = Environment(loader=PackageLoader("services.notifier", "templates"),
                         autoescape=select_autoescape(["html"]))


def render(message: Message, from_address: str, to_address: str) -> EmailMessage:
    """Plain text and HTML alternatives from the e-mail templates."""
    mail = EmailMessage()
    mail["Subject"] = message.subject
    mail["From"] = from_address
    mail["To"] = to_address
    mail["Date"] = format_datetime(datetime.now(timezone.utc))
    mail["Message-ID"] = make_msgid(idstring=message.key.replace(":", "."), domain="rebound")
    mail["X-Rebound-Delivery"] = message.key
    if message.unsubscribe_url:
        mail["List-Unsubscribe"] = f"<{message.unsubscribe_url}>"
    context = {"m": message}
    mail.set_content(_templates.get_template("email/message.txt").render(context))
    mail.add_alternative(_templates.get_template("email/message.html").render(context), subtype="html")
    return mail


class EmailSender:
    def __init__(self, smtp_url: str | None, mail_dir: Path, from_address: str):
        self.smtp_url, self.mail_dir, self.from_address = smtp_url, Path(mail_dir), from_address

    def __call__(self, target: Target, message: Message) -> None:
        mail = render(message, self.from_address, target.address)
        if not self.smtp_url:
            self._write_file(mail, message.key)
            return
        try:
            self._send_smtp(mail)
        except (smtplib.SMTPException, OSError) as exc:
            raise DeliveryFailed(f"the mail server refused or could not be reached: "
                                 f"{type(exc).__name__}: {str(exc)[:200]}") from None

    def _write_file(self, mail: EmailMessage, key: str) -> None:
        self.mail_dir.mkdir(parents=True, exist_ok=True)
        name = key.replace(":", "-").replace("/", "-") + ".eml"
        (self.mail_dir / name).write_bytes(bytes(mail))

    def _send_smtp(self, mail: EmailMessage) -> None:
        url = urlsplit(self.smtp_url)
        options = {k: v[-1] for k, v in parse_qs(url.query).items()}
        secure = url.scheme == "smtps" or options.get("ssl") in ("1", "true")
        port = url.port or (465 if secure else 25)
        context = ssl.create_default_context()
        if secure:
            client = smtplib.SMTP_SSL(url.hostname, port, timeout=TIMEOUT_S, context=context)
        else:
            client = smtplib.SMTP(url.hostname, port, timeout=TIMEOUT_S)
        with client:
            if not secure and options.get("starttls") in ("1", "true"):
                client.starttls(context=context)
            if url.username:
                client.login(unquote(url.username), unquote(url.password or ""))
            client.send_message(mail)
