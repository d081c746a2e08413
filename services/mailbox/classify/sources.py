"""The messages behind paths given on the command line: .eml files, folders of them, mbox files."""
from __future__ import annotations

import mailbox
from collections.abc import Iterator
from pathlib import Path

from services.mailbox.classify.parse import HEADER_LIMIT, TEXT_LIMIT

READ_LIMIT = HEADER_LIMIT + TEXT_LIMIT + 4


def _looks_like_mbox(path: Path) -> bool:
    if path.suffix.lower() == ".mbox":
        return True
    with path.open("rb") as handle:
        return handle.read(5) == b"From "


def _read_start(path: Path) -> bytes:
    with path.open("rb") as handle:
        return handle.read(READ_LIMIT)


def iter_messages(paths: list[str]) -> Iterator[tuple[str, bytes]]:
    """(label, raw start of message) for each message; an mbox's messages are labelled path#n."""
    for given in paths:
        path = Path(given)
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in (".eml", ".mbox")):
                yield from iter_messages([str(child)])
        elif path.is_file() and _looks_like_mbox(path):
            box = mailbox.mbox(str(path), create=False)
            try:
                for number, key in enumerate(box.iterkeys(), start=1):
                    yield f"{path}#{number}", box.get_bytes(key)[:READ_LIMIT]
            finally:
                box.close()
        elif path.is_file():
            yield str(path), _read_start(path)
        else:
            raise FileNotFoundError(f"no such file or folder: {given}")
