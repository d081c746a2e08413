"""kombu's filesystem transport, with each message written whole before it is seen.

The stock transport creates the message file under its final name and then
writes into it; a consumer polling at that moment can take the empty file,
fail to parse it and lose the message. Here a message is written under a
hidden name and renamed into place, which readers see atomically.
"""
from __future__ import annotations

import os
import uuid
from time import monotonic

from kombu.transport import filesystem
from kombu.utils.encoding import str_to_bytes
from kombu.utils.json import dumps


class Channel(filesystem.Channel):
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


class Transport(filesystem.Transport):
    Channel = Channel
    # One broker state per process, shared by every connection, as upstream.
    global_state = filesystem.Transport.global_state
