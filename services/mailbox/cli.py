"""`rebound mail classify PATH...`: check the classifier on your own archive, offline.

Prints one tab-separated line per message: path, class, confidence, company, role.
No database, bus or mailbox is needed.
"""
from __future__ import annotations

import sys

from services.mailbox.classify import classify_bytes
from services.mailbox.classify.sources import iter_messages


def _cell(value) -> str:
    return " ".join(str(value or "").split())


def cmd_classify(args) -> int:
    """Classify each message under the given paths."""
    try:
        for label, raw in iter_messages(args.paths):
            verdict = classify_bytes(raw)
            print("\t".join((_cell(label), verdict.label, f"{verdict.confidence:.2f}",
                             _cell(verdict.company), _cell(verdict.role))))
    except (FileNotFoundError, PermissionError, IsADirectoryError) as exc:
        print(f"rebound mail classify: {exc}", file=sys.stderr)
        return 2
    return 0


def add_parser(sub) -> None:
    mail = sub.add_parser("mail", help="the mailbox classifier").add_subparsers(dest="action", required=True)
    classify = mail.add_parser("classify", help="classify .eml files, folders of them, or mbox files")
    classify.add_argument("paths", nargs="+", metavar="PATH")
    classify.set_defaults(func=cmd_classify)
