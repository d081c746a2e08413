"""Messages for the IMAP tests, built as a mail server would receive them."""
from __future__ import annotations

import uuid
from email.message import EmailMessage
from email.utils import format_datetime
from datetime import datetime, timezone


def rejection(company="Contoso", role="Data Analyst", message_id=None) -> bytes:
    message = EmailMessage()
    message["From"] = f'"{company} Hiring Team" <no-reply@greenhouse.io>'
    message["To"] = "sam@example.invalid"
    message["Subject"] = f"Your application to {company}"
    message["Date"] = format_datetime(datetime.now(timezone.utc))
    message["Message-ID"] = message_id or f"<{uuid.uuid4().hex}@example.invalid>"
    message.set_content(f"Hi Sam,\n\nThank you for applying for the {role} role at {company}. After careful "
                        "consideration, we have decided to move forward with other candidates.\n\nBest wishes")
    return bytes(message).replace(b"\n", b"\r\n")


def newsletter() -> bytes:
    return (b"From: alerts@jobs.example\r\nSubject: 10 new jobs for you\r\nMessage-ID: <n1@example.invalid>\r\n\r\n"
            b"Unfortunately some saved jobs expired. Here are new jobs that match your job alert.\r\n")


def malformed() -> bytes:
    return (b"From: hr@fabrikam.example\r\nSubject: broken\r\nContent-Type: multipart/mixed; boundary=\"zz\"\r\n"
            b"MIME-Version: 1.0\r\n\r\n--zz\r\nContent-Type: text/plain; charset=utf-8\r\n"
            b"Content-Transfer-Encoding: base64\r\n\r\n!!! not base64 at all ===\r\n--zz\r\n"
            b"Content-Type: text/html\r\n\r\n<p unclosed <b>\r\n")


def unknown_charset() -> bytes:
    return (b"From: karriere@fabrikam.example\r\nSubject: =?x-unknown?q?Ihre_Bewerbung?=\r\n"
            b"Message-ID: <cs1@example.invalid>\r\nContent-Type: text/plain; charset=x-unknown\r\n\r\n"
            b"Leider m\xfcssen wir Ihnen mitteilen, dass wir uns f\xfcr einen anderen Kandidaten entschieden haben.\r\n")


def huge_attachment(megabytes: int = 30) -> bytes:
    head = (b"From: hr@litware.example\r\nSubject: Our brochure\r\nMessage-ID: <big1@example.invalid>\r\n"
            b"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"bb\"\r\n\r\n"
            b"--bb\r\nContent-Type: text/plain\r\n\r\nPlease find our company brochure attached.\r\n"
            b"--bb\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n")
    line = b"QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ejAx\r\n"
    return head + line * (megabytes * 1024 * 1024 // len(line)) + b"--bb--\r\n"


def rescheduled(company="Contoso") -> bytes:
    message = EmailMessage()
    message["From"] = f'"{company} Hiring Team" <no-reply@greenhouse.io>'
    message["Subject"] = "Change to your interview time"
    message["Date"] = format_datetime(datetime.now(timezone.utc))
    message["Message-ID"] = f"<{uuid.uuid4().hex}@example.invalid>"
    message.set_content("Hi Sam,\n\nUnfortunately we need to reschedule your interview for the Data Analyst "
                        "role. Are you available on Thursday at 14:00 instead?\n\nThanks")
    return bytes(message).replace(b"\n", b"\r\n")
