"""How often mailboxes are read and when a failing one is reported (REBOUND_MAILBOX_*)."""
from __future__ import annotations

from dataclasses import dataclass

from shared.config import ConfigError, env


def _number(name: str, raw: str | None, default: float) -> float:
    if raw is None:
        return default
    try:
        return float(raw)
    except ValueError:
        raise ConfigError(f"REBOUND_{name} must be a number, not {raw!r}") from None


@dataclass(frozen=True)
class WatchSettings:
    poll_s: float = 180.0            # between two reads of a mailbox that answers
    max_backoff_s: float = 3600.0    # the longest wait after repeated failures
    failures_before_report: int = 3  # failures in a row before the person hears of it ...
    report_after_s: float = 1800.0   # ... and only once it has failed for this long
    imap_timeout_s: float = 20.0
    tick_s: float = 1.0              # how often the loop looks for a mailbox that is due
    use_idle: bool = True            # listen with IMAP IDLE where the server offers it

    @classmethod
    def from_env(cls) -> "WatchSettings":
        return cls(
            poll_s=_number("MAILBOX_POLL_S", env("MAILBOX_POLL_S"), 180.0),
            max_backoff_s=_number("MAILBOX_MAX_BACKOFF_S", env("MAILBOX_MAX_BACKOFF_S"), 3600.0),
            failures_before_report=int(_number("MAILBOX_FAILURES_BEFORE_REPORT", env("MAILBOX_FAILURES_BEFORE_REPORT"), 3)),
            report_after_s=_number("MAILBOX_REPORT_AFTER_S", env("MAILBOX_REPORT_AFTER_S"), 1800.0),
            imap_timeout_s=_number("MAILBOX_IMAP_TIMEOUT_S", env("MAILBOX_IMAP_TIMEOUT_S"), 20.0),
            tick_s=min(1.0, _number("MAILBOX_POLL_S", env("MAILBOX_POLL_S"), 180.0)),
        )
