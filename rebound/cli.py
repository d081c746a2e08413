"""`rebound`: run processes, migrate, manage users, tokens and dead letters."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from shared.config import SERVICES, ConfigError, load_settings


def cmd_run(args) -> int:
    # Late imports here and below: `rebound --help` and the small commands start quickly.
    from rebound.processes import ALL, run
    if args.process == ALL:
        from rebound.all_in_one import run_all
        run_all()
    else:
        run(args.process)
    return 0


def cmd_migrate(args) -> int:
    from rebound.migrations import migrate_service
    settings = load_settings()
    unknown = sorted(set(args.services) - set(SERVICES))
    if unknown:
        raise ValueError(f"unknown service(s): {', '.join(unknown)}; choose from {', '.join(SERVICES)}")
    for service in args.services or SERVICES:
        migrate_service(service, settings)
        print(f"{service}: up to date")
    return 0


def _frontend_sessions():
    from shared.runtime import Runtime
    from rebound.migrations import migrate_service
    settings = load_settings()
    migrate_service("frontend", settings)
    return Runtime.build("frontend", settings).sessions


def cmd_users_create(args) -> int:
    from frontend.accounts import create_user
    password = sys.stdin.readline().rstrip("\n")
    user = create_user(_frontend_sessions(), args.email, password, display_name=args.name,
                       timezone=args.timezone)
    print(f"created {user['email']} {user['id']}")
    return 0


def cmd_users_set_password(args) -> int:
    from frontend.accounts import set_password_for_email  # its AccountError is a ValueError
    password = sys.stdin.readline().rstrip("\n")
    user = set_password_for_email(_frontend_sessions(), args.email, password)
    print(f"password set for {user['email']}; every session of that account has ended")
    return 0


def cmd_users_invite(args) -> int:
    from frontend import signups
    from frontend.mail import Mailer
    sessions = _frontend_sessions()
    settings = load_settings()
    token = signups.invite(sessions, args.email)
    link = f"{settings.base_url}/register?invite={token}"
    mailer = Mailer(settings)
    mailer.send(args.email.strip().lower(), signups.invitation_mail(link))
    mailer.wait()
    print(f"invited {args.email.strip().lower()}; the mail with this link is on its way: {link}")
    return 0


def cmd_tokens_create(args) -> int:
    from frontend.accounts import create_token
    token = create_token(_frontend_sessions(), args.email, name=args.name)
    print(f"API token for {args.email} (shown once): {token}")
    return 0


def cmd_dlq(args) -> int:
    from rebound import dlq
    settings = load_settings()
    if args.action == "purge":
        print(f"purged {dlq.purge(settings, args.service)} dead letter(s) from {args.service}")
    elif args.action == "replay":
        count = dlq.replay(settings, args.service, args.event_id)
        print(f"replayed {count} dead letter(s) to {args.service}")
    else:
        letters = dlq.list_letters(settings, args.service)
        if args.action == "show":
            letters = [letter for letter in letters if letter.event_id == args.event_id]
            for letter in letters:
                print(json.dumps(letter.__dict__, indent=2, default=str))
            return 0 if letters else 1
        for letter in letters:
            print(f"{letter.event_id}\t{letter.event_type}\tattempts={letter.attempts}\t{letter.error[:120]}")
        print(f"{len(letters)} dead letter(s) in {args.service}")
    return 0


def cmd_backup(args) -> int:
    from rebound.backup import backup
    print(backup(load_settings(), Path(args.dir)))
    return 0


def cmd_restore(args) -> int:
    from rebound.backup import BackupError, restore
    settings = load_settings()
    if not args.force and _frontend_answers(settings):
        raise BackupError(f"Rebound answers on port {settings.ports['frontend']}: stop it before restoring "
                          "(or pass --force if that is something else)")
    for entry in restore(settings, Path(args.archive)):
        print(f"{entry.service}: restored ({entry.engine}, schema {entry.revision}), then migrated")
    return 0


def cmd_init(args) -> int:
    from rebound.init_env import main
    return main(args)


def _frontend_answers(settings) -> bool:
    import socket
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", settings.ports["frontend"])) == 0


def build_parser() -> argparse.ArgumentParser:
    from rebound.processes import ALL, PROCESSES
    parser = argparse.ArgumentParser(prog="rebound", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="run one process of the Procfile, or all of them in one ('all')")
    run.add_argument("process", choices=[ALL, *sorted(PROCESSES)])
    run.set_defaults(func=cmd_run)

    migrate = sub.add_parser("migrate", help="bring every database to the newest schema")
    migrate.add_argument("services", nargs="*", help=f"some of: {', '.join(SERVICES)} (default: all)")
    migrate.set_defaults(func=cmd_migrate)

    users = sub.add_parser("users", help="manage accounts").add_subparsers(dest="action", required=True)
    create = users.add_parser("create", help="create an account; the password is read from stdin")
    create.add_argument("email")
    create.add_argument("--name", default=None)
    create.add_argument("--timezone", default="UTC")
    create.set_defaults(func=cmd_users_create)
    set_password = users.add_parser("set-password", help="set an account's password, read from stdin; "
                                                         "ends every session of that account")
    set_password.add_argument("email")
    set_password.set_defaults(func=cmd_users_set_password)
    invite = users.add_parser("invite", help="invite someone to sign up (REBOUND_SIGNUP=invite) and mail them "
                                             "the link")
    invite.add_argument("email")
    invite.set_defaults(func=cmd_users_invite)

    tokens = sub.add_parser("tokens", help="manage API tokens").add_subparsers(dest="action", required=True)
    token = tokens.add_parser("create", help="create a personal API token and print it")
    token.add_argument("email")
    token.add_argument("--name", default="cli")
    token.set_defaults(func=cmd_tokens_create)

    dlq = sub.add_parser("dlq", help="inspect and replay dead letters")
    dlq.add_argument("action", choices=["list", "show", "replay", "purge"])
    dlq.add_argument("service")
    dlq.add_argument("event_id", nargs="?")
    dlq.set_defaults(func=cmd_dlq)

    from services.mailbox.cli import add_parser as add_mail_parser
    add_mail_parser(sub)
    backup = sub.add_parser("backup", help="write an archive of every service's database into DIR")
    backup.add_argument("dir")
    backup.set_defaults(func=cmd_backup)
    restore = sub.add_parser("restore", help="put every service's database back to an archive's point")
    restore.add_argument("archive")
    restore.add_argument("--force", action="store_true", help="restore even though the frontend port answers")
    restore.set_defaults(func=cmd_restore)

    init = sub.add_parser("init", help="write a .env for docker compose with fresh random secrets")
    init.add_argument("--path", default=".env")
    init.add_argument("--base-url", help="the address people open (default http://localhost:8000)")
    init.add_argument("--smtp-url", help="smtp://user:pass@host:587/?starttls=1, or '' to keep mail as files")
    init.add_argument("--mail-from", help="sender of Rebound's mail")
    init.add_argument("--yes", action="store_true", help="ask nothing: defaults for what no flag gives")
    init.add_argument("--force", action="store_true", help="replace an existing file")
    init.set_defaults(func=cmd_init)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "dlq" and args.action == "show" and not args.event_id:
        print("rebound dlq show SERVICE EVENT_ID: which event?", file=sys.stderr)
        return 2
    try:
        return args.func(args)
    except (ConfigError, ValueError) as exc:
        print(f"rebound: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
