"""E-mail: through REBOUND_SMTP_URL, or written as .eml files when it is unset.

REBOUND_SMTP_URL forms: smtp://user:pass@host:587/?starttls=1 (STARTTLS),
smtps://user:pass@host:465/ (TLS from the start), smtp://host:25/ (plain).
The server's certificate is always verified against the system's CAs; add
`cafile=/path/to/ca.pem` (e.g. `smtps://host:465/?cafile=/etc/rebound/ca.pem`)
to trust that CA instead, for a mail server with a private certificate.
Credentials are never sent over a plain connection to a server that offers
STARTTLS: that URL is missing `?starttls=1`, and delivery fails saying so.
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

from services.notifier import mail_files
from services.notifier.channels.message import DeliveryFailed, Message, Target

TIMEOUT_S = 15
KNOWN_OPTIONS = {"starttls", "ssl", "cafile"}
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
        if message.one_click:  # RFC 8058: a bare POST to that URL unsubscribes, no page, no sign-in
            mail["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
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
            self._write_file(mail, message.key, message.owner)
            return
        try:
            self._send_smtp(mail)
        except ssl.SSLCertVerificationError as exc:
            raise DeliveryFailed(f"the mail server's certificate could not be verified "
                                 f"({exc.verify_message}); nothing was sent") from None
        except ssl.SSLError as exc:
            raise DeliveryFailed(f"the secure connection to the mail server failed "
                                 f"({str(exc)[:200]})") from None
        except (smtplib.SMTPException, OSError) as exc:
            raise DeliveryFailed(f"the mail server refused or could not be reached: "
                                 f"{type(exc).__name__}: {str(exc)[:200]}") from None

    def _write_file(self, mail: EmailMessage, key: str, owner: str | None) -> None:
        folder = mail_files.folder_for(self.mail_dir, owner)
        folder.mkdir(parents=True, exist_ok=True)
        name = key.replace(":", "-").replace("/", "-") + ".eml"
        (folder / name).write_bytes(bytes(mail))

    def _send_smtp(self, mail: EmailMessage) -> None:
        url = urlsplit(self.smtp_url)
        options = _options(url.query)
        secure = url.scheme == "smtps" or options.get("ssl") in ("1", "true")
        port = url.port or (465 if secure else 25)
        context = _tls_context(options.get("cafile"))
        if secure:
            client = smtplib.SMTP_SSL(url.hostname, port, timeout=TIMEOUT_S, context=context)
        else:
            client = smtplib.SMTP(url.hostname, port, timeout=TIMEOUT_S)
        with client:
            if not secure and options.get("starttls") in ("1", "true"):
                client.starttls(context=context)  # raises when the server does not offer it
            elif not secure and url.username:
                _refuse_clear_credentials_if_tls_offered(client)
            if url.username:
                client.login(unquote(url.username), unquote(url.password or ""))
            client.send_message(mail)


def _options(query: str) -> dict[str, str]:
    # A misspelt option (say `startls=1`) would otherwise quietly mean "no encryption".
    options = {k: v[-1] for k, v in parse_qs(query).items()}
    unknown = sorted(set(options) - KNOWN_OPTIONS)
    if unknown:
        raise DeliveryFailed(f"REBOUND_SMTP_URL has options Rebound does not know: {', '.join(unknown)} "
                             f"(known: {', '.join(sorted(KNOWN_OPTIONS))}); nothing was sent")
    return options


def _tls_context(cafile: str | None) -> ssl.SSLContext:
    """Verifying context: the system's CAs, or only the CA file named in the URL."""
    try:
        return ssl.create_default_context(cafile=cafile)
    except (OSError, ssl.SSLError) as exc:
        raise DeliveryFailed(f"the CA file named in REBOUND_SMTP_URL could not be read "
                             f"({type(exc).__name__}); nothing was sent") from None


def _refuse_clear_credentials_if_tls_offered(client: smtplib.SMTP) -> None:
    client.ehlo_or_helo_if_needed()
    if client.has_extn("starttls"):
        raise DeliveryFailed("the mail server offers STARTTLS but REBOUND_SMTP_URL does not ask for it; "
                             "add ?starttls=1 (or use smtps://) so the password is not sent "
                             "unencrypted; nothing was sent")
