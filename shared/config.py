"""Settings read from the REBOUND_* environment, with defaults for a laptop."""
from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

SERVICES = ("frontend", "tracker", "coach", "notifier", "mailbox")
DEFAULT_PORTS = {"frontend": 8000, "tracker": 8001, "coach": 8002, "notifier": 8003, "mailbox": 8004}
# Never used as a key any more; production refuses it if someone sets it by hand.
DEV_SECRET = "dev-only-not-secret"
DEFAULT_SUPPORT_RESOURCES = ("If you'd like to talk to someone, your doctor or a local helpline "
                             "can point you to support near you.")


# Settings that hold a secret, each read by `secret` and so also given as REBOUND_<NAME>_FILE.
FILE_SECRETS = {"SECRET_KEY", "INTERNAL_SECRET", "SMTP_URL", "BUS_URL", "OIDC_CLIENT_SECRET",
                *(f"{service.upper()}_DATABASE_URL" for service in SERVICES)}


class ConfigError(RuntimeError):
    """The environment asks for something Rebound cannot start with."""


def env(name: str, default: str | None = None) -> str | None:
    """Read one REBOUND_ variable; an empty value counts as unset. (Secrets: `secret`.)"""
    value = os.environ.get(f"REBOUND_{name}", "")
    return value if value != "" else default


def secret(name: str, default: str | None = None) -> str | None:
    """A secret (FILE_SECRETS) from REBOUND_<NAME>, or from the file REBOUND_<NAME>_FILE names
    (Docker and Kubernetes secrets); never both. Unset or empty: `default`."""
    value = env(name)
    path = env(f"{name}_FILE")
    if value is not None and path is not None:
        raise ConfigError(f"Set REBOUND_{name} or REBOUND_{name}_FILE, not both")
    if path is None:
        return value if value is not None else default
    try:
        return Path(path).read_text(encoding="utf-8").strip() or default
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"REBOUND_{name}_FILE names {path!r}, which could not be read "
                          f"({type(exc).__name__})") from None


def kept_secret(data_dir: Path, name: str) -> str:
    """A random secret made on first start and kept in the data dir, so it survives restarts.

    Several processes may start at once: the first to link its file wins and the
    others read that one, so they all sign with the same key.
    """
    folder = data_dir / "secrets"
    path = folder / name
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        draft = folder / f".{name}.{os.getpid()}.{secrets.token_hex(4)}"
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as file:
            file.write(secrets.token_urlsafe(48) + "\n")
        try:
            os.link(draft, path)  # atomic, and fails if another process got there first
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text(encoding="utf-8").strip()


def _secret_or_kept(name: str, data_dir: Path, production: bool) -> str:
    # In production the operator sets every secret (checked below); elsewhere one is made once.
    value = secret(name)
    if value is None and not production:
        return kept_secret(data_dir, name.lower())
    return value or ""


def _int(name: str, default: int) -> int:
    raw = env(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(f"REBOUND_{name} must be a whole number, not {raw!r}") from None


SIGNUP_MODES = ("open", "invite", "closed")
_TRUE, _FALSE = {"1", "true", "yes", "on"}, {"0", "false", "no", "off"}


def _bool(name: str, default: bool) -> bool:
    raw = env(name)
    if raw is None:
        return default
    if raw.strip().lower() in _TRUE | _FALSE:
        return raw.strip().lower() in _TRUE
    raise ConfigError(f"REBOUND_{name} must be true or false, not {raw!r}")


def _choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = env(name, default).lower()
    if value not in choices:
        raise ConfigError(f"REBOUND_{name} must be one of {', '.join(choices)}, not {value!r}")
    return value


AMQP_SCHEMES = ("amqp://", "amqps://", "pyamqp://")


def split_bus_url(raw: str) -> list[str]:
    """REBOUND_BUS_URL as a list: several RabbitMQ nodes may be given, separated by `;`.

    Every entry must be a broker URL of one kind; the embedded bus stands alone.
    """
    urls = [part.strip() for part in raw.split(";") if part.strip()]
    if not urls:
        raise ConfigError("REBOUND_BUS_URL names no broker")
    if len(urls) > 1 and not all(url.startswith(AMQP_SCHEMES) for url in urls):
        raise ConfigError("REBOUND_BUS_URL may list several brokers only as amqp:// (or amqps://) URLs "
                          f"separated by ';', not {raw!r}")
    return urls


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
    # Accounts (issue 15): who may sign up, whether e-mail and password sign-in is offered, and OIDC.
    signup: str = "open"
    local_login: bool = True
    oidc_issuer: str | None = None
    oidc_client_id: str | None = None
    oidc_client_secret: str | None = None
    oidc_scopes: str = "openid email profile"
    oidc_button_label: str = "Sign in with single sign-on"
    # Webhooks and Apprise URLs may reach loopback, private and link-local addresses (home servers).
    allow_private_targets: bool = False
    # The most e-mails this instance sends in an hour, all people together; the rest wait.
    mail_per_hour: int = 300
    # False where a separate step migrates (a Kubernetes Job): processes then start on the schema they find.
    migrate_on_start: bool = True
    # Embedded bus: how often a consumer looks for messages put by other processes.
    bus_poll_ms: int = 50
    # Scheduled backups in `rebound run all` (rebound/backup_schedule.py); None: none.
    backup_schedule: str | None = None
    backup_keep: str = "7"
    backup_dir: Path | None = None

    @property
    def production(self) -> bool:
        return self.environment == "production"

    @property
    def bus_is_amqp(self) -> bool:
        return self.bus_url.startswith(AMQP_SCHEMES)

    @property
    def bus_urls(self) -> list[str]:
        """Each broker of REBOUND_BUS_URL, in the order given (kombu fails over round-robin)."""
        return split_bus_url(self.bus_url)

    def database_url(self, service: str) -> str:
        return self.database_urls[service]


def load_settings() -> Settings:
    """Build Settings from the environment, refusing unsafe production setups."""
    data_dir = Path(env("DATA_DIR", "./var")).resolve()
    ports = {name: _int(f"{name.upper()}_PORT", port) for name, port in DEFAULT_PORTS.items()}
    environment = env("ENV", "development")
    production = environment == "production"
    settings = Settings(
        environment=environment,
        data_dir=data_dir,
        bus_url=";".join(split_bus_url(secret("BUS_URL", "filesystem://"))),
        secret_key=_secret_or_kept("SECRET_KEY", data_dir, production),
        internal_secret=_secret_or_kept("INTERNAL_SECRET", data_dir, production),
        base_url=env("BASE_URL", f"http://127.0.0.1:{ports['frontend']}").rstrip("/"),
        smtp_url=secret("SMTP_URL"),
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
        mail_per_hour=_int("MAIL_PER_HOUR", 300),
        allow_private_targets=(env("ALLOW_PRIVATE_TARGETS", "false") or "").lower() in ("1", "true", "yes"),
        migrate_on_start=_bool("MIGRATE_ON_START", True),
        bus_poll_ms=_int("BUS_POLL_MS", 50),
        backup_schedule=env("BACKUP_SCHEDULE"),
        backup_keep=env("BACKUP_KEEP", "7"),
        backup_dir=Path(env("BACKUP_DIR", str(data_dir / "backups"))).resolve(),
        ports=ports,
        database_urls={
            name: secret(f"{name.upper()}_DATABASE_URL", f"sqlite:///{data_dir / (name + '.db')}")
            for name in SERVICES
        },
        service_urls={
            name: env(f"{name.upper()}_URL", f"http://127.0.0.1:{ports[name]}").rstrip("/")
            for name in SERVICES
            if name != "frontend"
        },
        support_resources_text=env("SUPPORT_RESOURCES_TEXT", DEFAULT_SUPPORT_RESOURCES),
        signup=_choice("SIGNUP", "invite" if production else "open", SIGNUP_MODES),
        local_login=_bool("LOCAL_LOGIN", True),
        oidc_issuer=(env("OIDC_ISSUER") or "").rstrip("/") or None,
        oidc_client_id=env("OIDC_CLIENT_ID"),
        oidc_client_secret=secret("OIDC_CLIENT_SECRET"),
        oidc_scopes=env("OIDC_SCOPES", "openid email profile"),
        oidc_button_label=env("OIDC_BUTTON_LABEL", "Sign in with single sign-on"),
    )
    _refuse_unsafe_production(settings)
    return settings


def _refuse_unsafe_production(settings: Settings) -> None:
    if not settings.local_login and not settings.oidc_issuer:
        raise ConfigError("REBOUND_LOCAL_LOGIN=false needs REBOUND_OIDC_ISSUER: otherwise nobody could sign in")
    if settings.oidc_issuer and not (settings.oidc_client_id and settings.oidc_client_secret):
        raise ConfigError("REBOUND_OIDC_ISSUER needs REBOUND_OIDC_CLIENT_ID and REBOUND_OIDC_CLIENT_SECRET "
                          "(or REBOUND_OIDC_CLIENT_SECRET_FILE)")
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
