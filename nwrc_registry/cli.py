"""The `nwrc-registry` command: serve the API, migrate, manage sites, revoke certificates, show statistics."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys

from nwrc_registry import admin
from nwrc_registry.database import Database, migrate

log = logging.getLogger(__name__)

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8470
DATABASE_URL_VARIABLE = "NWRC_REGISTRY_DATABASE_URL"
SHUTDOWN_TIMEOUT_SECONDS = 5


def _database_url(args: argparse.Namespace) -> str:
    url = args.database_url or os.environ.get(DATABASE_URL_VARIABLE)
    if not url:
        raise SystemExit(
            f"error: no database given; pass --database-url or set {DATABASE_URL_VARIABLE} "
            "(for example postgresql+psycopg://user@host/registry, or sqlite:///registry.sqlite3 for a demo)"
        )
    return url


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from nwrc_registry.app import create_app

    app = create_app(_database_url(args), migrate_on_start=not args.no_migrate)
    log.info("registry listening on %s:%s", args.host, args.port)
    if bool(args.ssl_certfile) != bool(args.ssl_keyfile):
        raise SystemExit("error: give both --ssl-certfile and --ssl-keyfile, or neither")
    uvicorn.run(
        app,
        host=args.host,
        port=args.port,
        log_level=args.log_level,
        ssl_certfile=args.ssl_certfile,
        ssl_keyfile=args.ssl_keyfile,
        # Without a bound, one client that never finishes its TLS handshake keeps shutdown waiting.
        timeout_graceful_shutdown=SHUTDOWN_TIMEOUT_SECONDS,
    )
    return 0


def _migrate(args: argparse.Namespace) -> int:
    database = Database(_database_url(args))
    try:
        before, after = migrate(database.engine)
    finally:
        database.dispose()
    if before == after:
        print(f"registry schema already at {after}")
    else:
        print(f"registry schema migrated from {before or 'empty'} to {after}")
    return 0


def _with_session(args: argparse.Namespace, work):  # noqa: ANN001, ANN202
    database = Database(_database_url(args))
    try:
        migrate(database.engine)
        with database.session() as session:
            return work(session)
    finally:
        database.dispose()


def _site_add(args: argparse.Namespace) -> int:
    site = _with_session(args, lambda session: admin.add_site(session, args.code, args.name))
    print(f"site {site.code} ({site.name}) added with id {site.site_id}")
    print(f"one-time enrolment code: {site.enrolment_code}")
    print("Give the code to the site's administrator; it is shown only now.")
    return 0


def _site_code(args: argparse.Namespace) -> int:
    code = _with_session(args, lambda session: admin.new_enrolment_code(session, args.code))
    print(f"one-time enrolment code for site {args.code.upper()}: {code}")
    return 0


def _site_revoke_tokens(args: argparse.Namespace) -> int:
    count = _with_session(args, lambda session: admin.revoke_site_tokens(session, args.code))
    print(f"revoked {count} token(s) of site {args.code.upper()}; the site must enrol again")
    return 0


def _site_settings(args: argparse.Namespace) -> int:
    changes: dict[str, object] = {}
    for item in args.set or []:
        key, separator, text = item.partition("=")
        if not separator or not key:
            raise admin.AdminError(f"invalid --set {item!r}: use KEY=VALUE, with VALUE as JSON or plain text")
        try:
            changes[key] = json.loads(text)
        except ValueError:
            changes[key] = text
    for key in args.unset or []:
        changes[key] = None
    settings = _with_session(args, lambda session: admin.set_site_settings(session, args.code, changes))
    print(json.dumps(settings, indent=2, sort_keys=True))
    return 0


def _revoke(args: argparse.Namespace) -> int:
    def work(session):  # noqa: ANN001, ANN202
        revocation = admin.revoke_certificate(session, args.number, args.reason, args.site)
        return revocation.id

    cursor = _with_session(args, work)
    print(f"certificate {args.number} revoked (revocation {cursor}); the site learns of it on its next sync")
    return 0


def _stats(args: argparse.Namespace) -> int:
    result = _with_session(args, admin.stats)
    if args.json:
        print(json.dumps(result, indent=2, sort_keys=True))
        return 0
    print(f"registry time {result['registry_time']}")
    for code, entry in result["sites"].items():
        counts = ", ".join(f"{name} {entry[name]}" for name in admin.RECORD_TABLES)
        print(f"{code} {entry['name']}: {counts}, revocations {entry['revocations']}")
    return 0


def _add_command(group, name: str, help_text: str, handler) -> argparse.ArgumentParser:  # noqa: ANN001
    sub = group.add_parser(name, help=help_text, description=help_text)
    sub.add_argument(
        "--database-url",
        help=f"SQLAlchemy URL of the registry database (default: ${DATABASE_URL_VARIABLE})",
    )
    sub.set_defaults(handler=handler)
    return sub


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="nwrc-registry", description=__doc__)
    parser.add_argument("--verbose", action="store_true", help="log debug messages")
    commands = parser.add_subparsers(dest="command", required=True)

    serve = _add_command(commands, "serve", "serve the registry API (migrates the database first)", _serve)
    serve.add_argument("--host", default=DEFAULT_HOST, help=f"address to listen on (default {DEFAULT_HOST})")
    serve.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"TCP port (default {DEFAULT_PORT})")
    serve.add_argument("--no-migrate", action="store_true", help="do not migrate the database on start")
    serve.add_argument("--log-level", default="info", help="uvicorn log level (default info)")
    serve.add_argument("--ssl-certfile", help="PEM certificate chain, to serve HTTPS (needs --ssl-keyfile)")
    serve.add_argument("--ssl-keyfile", help="PEM private key of the certificate")

    _add_command(commands, "migrate", "create or upgrade the registry database schema", _migrate)

    site = commands.add_parser("site", help="add and manage sites")
    site_commands = site.add_subparsers(dest="site_command", required=True)
    add = _add_command(site_commands, "add", "add a site and print its one-time enrolment code", _site_add)
    add.add_argument("code", help="site code, 2-12 letters or digits")
    add.add_argument("--name", required=True, help="the site's name as printed on certificates")
    code = _add_command(site_commands, "code", "print a new one-time enrolment code for a site", _site_code)
    code.add_argument("code", help="site code")
    tokens = _add_command(
        site_commands,
        "revoke-tokens",
        "revoke every token of a site (it must enrol again)",
        _site_revoke_tokens,
    )
    tokens.add_argument("code", help="site code")
    settings = _add_command(
        site_commands, "settings", "show or change the settings sent to a site on each sync", _site_settings
    )
    settings.add_argument("code", help="site code")
    settings.add_argument("--set", action="append", metavar="KEY=VALUE", help="set a setting (VALUE as JSON)")
    settings.add_argument("--unset", action="append", metavar="KEY", help="remove a setting")

    certificates = commands.add_parser("certificates", help="revoke certificates")
    certificate_commands = certificates.add_subparsers(dest="certificates_command", required=True)
    revoke = _add_command(
        certificate_commands,
        "revoke",
        "revoke a certificate; its site learns of it on the next sync",
        _revoke,
    )
    revoke.add_argument("number", help="certificate number")
    revoke.add_argument("--reason", required=True, help="why it is revoked (shown on the verification page)")
    revoke.add_argument("--site", help="issuing site code, needed when the certificate was not synced yet")

    stats = _add_command(commands, "stats", "show what the registry stores, per site and kind of record", _stats)
    stats.add_argument("--json", action="store_true", help="print JSON instead of text")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    try:
        return args.handler(args)
    except admin.AdminError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
