"""Read a message's headers and the start of its text: nothing more is needed, or kept.

Only the first 64 KB of text are read (`TEXT_LIMIT`). Quoted replies and footers are
cut, so a friend quoting a rejection is judged by what the friend wrote.
"""
from __future__ import annotations

import email
import re
from dataclasses import dataclass
from datetime import date, timezone
from email import policy
from email.message import Message
from email.utils import getaddresses, parsedate_to_datetime

from services.mailbox.classify.html_text import html_to_text

TEXT_LIMIT = 64 * 1024
HEADER_LIMIT = 64 * 1024

# Where a quoted earlier message starts, in the languages we read.
_QUOTE_STARTS = re.compile(
    r"^(on .{0,200} wrote:|am .{0,200} schrieb .{0,100}:|le .{0,200} a écrit ?:|el .{0,200} escribió:"
    r"|op .{0,200} schreef .{0,100}:|-{2,} ?(original message|ursprüngliche nachricht|message d'origine"
    r"|mensaje original|oorspronkelijk bericht) ?-{2,}|_{10,})\s*$",
    re.IGNORECASE)
_FOOTER_WORDS = re.compile(
    r"unsubscribe|abbestellen|abmelden|désabonner|desabonner|darse de baja|darte de baja|afmelden"
    r"|manage (your )?preferences|powered by", re.IGNORECASE)


@dataclass(frozen=True)
class ParsedMail:
    subject: str
    sender_name: str
    sender_address: str
    received_on: date | None
    text: str
    bulk: bool  # a mailing list or newsletter (List-Unsubscribe, or an unsubscribe footer)
    message_id: str

    @property
    def sender_domain(self) -> str:
        return self.sender_address.rpartition("@")[2].lower()


def _header(message: Message, name: str) -> str:
    try:
        value = message.get(name)
        return " ".join(str(value).split()) if value is not None else ""
    except Exception:  # a header too broken to decode is treated as absent
        return ""


def _sender(message: Message) -> tuple[str, str]:
    try:
        pairs = getaddresses([_header(message, "From")])
    except Exception:
        return "", ""
    name, address = pairs[0] if pairs else ("", "")
    return name.strip().strip('"'), address.strip().lower()


def _date(message: Message) -> date | None:
    raw = _header(message, "Date")
    try:
        moment = parsedate_to_datetime(raw) if raw else None
    except (TypeError, ValueError, IndexError):
        return None
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).date()


def _decoded(part: Message) -> str:
    """A part's text; an unknown or lying charset still gives readable text."""
    payload = part.get_payload(decode=True) or b""
    payload = payload[:TEXT_LIMIT]
    charset = part.get_content_charset() or "utf-8"
    try:
        return payload.decode(charset, errors="replace")
    except LookupError:
        return payload.decode("utf-8", errors="replace")


def _body_text(message: Message) -> str:
    plain, html = None, None
    for part in message.walk():
        if part.is_multipart() or part.get_content_disposition() == "attachment":
            continue
        kind = part.get_content_type()
        if kind == "text/plain" and plain is None:
            plain = _decoded(part)
        elif kind == "text/html" and html is None:
            html = _decoded(part)
    if plain and plain.strip():
        return plain
    return html_to_text(html) if html else ""


def strip_quotes_and_footer(text: str) -> tuple[str, bool]:
    """The newest part of the text, without quoted replies or footers; and whether a footer said 'unsubscribe'."""
    kept, had_footer = [], False
    for line in text.replace("\r\n", "\n").split("\n"):
        stripped = line.strip()
        if _QUOTE_STARTS.match(stripped):
            break
        if stripped in ("--", "-- ", "—"):
            break  # the signature delimiter: what follows is a footer
        if stripped.startswith(">"):
            continue
        if _FOOTER_WORDS.search(stripped) and len(stripped) < 200:
            had_footer = True
            continue
        kept.append(line.rstrip())
    return "\n".join(kept).strip(), had_footer


def parse_message(raw: bytes) -> ParsedMail:
    """Headers and the first 64 KB of text of one message; never raises on malformed input."""
    header_end = raw.find(b"\r\n\r\n") if b"\r\n\r\n" in raw[:HEADER_LIMIT] else raw.find(b"\n\n")
    if header_end < 0 or header_end > HEADER_LIMIT:
        header_end = min(len(raw), HEADER_LIMIT)
    # The headers and the first 64 KB of the body: all that is ever read (a large attachment
    # past that point is never looked at).
    raw = raw[: header_end + 4 + TEXT_LIMIT]
    message = email.message_from_bytes(raw, policy=policy.compat32)
    name, address = _sender(message)
    try:
        body = _body_text(message)
    except Exception:  # a malformed MIME tree: read what we can as plain text
        body = raw[header_end:header_end + TEXT_LIMIT].decode("utf-8", errors="replace")
    text, had_footer = strip_quotes_and_footer(body[:TEXT_LIMIT])
    subject = _decode_header_value(_header(message, "Subject"))
    return ParsedMail(
        subject=subject, sender_name=_decode_header_value(name), sender_address=address,
        received_on=_date(message), text=text,
        bulk=had_footer or bool(_header(message, "List-Unsubscribe")),
        message_id=_header(message, "Message-ID")[:300],
    )


def _decode_header_value(value: str) -> str:
    """RFC 2047 words (=?utf-8?q?...?=) to text; unknown charsets are replaced, not fatal."""
    if "=?" not in value:
        return value
    from email.header import decode_header
    try:
        pieces = decode_header(value)
    except Exception:
        return value
    out = []
    for chunk, charset in pieces:
        if isinstance(chunk, bytes):
            try:
                out.append(chunk.decode(charset or "utf-8", errors="replace"))
            except LookupError:
                out.append(chunk.decode("utf-8", errors="replace"))
        else:
            out.append(chunk)
    return " ".join("".join(out).split())
