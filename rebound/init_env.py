"""`rebound init`: a `.env` for docker compose with fresh random secrets.

It asks only for what it cannot make up: the address people will open and,
if mail should leave the machine, the SMTP server. Flags answer those for
scripts (`--base-url`, `--smtp-url`, `--mail-from`, `--yes` for the defaults).
Every secret and password is new, random and URL-safe. An existing file is
never overwritten unless `--force` is given.
"""
from __future__ import annotations

import secrets
import sys
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

DEFAULT_BASE_URL = "http://localhost:8000"
# Every secret docker-compose.yml and deploy/compose.single.yml require, with what it is for.
SECRETS = {
    "REBOUND_SECRET_KEY": "signs sessions and CSRF tokens; changing it signs everyone out",
    "REBOUND_INTERNAL_SECRET": "signs the frontend's calls to the services",
    "REBOUND_RABBITMQ_PASSWORD": "the RabbitMQ account of the processes (docker-compose.yml)",
    "REBOUND_POSTGRES_PASSWORD": "the PostgreSQL superuser, for maintenance (docker-compose.yml)",
    "REBOUND_FRONTEND_DB_PASSWORD": "database role of the frontend (docker-compose.yml)",
    "REBOUND_TRACKER_DB_PASSWORD": "database role of the tracker (docker-compose.yml)",
    "REBOUND_COACH_DB_PASSWORD": "database role of the coach (docker-compose.yml)",
    "REBOUND_NOTIFIER_DB_PASSWORD": "database role of the notifier (docker-compose.yml)",
    "REBOUND_MAILBOX_DB_PASSWORD": "database role of the mailbox (docker-compose.yml)",
}


class InitError(ValueError):
    """An answer that cannot go into .env."""


def new_secret() -> str:
    """43 random characters from A-Z a-z 0-9 - _: safe inside URLs and unquoted in .env."""
    return secrets.token_urlsafe(32)


def check_base_url(url: str) -> str:
    url = url.strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InitError(f"the public address must start with http:// or https://, not {url!r}")
    return url


def check_smtp_url(url: str) -> str:
    url = url.strip()
    if url and urlsplit(url).scheme not in ("smtp", "smtps"):
        raise InitError(f"the mail server must look like smtp://user:pass@host:587/?starttls=1, not {url!r}")
    return url


def quoted(value: str) -> str:
    """A value as .env holds it literally: single quotes when it has spaces or characters compose reads."""
    if "'" in value or "\n" in value:
        raise InitError("values in .env cannot hold a single quote or a line break")
    if any(c in value for c in " #$\"<>`\\"):
        return f"'{value}'"
    return value


def render(base_url: str, smtp_url: str = "", mail_from: str = "") -> str:
    lines = [
        "# Written by `rebound init`. Keep it private: it holds every secret of this installation.",
        "# More settings, each explained: .env.example.",
        "COMPOSE_PROJECT_NAME=rebound",
        "",
        "# The address people open; links in e-mails are built from it (a sub-path works too).",
        f"REBOUND_BASE_URL={quoted(base_url)}",
        "# Where the port is published on the host: keep 127.0.0.1 behind a reverse proxy.",
        "REBOUND_PUBLISH=127.0.0.1:8000",
    ]
    if smtp_url:
        lines += ["# Outgoing mail.", f"REBOUND_SMTP_URL={quoted(smtp_url)}"]
    else:
        lines += ["# Outgoing mail: unset, so mail is kept as .eml files in the data volume.", "#REBOUND_SMTP_URL="]
    if mail_from:
        lines.append(f"REBOUND_MAIL_FROM={quoted(mail_from)}")
    lines.append("")
    for name, why in SECRETS.items():
        lines += [f"# {why[0].upper()}{why[1:]}.", f"{name}={new_secret()}"]
    return "\n".join(lines) + "\n"


def ask(prompt: str, default: str, read: Callable[[str], str] = input) -> str:
    answer = read(f"{prompt} [{default}]: " if default else f"{prompt}: ").strip()
    return answer or default


def write_env(path: Path, *, base_url: str | None, smtp_url: str | None, mail_from: str | None,
              interactive: bool, force: bool = False, read: Callable[[str], str] = input) -> Path:
    """Write `path`; questions are asked only for answers not given, and only when interactive."""
    if path.exists() and not force:
        raise InitError(f"{path} exists already; pass --force to replace it (its secrets would change)")
    if base_url is None:
        base_url = ask("Address people will open Rebound at", DEFAULT_BASE_URL, read) if interactive \
            else DEFAULT_BASE_URL
    base_url = check_base_url(base_url)
    if smtp_url is None:
        smtp_url = ask("Mail server, e.g. smtp://user:pass@host:587/?starttls=1 (empty: keep mail as files)",
                       "", read) if interactive else ""
    smtp_url = check_smtp_url(smtp_url)
    if mail_from is None and smtp_url and interactive:
        mail_from = ask("Sender of Rebound's mail", "Rebound <rebound@localhost>", read)
    text = render(base_url, smtp_url, mail_from or "")
    partial = path.with_name(f".{path.name}.part")
    partial.touch(mode=0o600)
    partial.write_text(text)
    partial.replace(path)
    return path


def main(args) -> int:
    interactive = not args.yes and sys.stdin.isatty()
    path = write_env(Path(args.path), base_url=args.base_url, smtp_url=args.smtp_url, mail_from=args.mail_from,
                     interactive=interactive, force=args.force)
    print(f"wrote {path} with fresh secrets; next: docker compose up -d "
          "(or docker compose -f deploy/compose.single.yml --env-file .env up -d)")
    return 0
