"""Read-only IMAP with imaplib: EXAMINE folders, fetch with BODY.PEEK, never change a flag.

Only the header and the first 64 KB of each message's text are fetched. Every failure
becomes a `MailboxError` with a reason a person can act on. Every connection checks the
server's address as it is opened (services/mailbox/targets.py), not only when the mailbox
was saved.
"""
from __future__ import annotations

import imaplib
import re
import select
import socket
import ssl
import time
from dataclasses import dataclass
from datetime import date

from services.mailbox.classify.parse import TEXT_LIMIT
from services.mailbox.targets import REFUSED, PrivateTarget, open_checked

TIMEOUT_S = 20.0
_UIDVALIDITY = re.compile(rb"UIDVALIDITY (\d+)")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True)
class ServerAddress:
    host: str
    port: int
    tls: str  # implicit | starttls | none
    username: str
    password: str


class MailboxError(Exception):
    """Why a mailbox could not be read: `code` for programs, `message` for people."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code, self.message = code, message


REASONS = {
    "host_not_found": "We couldn't find a mail server by that name. Check the host for typos.",
    "unreachable": "The mail server didn't answer on that port. Check the port, and that it accepts IMAP.",
    "tls_failed": ("A secure connection couldn't be set up. Check whether the server expects TLS "
                   "from the start (usually port 993) or STARTTLS (usually port 143)."),
    "wrong_password": ("The server didn't accept that user name and password. Many providers need an "
                       "app password here rather than your usual one."),
    "folder_missing": "The server has no folder called {folder}. Folder names are case-sensitive.",
    "dropped": "The mail server closed the connection part-way. We'll try again shortly.",
    "protocol": "The mail server answered in a way we didn't expect. We'll try again shortly.",
    "private_target": REFUSED,
}


def _error(code: str, **names) -> MailboxError:
    return MailboxError(code, REASONS[code].format(**names))


class ReadOnlyMailbox:
    """One logged-in IMAP connection, used as a context manager.

    `allow_private` is the operator's REBOUND_ALLOW_PRIVATE_TARGETS: without it, a server
    whose name resolves to an address inside this machine's network is not connected to."""

    def __init__(self, address: ServerAddress, timeout: float = TIMEOUT_S, allow_private: bool = False):
        self.address, self.timeout, self.allow_private, self.conn = address, timeout, allow_private, None

    def __enter__(self) -> "ReadOnlyMailbox":
        self.conn = _connect(self.address, self.timeout, self.allow_private)
        try:
            self.conn.login(self.address.username, self.address.password)
        except imaplib.IMAP4.error:
            self.close()
            raise _error("wrong_password") from None
        except (OSError, EOFError, imaplib.IMAP4.abort):
            self.close()
            raise _error("dropped") from None
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self.conn is None:
            return
        try:
            self.conn.logout()
        except Exception:  # a dropped connection has nothing left to log out of
            pass
        self.conn = None

    def examine(self, folder: str) -> int:
        """Open a folder read-only and return its UIDVALIDITY."""
        status, _ = self._call(self.conn.select, _quote(folder), readonly=True)
        if status != "OK":
            raise _error("folder_missing", folder=folder)
        data = self.conn.response("UIDVALIDITY")[1]
        values = [int(v) for v in data if v] if data and data[0] is not None else []
        if not values:
            raise _error("protocol")
        return values[-1]

    def uids_after(self, last_uid: int) -> list[int]:
        return [u for u in self._search(f"UID {last_uid + 1}:*") if u > last_uid]

    def uids_since(self, day: date) -> list[int]:
        return self._search(f"SINCE {day.day}-{_MONTHS[day.month - 1]}-{day.year}")

    def fetch_start(self, uid: int) -> bytes:
        """The header and the first 64 KB of the text, without setting \\Seen."""
        status, data = self._call(self.conn.uid, "FETCH", str(uid),
                                  f"(BODY.PEEK[HEADER] BODY.PEEK[TEXT]<0.{TEXT_LIMIT}>)")
        if status != "OK":
            raise _error("protocol")
        parts = [item[1] for item in data if isinstance(item, tuple) and len(item) == 2]
        if not parts:
            return b""  # expunged meanwhile
        header = parts[0]
        text = parts[1] if len(parts) > 1 else b""
        return header.rstrip(b"\r\n") + b"\r\n\r\n" + text

    @property
    def offers_idle(self) -> bool:
        return "IDLE" in getattr(self.conn, "capabilities", ())

    def wait_for_news(self, seconds: float, stop) -> bool:
        """IMAP IDLE (RFC 2177) for up to `seconds`, or until `stop` is set; True if mail arrived.

        imaplib (before Python 3.14) has no IDLE: the command is sent by hand, and the socket is
        watched with select() so a read never times out inside imaplib's buffered reader.
        """
        tag = self.conn._new_tag()
        try:
            self.conn.send(tag + b" IDLE\r\n")
            if not self.conn.readline().startswith(b"+"):
                raise _error("protocol")
            news = self._wait_readable(seconds, stop) and self._is_news(self.conn.readline())
            self.conn.send(b"DONE\r\n")
            while True:
                line = self.conn.readline()
                if not line:
                    raise _error("dropped")
                if line.startswith(tag):
                    return news
                news = news or self._is_news(line)
        except (OSError, EOFError, imaplib.IMAP4.abort):
            raise _error("dropped") from None

    def _wait_readable(self, seconds: float, stop) -> bool:
        sock = self.conn.sock
        deadline = time.monotonic() + seconds
        while not stop.is_set() and time.monotonic() < deadline:
            pending = sock.pending() if hasattr(sock, "pending") else 0
            if pending or select.select([sock], [], [], min(1.0, max(0.0, deadline - time.monotonic())))[0]:
                return True
        return False

    @staticmethod
    def _is_news(line: bytes) -> bool:
        return line.startswith(b"*") and (line.rstrip().endswith(b"EXISTS") or line.rstrip().endswith(b"RECENT"))

    def _search(self, criteria: str) -> list[int]:
        status, data = self._call(self.conn.uid, "SEARCH", None, criteria)
        if status != "OK":
            raise _error("protocol")
        return sorted(int(u) for u in (data[0] or b"").split())

    def _call(self, method, *args, **kwargs):
        try:
            return method(*args, **kwargs)
        except (OSError, EOFError, imaplib.IMAP4.abort):
            raise _error("dropped") from None
        except imaplib.IMAP4.error:
            raise _error("protocol") from None


def _quote(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


class _CheckedIMAP4(imaplib.IMAP4):
    """imaplib's IMAP4, connecting only to addresses checked as it connects."""

    def __init__(self, host: str, port: int, timeout: float, allow_private: bool):
        self.allow_private = allow_private  # before __init__, which connects at once
        super().__init__(host, port, timeout=timeout)

    def _create_socket(self, timeout):
        return open_checked(self.host, self.port, timeout, self.allow_private)


class _CheckedIMAP4_SSL(imaplib.IMAP4_SSL):
    """imaplib's IMAP4_SSL, the same way; the certificate is still checked against the host name."""

    def __init__(self, host: str, port: int, timeout: float, allow_private: bool):
        self.allow_private = allow_private
        super().__init__(host, port, ssl_context=ssl.create_default_context(), timeout=timeout)

    def _create_socket(self, timeout):
        sock = open_checked(self.host, self.port, timeout, self.allow_private)
        return self.ssl_context.wrap_socket(sock, server_hostname=self.host)


def _connect(address: ServerAddress, timeout: float, allow_private: bool) -> imaplib.IMAP4:
    try:
        if address.tls == "implicit":
            conn = _CheckedIMAP4_SSL(address.host, address.port, timeout, allow_private)
        else:
            conn = _CheckedIMAP4(address.host, address.port, timeout, allow_private)
            if address.tls == "starttls":
                conn.starttls(ssl_context=ssl.create_default_context())
        return conn
    except PrivateTarget:
        raise _error("private_target") from None
    except socket.gaierror:
        raise _error("host_not_found") from None
    except ssl.SSLError:
        raise _error("tls_failed") from None
    except imaplib.IMAP4.error:
        raise _error("tls_failed" if address.tls == "starttls" else "protocol") from None
    except (OSError, EOFError):
        raise _error("unreachable") from None


def check_connection(address: ServerAddress, folders: list[str], allow_private: bool,
                     timeout: float = 10.0) -> None:
    """Log in and open each folder; raises MailboxError with the reason if anything fails."""
    with ReadOnlyMailbox(address, timeout, allow_private) as mailbox:
        for folder in folders:
            mailbox.examine(folder)
