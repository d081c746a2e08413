"""Reading messages: malformed, oversized and oddly encoded input never raises."""
from __future__ import annotations

from services.mailbox.classify import classify_bytes, parse_message
from services.mailbox.classify.parse import TEXT_LIMIT


def test_malformed_mime_is_read_as_far_as_it_goes():
    raw = (b"From: x@y\nSubject: broken\nContent-Type: multipart/mixed; boundary=\"b\"\n\n"
           b"--b\nContent-Type: text/plain\n\nWe regret to inform you that you have not been selected for the role.\n"
           b"--b\nContent-Type: application/pdf\nContent-Transfer-Encoding: base64\n\n!!!not base64")
    verdict = classify_bytes(raw)
    assert verdict.label == "rejection"


def test_garbage_bytes_give_other_not_an_exception():
    verdict = classify_bytes(b"\x00\xff\xfe not a mail at all \x80\x81")
    assert verdict.label == "other"


def test_an_unknown_charset_is_decoded_with_replacements():
    raw = (b"From: hr@contoso.example\nSubject: =?x-klingon?q?Hallo?=\n"
           b"Content-Type: text/plain; charset=x-klingon\n\n"
           b"Leider m\xfcssen wir Ihnen mitteilen, dass wir uns f\xfcr einen anderen Kandidaten entschieden haben.")
    parsed = parse_message(raw)
    assert "Kandidaten entschieden" in parsed.text
    assert classify_bytes(raw).label == "rejection"


def test_only_the_start_of_a_huge_message_is_read():
    attachment = b"A" * (30 * 1024 * 1024)
    raw = (b"From: hr@contoso.example\nSubject: Your application\nContent-Type: multipart/mixed; boundary=\"b\"\n\n"
           b"--b\nContent-Type: text/plain\n\nWe have decided to move forward with other candidates.\n"
           b"--b\nContent-Type: application/octet-stream\nContent-Transfer-Encoding: base64\n\n" + attachment)
    parsed = parse_message(raw)
    assert len(parsed.text) < TEXT_LIMIT
    assert classify_bytes(raw).label == "rejection"


def test_quoted_replies_and_footers_are_cut():
    raw = (b"From: a@b.example\nSubject: hi\n\nNew text here.\n--\nUnsubscribe here\n"
           b"Old signature text\n")
    parsed = parse_message(raw)
    assert parsed.text == "New text here."
    raw = b"From: a@b.example\nSubject: hi\n\nTop line.\n\nOp 3 nov 2026 schreef Daan <d@x>:\n> oud\n"
    assert parse_message(raw).text == "Top line."
