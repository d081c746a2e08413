"""A real IMAP server for the mailbox tests: Debian's Dovecot on a free port, in a temp dir.

Plaintext login is allowed on loopback only; one passwd-file user; Maildir store in the
temp dir. Messages are added with IMAP APPEND, as a mail client would.
"""
from __future__ import annotations

import imaplib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from .proxy import TcpProxy, _close
from .ports import free_port

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
USER, PASSWORD = "sam", "app-password-1"

CONFIG = """\
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_login_user = dovenull
default_internal_user = dovecot
first_valid_uid = {uid}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/home/%u
}}
mail_location = maildir:~/Maildir
namespace inbox {{
  inbox = yes
  separator = /
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}
service stats {{
  unix_listener stats-reader {{
    mode = 0600
  }}
  unix_listener stats-writer {{
    mode = 0666
  }}
}}
"""


def available() -> bool:
    return os.path.exists(DOVECOT)


def _mail_owner() -> tuple[int, int]:
    """Dovecot will not deliver mail as root: use its own user when we run as root."""
    if os.getuid() != 0:
        return os.getuid(), os.getgid()
    entry = pwd.getpwnam("dovecot")
    return entry.pw_uid, entry.pw_gid


class Dovecot:
    """Dovecot in a temp dir of its own: its workers run as other users, so the dir must be
    reachable by them (pytest's tmp_path is private to the test user)."""

    def __init__(self):
        self.root, self.port = Path(tempfile.mkdtemp(prefix="rebound-dovecot-")), free_port()
        self.process: subprocess.Popen | None = None

    def start(self) -> "Dovecot":
        uid, gid = _mail_owner()
        for sub in ("run", "state", "home"):
            (self.root / sub).mkdir(parents=True, exist_ok=True)
        (self.root / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}::::::\n")
        home = self.root / "home" / USER
        (home / "Maildir").mkdir(parents=True, exist_ok=True)
        for path in (self.root / "home", home, home / "Maildir"):
            os.chown(path, uid, gid)
        os.chmod(self.root, 0o755)
        config = self.root / "dovecot.conf"
        config.write_text(CONFIG.format(root=self.root, uid=uid, gid=gid, port=self.port))
        self.process = subprocess.Popen([DOVECOT, "-F", "-c", str(config)],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"dovecot exited: {self.process.stderr.read().decode()[-2000:]}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("dovecot did not start listening in 15 s")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.root, ignore_errors=True)

    def client(self) -> imaplib.IMAP4:
        conn = imaplib.IMAP4("127.0.0.1", self.port, timeout=10)
        conn.login(USER, PASSWORD)
        return conn

    def append(self, raw: bytes, folder: str = "INBOX") -> None:
        conn = self.client()
        try:
            if folder != "INBOX":
                conn.create(folder)  # "already exists" is fine
            status, _ = conn.append(folder, None, None, raw)
            assert status == "OK", status
        finally:
            conn.logout()

    def uidvalidity(self, folder: str = "INBOX") -> int:
        conn = self.client()
        try:
            status, data = conn.status(folder, "(UIDVALIDITY)")
            assert status == "OK"
            return int(data[0].split(b"UIDVALIDITY")[1].strip(b" ()"))
        finally:
            conn.logout()

    def recreate(self, folder: str) -> None:
        """Delete and create a folder again: its UIDs start over under a new UIDVALIDITY."""
        conn = self.client()
        try:
            conn.delete(folder)
            conn.create(folder)
        finally:
            conn.logout()

    def flags(self, folder: str = "INBOX") -> list[bytes]:
        conn = self.client()
        try:
            conn.select(folder, readonly=True)
            status, data = conn.uid("FETCH", "1:*", "(FLAGS)")
            return [item for item in data if item]
        finally:
            conn.logout()


class CuttingProxy(TcpProxy):
    """A proxy that drops the connection once the server has sent `limit` bytes: a cut mid-fetch."""

    def __init__(self, target_host: str, target_port: int, limit: int):
        super().__init__(target_host, target_port)
        self.limit, self.cuts = limit, 0

    def _pump(self, src: socket.socket, dst: socket.socket) -> None:
        from_server = src.getpeername()[1] == self.target[1]
        sent = 0
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                if from_server and sent + len(data) > self.limit:
                    dst.sendall(data[: max(0, self.limit - sent)])
                    self.cuts += 1
                    break
                sent += len(data)
                dst.sendall(data)
        except OSError:
            pass
        finally:
            with self._lock:
                self._sockets.discard(src)
                self._sockets.discard(dst)
            _close(src)
            _close(dst)
