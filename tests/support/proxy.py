"""A small TCP proxy that can be stopped and started again on the same port.

Stopping closes the listening socket and every relayed connection, so a
client sees its connection drop and new connections refused: a broker
outage without touching the broker.

`black_hole()` is the nastier outage: every connection stays open and new
ones are still accepted, but no byte (nor a close) gets through in either
direction, as when a network path silently drops packets. `heal()` lets the
held bytes through in order, as TCP's retransmissions would.
"""
from __future__ import annotations

import socket
import threading
from urllib.parse import urlsplit, urlunsplit

from .ports import free_port


class TcpProxy:
    def __init__(self, target_host: str, target_port: int):
        self.target = (target_host, target_port)
        self.port = free_port()
        self._listener: socket.socket | None = None
        self._sockets: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._flowing = threading.Event()
        self._flowing.set()
        self.accepted = 0

    @classmethod
    def for_url(cls, url: str) -> "TcpProxy":
        parts = urlsplit(url)
        return cls(parts.hostname or "127.0.0.1", parts.port or 5672)

    def url_through(self, url: str) -> str:
        """`url` with its host and port replaced by the proxy's."""
        parts = urlsplit(url)
        credentials = parts.netloc.rpartition("@")[0]
        netloc = f"{credentials}@127.0.0.1:{self.port}" if credentials else f"127.0.0.1:{self.port}"
        return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))

    @property
    def running(self) -> bool:
        return self._listener is not None

    def start(self) -> "TcpProxy":
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        listener.settimeout(0.1)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), name="proxy-accept",
                         daemon=True).start()
        return self

    @property
    def black_holed(self) -> bool:
        return not self._flowing.is_set()

    def black_hole(self) -> None:
        """Keep every connection open but stop forwarding bytes both ways."""
        self._flowing.clear()

    def heal(self) -> None:
        """Forward again, the held bytes first."""
        self._flowing.set()

    def stop(self) -> None:
        """Close the listener and every connection (a black hole ends with them)."""
        listener, self._listener = self._listener, None
        if listener is not None:
            listener.close()
        with self._lock:
            sockets, self._sockets = self._sockets, set()
        for sock in sockets:
            _close(sock)
        self._flowing.set()  # the pumps held by a black hole find their sockets closed

    def _accept(self, listener: socket.socket) -> None:
        while self._listener is listener:
            try:
                client, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return  # the listener was closed
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                _close(client)
                continue
            client.settimeout(None)
            upstream.settimeout(None)
            with self._lock:
                if self._listener is not listener:
                    _close(client)
                    _close(upstream)
                    return
                self._sockets.update((client, upstream))
                self.accepted += 1
            for src, dst in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(src, dst), name="proxy-pump",
                                 daemon=True).start()

    def _pump(self, src: socket.socket, dst: socket.socket) -> None:
        try:
            while True:
                data = src.recv(65536)
                # In a black hole the chunk (or the end of the stream) waits
                # here; what comes after it waits in the kernel's buffers.
                self._flowing.wait()
                if not data:
                    break
                dst.sendall(data)
        except OSError:
            pass
        finally:
            with self._lock:
                self._sockets.discard(src)
                self._sockets.discard(dst)
            _close(src)
            _close(dst)


def _close(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    sock.close()
