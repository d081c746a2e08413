"""Settings read from the REBOUND_* environment, with defaults for a laptop."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

SERVICES = ("frontend", "tracker", "coach", "notifier")
DEFAULT_PORTS = {"frontend": 8000, "tracker": 8001, "coach": 8002, "notifier": 8003}
DEV_SECRET = "dev-only-not-secret"
DEFAULT_SUPPORT_RESOURCES = ("If you'd like to talk to someone, your doctor or a local helpline "
                             "can point you to support near you.")


# Settings that hold a secret, each of which may also be given as REBOUND_<NAME>_FILE.
FILE_SECRETS = {"SECRET_KEY", "INTERNAL_SECRET", "SMTP_URL", "BUS_URL",
                *(f"{service.upper()}_DATABASE_URL" for service in SERVICES)}


class ConfigError(RuntimeError):
    """The environment asks for something Rebound cannot start with."""


def env(name: str, default: str | None = None) -> str | None:
    """Read one REBOUND_ variable; an empty value counts as unset.

    For a secret (FILE_SECRETS) left unset, REBOUND_<NAME>_FILE may name a
    file holding the value (Docker and Kubernetes secrets); a trailing line
    break is dropped.
    """
    value = os.environ.get(f"REBOUND_{name}", "")
    if value == "" and name in FILE_SECRETS and os.environ.get(f"REBOUND_{name}_FILE", ""):
        value = _read_secret_file(name, os.environ[f"REBOUND_{name}_FILE"])
    return value if value != "" else default


def _read_secret_file(name: str, path: str) -> str:
    try:
        return Path(path).read_text().rstrip("\r\n")
    except OSError as exc:
        raise ConfigError(f"REBOUND_{name}_FILE names {path!r}, which cannot be read: {exc.strerror}") from None


def _int(name: str, default: int) -> int:
    raw = env(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(f"REBOUND_{name} must be a whole number, not {raw!r}") from None


@dataclass(frozen=True)
class Settings:
    environment: str
    data_dir: Path
    bus_url: str
    secret_key: str
    internal_secret: str
    base_url: str
    smtp_url: str | None
    max_attempts: int
    retry_base_ms: int
    confirm_timeout_s: float
    heartbeat_s: int
    relay_poll_ms: int
    web_workers: int
    ports: dict[str, int] = field(default_factory=dict)
    database_urls: dict[str, str] = field(default_factory=dict)
    service_urls: dict[str, str] = field(default_factory=dict)
    # Shown by the coach when moods stay very low; point to help that exists where you deploy.
    support_resources_text: str = DEFAULT_SUPPORT_RESOURCES
    ghost_after_days: int = 21
    import_max_bytes: int = 5 * 1024 * 1024
    mail_from: str = "Rebound <rebound@localhost>"
    # How many reverse proxies in front of the frontend to trust for X-Forwarded-*; 0 trusts none.
    proxy_fix_hops: int = 0
    # Embedded bus: how often a consumer looks for messages put by other processes.
    bus_poll_ms: int = 50
    # Scheduled backups in `rebound run all` (shared/backup_schedule.py); None: none.
    backup_schedule: str | None = None
    backup_keep: str = "7"
    backup_dir: Path | None = None

    @property
    def production(self) -> bool:
        return self.environment == "production"

    @property
    def bus_is_amqp(self) -> bool:
        return self.bus_url.startswith(("amqp://", "amqps://", "pyamqp://"))

    def database_url(self, service: str) -> str:
        return self.database_urls[service]


def load_settings() -> Settings:
    """Build Settings from the environment, refusing unsafe production setups."""
    data_dir = Path(env("DATA_DIR", "./var")).resolve()
    ports = {name: _int(f"{name.upper()}_PORT", port) for name, port in DEFAULT_PORTS.items()}
    settings = Settings(
        environment=env("ENV", "development"),
        data_dir=data_dir,
        bus_url=env("BUS_URL", "filesystem://"),
        secret_key=env("SECRET_KEY", DEV_SECRET),
        internal_secret=env("INTERNAL_SECRET", DEV_SECRET),
        base_url=env("BASE_URL", f"http://127.0.0.1:{ports['frontend']}").rstrip("/"),
        smtp_url=env("SMTP_URL"),
        mail_from=env("MAIL_FROM", "Rebound <rebound@localhost>"),
        max_attempts=_int("MAX_ATTEMPTS", 5),
        retry_base_ms=_int("RETRY_BASE_MS", 500),
        confirm_timeout_s=_int("CONFIRM_TIMEOUT_MS", 5000) / 1000,
        heartbeat_s=_int("HEARTBEAT_S", 20),
        relay_poll_ms=_int("RELAY_POLL_MS", 50),
        web_workers=_int("WEB_WORKERS", 2),
        ghost_after_days=_int("GHOST_AFTER_DAYS", 21),
        import_max_bytes=_int("IMPORT_MAX_BYTES", 5 * 1024 * 1024),
        proxy_fix_hops=_int("PROXY_FIX_HOPS", 0),
        bus_poll_ms=_int("BUS_POLL_MS", 50),
        backup_schedule=env("BACKUP_SCHEDULE"),
        backup_keep=env("BACKUP_KEEP", "7"),
        backup_dir=Path(env("BACKUP_DIR", str(data_dir / "backups"))).resolve(),
        ports=ports,
        database_urls={
            name: env(f"{name.upper()}_DATABASE_URL", f"sqlite:///{data_dir / (name + '.db')}")
            for name in SERVICES
        },
        service_urls={
            name: env(f"{name.upper()}_URL", f"http://127.0.0.1:{ports[name]}").rstrip("/")
            for name in SERVICES
            if name != "frontend"
        },
        support_resources_text=env("SUPPORT_RESOURCES_TEXT", DEFAULT_SUPPORT_RESOURCES),
    )
    _refuse_unsafe_production(settings)
    return settings


def _refuse_unsafe_production(settings: Settings) -> None:
    if not settings.production:
        return
    for name in ("secret_key", "internal_secret"):
        value = getattr(settings, name)
        # .env.example's placeholders start with "change-me": a copied example is no secret, however long.
        if value == DEV_SECRET or len(value) < 32 or value.startswith("change-me"):
            raise ConfigError(
                f"REBOUND_{name.upper()} must be set to a random value of at least 32 "
                "characters when REBOUND_ENV=production"
            )
