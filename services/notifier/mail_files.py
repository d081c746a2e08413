"""Mail written as .eml files (no REBOUND_SMTP_URL set), kept so it can go with its person.

Each person's files live in a folder of their own under the data directory's
mail/ (named by a hash of their id, so the path names nobody); erasing a person
removes that folder, and any older file at the top of mail/ addressed to one of
their addresses (from before the folders existed).
"""
from __future__ import annotations

import hashlib
import shutil
from email import policy
from email.parser import BytesHeaderParser
from pathlib import Path


def folder_for(mail_dir: Path, owner: str | None) -> Path:
    if not owner:
        return mail_dir
    return mail_dir / hashlib.sha256(owner.encode()).hexdigest()[:32]


def erase(mail_dir: Path, owner: str, addresses: set[str]) -> int:
    """Remove the person's mail files; how many top-level files went with them."""
    shutil.rmtree(folder_for(mail_dir, owner), ignore_errors=True)
    wanted = {a.strip().lower() for a in addresses if a}
    removed = 0
    if not wanted or not mail_dir.is_dir():
        return removed
    parser = BytesHeaderParser(policy=policy.default)
    for path in mail_dir.glob("*.eml"):
        try:
            with path.open("rb") as handle:
                to = str(parser.parse(handle).get("To", "")).strip().lower()
        except OSError:
            continue
        if to in wanted:
            path.unlink(missing_ok=True)
            removed += 1
    return removed
