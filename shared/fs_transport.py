"""kombu's filesystem transport, with each message written whole before it is seen.

The stock transport creates the message file under its final name and then
writes into it; a consumer polling at that moment can take the empty file,
fail to parse it and lose the message. Here a message is written under a
hidden name and renamed into place, which readers see atomically.

Upstream, a consumer that finds nothing sleeps `polling_interval` and looks
again. Here every message put by this process rings a doorbell that cuts the
wait short: in one process (`rebound run all`) a message is taken the moment it
is written, and the interval only bounds how late a message written by
another process is seen.
"""
from __future__ import annotations

import os
import socket
import threading
import uuid
from queue import Empty
from time import monotonic

from kombu.transport import filesystem
from kombu.utils.encoding import str_to_bytes
from kombu.utils.json import dumps


_BIND_LOCK = threading.Lock()  # one binding at a time in this process (threads share the exchange file)


class Channel(filesystem.Channel):
    def _queue_bind(self, exchange, routing_key, pattern, queue):
        """Upstream creates a missing exchange file by truncating it before it locks it: two
        consumers binding at once (threads of `rebound run all`, or processes starting together)
        could read it empty or overwrite each other's binding. Here the file is born whole
        (linked into place only if absent), and this process binds one queue at a time."""
        with _BIND_LOCK:
            self._create_exchange_file(exchange)
            super()._queue_bind(exchange, routing_key, pattern, queue)

    def _create_exchange_file(self, exchange) -> None:
        file = self._exchange_file(exchange)
        if file.exists():
            return
        self.control_folder.mkdir(exist_ok=True)
        partial = file.with_name(f".{file.name}.{uuid.uuid4().hex}.part")
        partial.write_bytes(b"[]")
        try:
            os.link(partial, file)  # fails if another process created it first: theirs stands
        except FileExistsError:
            pass
        finally:
            partial.unlink()

    def _put(self, queue, payload, **kwargs):
        name = f"{int(round(monotonic() * 1000))}_{uuid.uuid4()}.{queue}.msg"
        final = os.path.join(self.data_folder_out, name)
        # A leading dot keeps the half-written file out of every queue's listing.
        partial = os.path.join(self.data_folder_out, f".{name}.part")
        try:
            with open(partial, "wb") as handle:
                handle.write(str_to_bytes(dumps(payload)))
            os.replace(partial, final)
        except OSError as exc:
            raise filesystem.ChannelError(f"Cannot add message to {queue!r}") from exc
        DOORBELL.ring()


class Doorbell:
    """Counts messages put in this process; a consumer waits for the count to move."""

    def __init__(self):
        self._condition = threading.Condition()
        self.rings = 0

    def ring(self) -> None:
        with self._condition:
            self.rings += 1
            self._condition.notify_all()

    def wait(self, seen: int, timeout: float) -> None:
        """Return once a message was put since `seen` was read, or after `timeout` seconds."""
        with self._condition:
            self._condition.wait_for(lambda: self.rings != seen, timeout)


DOORBELL = Doorbell()


class Transport(filesystem.Transport):
    Channel = Channel
    # One broker state per process, shared by every connection, as upstream.
    global_state = filesystem.Transport.global_state

    def drain_events(self, connection, timeout=None):
        """Deliver one message; between empty looks, wait for the doorbell or the polling interval."""
        started = monotonic()
        while True:
            seen = DOORBELL.rings
            try:
                self.cycle.get(self._deliver, timeout=timeout)
                return
            except Empty:
                elapsed = monotonic() - started
                if timeout is not None and elapsed >= timeout:
                    raise socket.timeout() from None
                wait = self.polling_interval or 0
                if timeout is not None:
                    wait = min(wait, timeout - elapsed)
                DOORBELL.wait(seen, wait)
