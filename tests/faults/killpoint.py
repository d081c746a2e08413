"""`rebound run PROCESS` with a SIGKILL planted at an exact point (fault tests only).

    python killpoint.py PROCESS POINT N

POINT is where the process kills itself on the Nth time it gets there:
  worker-before-commit  inside the handlers' transaction, before the commit
  worker-after-commit   after the commit, before the ack
  relay-after-confirm   after the broker confirmed a batch, before the rows are marked sent
  handler-raises        not a kill: every event whose company starts with "Explodes"
                        raises until the file named by $KILLPOINT_FIXED exists
Before dying it prints one JSON line {"killpoint": POINT, "event_ids": [...]}.
"""
from __future__ import annotations

import json
import os
import signal
import sys
from pathlib import Path


def _die(point: str, event_ids: list[str]) -> None:
    sys.stdout.write(json.dumps({"killpoint": point, "event_ids": event_ids}) + "\n")
    sys.stdout.flush()
    os.kill(os.getpid(), signal.SIGKILL)


def plant(point: str, nth: int) -> None:
    from shared import outbox, worker

    seen = {"count": 0}

    def due() -> bool:
        """True once: when the Nth event gets here."""
        seen["count"] += 1
        return seen["count"] == nth

    if point in ("worker-before-commit", "worker-after-commit", "handler-raises"):
        real = worker.run_handlers

        def run_handlers(session_factory, handlers, event):
            if point == "handler-raises":
                return real(session_factory, [_explodes, *handlers], event)
            if point == "worker-before-commit" and due():
                handlers = [*handlers, lambda session, ev: (session.flush(), _die(point, [ev["id"]]))]
            result = real(session_factory, handlers, event)
            if point == "worker-after-commit" and result and due():
                _die(point, [event["id"]])
            return result

        worker.run_handlers = run_handlers
    elif point == "relay-after-confirm":
        real_settle = outbox.Relay._settle

        def settle(self, batch, sent, failed):
            if sent and due():
                _die(point, [event["id"] for row_id, event in batch if row_id in sent])
            return real_settle(self, batch, sent, failed)

        outbox.Relay._settle = settle
    else:
        raise SystemExit(f"unknown kill point {point!r}")


def _explodes(session, event) -> None:
    company = str(event.get("data", {}).get("company", ""))
    if company.startswith("Explodes") and not Path(os.environ["KILLPOINT_FIXED"]).exists():
        raise RuntimeError("this handler breaks on Explodes until it is fixed")


if __name__ == "__main__":
    process, point, nth = sys.argv[1], sys.argv[2], int(sys.argv[3])
    plant(point, nth)
    from rebound.processes import run

    run(process)
