"""The `nwrc-desktop` command: the GUI by default, and headless commands for scripts and schedulers.

No command prompts unless it runs in a terminal: the acting account comes from --user (or NWRC_USER)
and its password from NWRC_PASSWORD or --password-file.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import getpass
import json
import logging
import os
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

from nwrc_desktop import __version__

log = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2


class CommandError(Exception):
    """A command failed in a way the user can fix; the message explains how."""


def _data_dir(args: argparse.Namespace) -> Path:
    from nwrc_desktop.store.database import default_data_dir

    return Path(args.data_dir) if args.data_dir else default_data_dir()


@contextlib.contextmanager
def open_database(args: argparse.Namespace) -> Iterator:
    from nwrc_desktop.logs import configure_logging
    from nwrc_desktop.store.database import Database

    data_dir = _data_dir(args)
    try:
        configure_logging(data_dir)
    except OSError as error:
        raise CommandError(f"The data folder {data_dir} cannot be written ({error.strerror}); check that the disk "
                           "is not full or read-only and that this account may write there.") from None
    database = Database(data_dir)
    try:
        opened = database.opened
        if opened and opened.migrated_from and opened.migrated_from != opened.migrated_to:
            print(f"Upgraded the store from schema {database.opened.migrated_from} to "
                  f"{database.opened.migrated_to}; the previous copy is {database.opened.backup_path}",
                  file=sys.stderr)
        yield database
    finally:
        database.close()


def _password(args: argparse.Namespace, purpose: str) -> str:
    if getattr(args, "password_file", None):
        return Path(args.password_file).read_text(encoding="utf-8").rstrip("\r\n")
    if os.environ.get("NWRC_PASSWORD"):
        return os.environ["NWRC_PASSWORD"]
    if sys.stdin.isatty():
        return getpass.getpass(f"Password for {purpose}: ")
    raise CommandError(f"No password for {purpose}: set NWRC_PASSWORD or pass --password-file FILE.")


def _actor(args: argparse.Namespace, database):
    from nwrc_desktop.store.accounts import authenticate, get_site

    get_site(database)  # raises SiteNotSetUp with what to do

    username = args.user or os.environ.get("NWRC_USER")
    if not username:
        raise CommandError("No account given: pass --user NAME (or set NWRC_USER) to say who acts.")
    actor = authenticate(database, username, _password(args, f"account '{username}'"))
    if actor is None:
        raise CommandError(f"Sign-in failed for '{username}': wrong password, or no such active account.")
    return actor


def _date(text: str) -> dt.date:
    from nwrc_desktop.domain.dates import DateOrder, parse_date

    try:
        return parse_date(text, DateOrder.MDY)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"{error} (use MM/DD/YYYY or YYYY-MM-DD)") from None


def _print_json(data) -> None:
    print(json.dumps(data, indent=2, default=str, ensure_ascii=False))


# --- site and accounts -------------------------------------------------------------------------


def cmd_site_init(args: argparse.Namespace) -> int:
    from nwrc_desktop.store.accounts import init_site

    password = _password(args, f"the new admin account '{args.admin}'")
    with open_database(args) as database:
        site = init_site(database, args.code, args.name, args.admin, password, args.admin_name)
        if args.registry_url:
            from nwrc_desktop.store.site_settings import set_registry_url

            set_registry_url(database, args.registry_url)
        print(f"Set up site {site.code} ({site.name}) in {database.data_dir} with admin account '{args.admin}'.")
    return EXIT_OK


def cmd_site_show(args: argparse.Namespace) -> int:
    from nwrc_desktop.store.accounts import get_site

    with open_database(args) as database:
        site = get_site(database)
        info = {"code": site.code, "name": site.name, "id": site.id, "registry_url": site.registry_url,
                "data_dir": str(database.data_dir), "last_sync_at": site.last_sync_at}
        _print_json(info)
    return EXIT_OK


def cmd_accounts_add(args: argparse.Namespace) -> int:
    from nwrc_desktop.store.accounts import create_account

    new_password = Path(args.new_password_file).read_text(encoding="utf-8").rstrip("\r\n") \
        if args.new_password_file else os.environ.get("NWRC_NEW_PASSWORD")
    if not new_password:
        raise CommandError("No password for the new account: pass --new-password-file FILE or set NWRC_NEW_PASSWORD.")
    with open_database(args) as database:
        actor = _actor(args, database)
        account = create_account(database, actor, args.username, args.role, new_password, args.display_name)
        print(f"Added the {account.role} account '{account.username}'.")
    return EXIT_OK


def cmd_accounts_list(args: argparse.Namespace) -> int:
    from nwrc_desktop.store.accounts import list_accounts

    with open_database(args) as database:
        _actor(args, database)
        for account in list_accounts(database):
            state = "" if account.active else "  (disabled)"
            print(f"{account.username:<20} {account.role:<8} {account.display_name}{state}")
    return EXIT_OK


def cmd_accounts_disable(args: argparse.Namespace) -> int:
    from nwrc_desktop.store.accounts import set_account_active

    with open_database(args) as database:
        set_account_active(database, _actor(args, database), args.username, False)
        print(f"Disabled the account '{args.username}'.")
    return EXIT_OK


# --- learners ------------------------------------------------------------------------------------


def _learner_line(learner) -> str:
    external = learner.external_id or "-"
    return (f"{learner.learner_number:<14} {external:<14} {learner.date_of_birth:%m/%d/%Y}  {learner.full_name}"
            + (f"  [certificate: {learner.preferred_name}]" if learner.preferred_name else ""))


def cmd_learners_add(args: argparse.Namespace) -> int:
    from nwrc_desktop.domain.learners import validate_learner
    from nwrc_desktop.store.learners import register_learner

    raw = {"external_id": args.external_id, "first_name": args.first, "middle_name": args.middle,
           "last_name": args.last, "preferred_name": args.certificate_name, "date_of_birth": args.dob,
           "email": args.email, "phone": args.phone}
    learner, problems = validate_learner(raw, today=dt.date.today(), one_part_name=args.one_part_name)
    for problem in problems:
        print(problem, file=sys.stderr)
    if learner is None:
        return EXIT_FAILED
    with open_database(args) as database:
        stored = register_learner(database, _actor(args, database), learner, allow_duplicate=args.allow_duplicate)
        print(f"Registered {stored.learner_number}: {stored.full_name}")
    return EXIT_OK


def _mapping(pairs: Sequence[str] | None) -> dict[str, str] | None:
    if not pairs:
        return None
    mapping = {}
    for pair in pairs:
        field, separator, header = pair.partition("=")
        if not separator or not field.strip():
            raise CommandError(f"--map {pair!r} is invalid; write FIELD=Column Header, e.g. last_name=Surname")
        mapping[field.strip()] = header.strip() or None
    return mapping


def _print_report(report, rejects_out: Path | None) -> int:
    from nwrc_desktop.store.importing import Outcome, write_rejected_rows

    table = report.table
    print(f"Read {report.source_name}: encoding {table.encoding}, delimiter {table.delimiter!r}, "
          f"date order {table.date_order} ({table.date_order_source}: {table.date_order_reason})")
    print("Columns: " + ", ".join(f"{field} <- {header!r}" for field, header in table.mapping.items())
          + (f"; not used: {', '.join(table.unmapped_headers)}" if table.unmapped_headers else ""))
    if str(table.date_order_source) == "default" and report.rows:
        print("  note: every date in the file reads both ways; if the file writes the day first, "
              "import it again with --date-order DMY (nothing is changed by a --dry-run)")
    for problem in report.problems:
        if problem.row_number is None:
            print(f"  {problem}")
    for row in report.rows:
        if row.outcome is not Outcome.IMPORTED:
            print(f"  row {row.row_number}: {row.outcome}: {row.message}")
        elif row.message:
            print(f"  row {row.row_number}: imported with a warning: {row.message}")
    print(report.summary())
    if rejects_out is not None:
        count = write_rejected_rows(report, rejects_out)
        print(f"Wrote {count} rows that were not imported to {rejects_out}")
    return EXIT_OK


def cmd_learners_import(args: argparse.Namespace) -> int:
    from nwrc_desktop.domain.roster import read_roster
    from nwrc_desktop.store.importing import import_learners

    result = read_roster(args.file, today=dt.date.today(), drop_invalid_email=args.drop_invalid_email,
                         encoding=args.encoding, delimiter=args.delimiter, date_order=args.date_order,
                         mapping=_mapping(args.map))
    with open_database(args) as database:
        report = import_learners(database, _actor(args, database), result, source_name=Path(args.file).name,
                                 dry_run=args.dry_run)
        return _print_report(report, Path(args.rejects_out) if args.rejects_out else None)


def cmd_learners_find(args: argparse.Namespace) -> int:
    from nwrc_desktop.store.learners import find_learners

    with open_database(args) as database:
        _actor(args, database)
        found = find_learners(database, " ".join(args.query), limit=args.limit)
    if args.json:
        _print_json([{**learner.__dict__, "full_name": learner.full_name} for learner in found])
    else:
        for learner in found:
            print(_learner_line(learner))
        print(f"{len(found)} learners found" + (" (limit reached)" if len(found) == args.limit else ""))
    return EXIT_OK


def _learner_by_reference(database, reference: str):
    from nwrc_desktop.store.learners import LearnerSummary, find_learner_by_reference

    with database.session() as session:
        learner = find_learner_by_reference(session, reference)
        if learner is None:
            raise CommandError(f"No learner with learner number or learner ID {reference!r}; "
                               "find one with 'nwrc-desktop learners find NAME'.")
        return LearnerSummary.of(learner)


def cmd_learners_show(args: argparse.Namespace) -> int:
    from nwrc_desktop.store.credentials import list_credentials
    from nwrc_desktop.store.scores import learner_scores

    with open_database(args) as database:
        _actor(args, database)
        learner = _learner_by_reference(database, args.learner)
        print(_learner_line(learner))
        print("Scores:")
        for score in learner_scores(database, learner.id):
            state = "" if score.in_force else "  (not in force)"
            reason = f"  reason: {score.reason}" if score.reason else ""
            print(f"  {score.id}  {score.tested_on:%m/%d/%Y}  {score.assessment:<22} {score.result_text:<9} "
                  f"scale {score.scale_score if score.scale_score is not None else '-'}{state}{reason}")
        print("Credentials:")
        for credential in list_credentials(database, learner_id=learner.id, include_inactive=True):
            print(f"  {credential.certificate_number}  {credential.title:<26} {credential.status}"
                  f"  printed {credential.print_count}x")
    return EXIT_OK


# --- scores --------------------------------------------------------------------------------------


def _result(assessment, text: str) -> tuple[int | None, bool | None]:
    from nwrc_desktop.domain.scorefile import parse_result

    try:
        return parse_result(assessment, text)
    except ValueError as error:
        raise CommandError(f"--result: {error}") from None


def cmd_scores_add(args: argparse.Namespace) -> int:
    from nwrc_desktop.domain.assessments import parse_assessment
    from nwrc_desktop.store.scores import ScoreEntry, record_score

    try:
        assessment = parse_assessment(args.assessment)
    except ValueError as error:
        raise CommandError(f"--assessment: {error}") from None
    level, passed = _result(assessment, args.result)
    with open_database(args) as database:
        actor = _actor(args, database)
        learner = _learner_by_reference(database, args.learner)
        entry = ScoreEntry(learner.id, assessment, args.tested_on, level, passed, args.scale_score, args.form,
                           None, args.proctor or actor.username)
        score, changes = record_score(database, actor, entry)
        print(f"Recorded {score.assessment} {score.result_text} for {learner.learner_number} (score {score.id}).")
        for change in changes:
            print(f"  {change}")
    return EXIT_OK


def cmd_scores_import(args: argparse.Namespace) -> int:
    from nwrc_desktop.domain.scorefile import read_score_file
    from nwrc_desktop.store.importing import import_scores

    result = read_score_file(args.file, today=dt.date.today(), encoding=args.encoding, delimiter=args.delimiter,
                             date_order=args.date_order, mapping=_mapping(args.map))
    with open_database(args) as database:
        report = import_scores(database, _actor(args, database), result, source_name=Path(args.file).name,
                               dry_run=args.dry_run)
        code = _print_report(report, Path(args.rejects_out) if args.rejects_out else None)
        for change in report.credential_changes:
            print(f"  {change}")
        return code


def cmd_scores_void(args: argparse.Namespace) -> int:
    from nwrc_desktop.store.scores import void_score

    with open_database(args) as database:
        changes = void_score(database, _actor(args, database), args.score_id, args.reason)
        print(f"Voided score {args.score_id}.")
        for change in changes:
            print(f"  {change}")
    return EXIT_OK


def cmd_scores_correct(args: argparse.Namespace) -> int:
    from nwrc_desktop.store.models import Score
    from nwrc_desktop.store.scores import ScoreEntry, correct_score

    with open_database(args) as database:
        actor = _actor(args, database)
        with database.session() as session:
            old = session.get(Score, args.score_id)
            if old is None:
                raise CommandError(f"No score with id {args.score_id}; list them with 'nwrc-desktop learners show'.")
            learner_id, assessment_name, tested_on = old.learner_id, old.assessment, old.tested_on
            scale, form = old.scale_score, old.form
        from nwrc_desktop.domain.assessments import Assessment

        assessment = Assessment(assessment_name)
        level, passed = _result(assessment, args.result)
        entry = ScoreEntry(learner_id, assessment, args.tested_on or tested_on, level, passed,
                           args.scale_score if args.scale_score is not None else scale, args.form or form,
                           None, actor.username)
        score, changes = correct_score(database, actor, args.score_id, entry, args.reason)
        print(f"Corrected score {args.score_id}: now {score.result_text} (score {score.id}).")
        for change in changes:
            print(f"  {change}")
    return EXIT_OK


# --- credentials and certificates ----------------------------------------------------------------


def cmd_credentials_list(args: argparse.Namespace) -> int:
    from nwrc_desktop.store.credentials import list_credentials

    with open_database(args) as database:
        _actor(args, database)
        learner_id = _learner_by_reference(database, args.learner).id if args.learner else None
        credentials = list_credentials(database, learner_id=learner_id, include_inactive=args.all,
                                       unprinted_only=args.unprinted)
    if args.json:
        _print_json([{**item.__dict__, "title": item.title} for item in credentials])
        return EXIT_OK
    for item in credentials:
        status = "" if item.status == "active" else f"  [{item.status}: {item.status_reason}]"
        printed = f"printed {item.print_count}x" if item.print_count else "not printed"
        print(f"{item.certificate_number:<24} {item.learner_number:<14} {item.learner_name:<32} "
              f"{item.title:<26} {item.issued_on:%m/%d/%Y}  {printed}{status}")
    print(f"{len(credentials)} credentials")
    return EXIT_OK


def cmd_certificates_print(args: argparse.Namespace) -> int:
    from nwrc_desktop.store.credentials import get_credential, list_credentials
    from nwrc_desktop.store.printing import NotPrintable, print_to_pdf

    out = Path(args.out)
    if out.is_dir():
        raise CommandError(f"--out {out} is a folder; give a file name such as {out / 'certificates.pdf'}")
    if not out.parent.is_dir():
        raise CommandError(f"--out: the folder {out.parent} does not exist; create it or choose another")
    with open_database(args) as database:
        actor = _actor(args, database)
        if args.numbers:
            ids = [get_credential(database, number).id for number in args.numbers]
        elif args.learner:
            learner = _learner_by_reference(database, args.learner)
            ids = [item.id for item in list_credentials(database, learner_id=learner.id)]
            if not ids:
                raise CommandError(f"{learner.learner_number} has no credential in good standing to print.")
        elif args.unprinted:
            ids = [item.id for item in list_credentials(database, unprinted_only=True)]
            if not ids:
                print("Every earned certificate is printed already; nothing to do.")
                return EXIT_OK
        else:
            raise CommandError("Say what to print: certificate numbers, --learner REF or --unprinted.")
        try:
            summaries = print_to_pdf(database, actor, ids, Path(args.out), reprint_reason=args.reason)
        except NotPrintable as error:
            hint = " Pass --reason TEXT to reprint." if "give a reason" in str(error) else ""
            raise CommandError(f"{error}.{hint}") from None
        print(f"Wrote {len(summaries)} certificates to {args.out}")
    return EXIT_OK


def cmd_certificates_verify(args: argparse.Namespace) -> int:
    from nwrc_desktop.store.verification import verify_offline

    with open_database(args) as database:
        _actor(args, database)
        result = verify_offline(database, number=args.number, code=args.code, url=args.url)
    print(result.message)
    return EXIT_OK if result.valid else EXIT_FAILED


def cmd_certificates_revoke(args: argparse.Namespace) -> int:
    from nwrc_desktop.store.credentials import revoke_credential

    with open_database(args) as database:
        summary = revoke_credential(database, _actor(args, database), args.number, args.reason)
        print(f"Revoked {summary.certificate_number} ({summary.learner_name}, {summary.title}).")
    return EXIT_OK


# --- backup, restore, check ---------------------------------------------------------------------


def cmd_backup(args: argparse.Namespace) -> int:
    from nwrc_desktop.store.backups import make_backup
    from nwrc_desktop.store.permissions import Permission, require

    with open_database(args) as database:
        require(_actor(args, database), Permission.BACKUP_RESTORE)
        folder = Path(args.to) if args.to else database.backup_dir
        path = make_backup(database.path, folder, label="manual")
        print(f"Backed up the store to {path}")
    return EXIT_OK


def cmd_restore(args: argparse.Namespace) -> int:
    from nwrc_desktop.store.backups import restore, restore_conflicts, verify_backup_file
    from nwrc_desktop.store.database import DATABASE_NAME, Database
    from nwrc_desktop.store.lock import InstanceLock

    data_dir = _data_dir(args)
    backup_file = Path(args.file)
    verify_backup_file(backup_file)
    _require_admin_unless_damaged(args, data_dir)
    conflicts = restore_conflicts(backup_file, data_dir / DATABASE_NAME)
    if conflicts and not args.force:
        raise CommandError("Nothing was restored: " + "; ".join(conflicts) + ". Pass --force to restore anyway.")
    data_dir.mkdir(parents=True, exist_ok=True)
    with InstanceLock(data_dir / "nwrc.lock"):
        safety = restore(backup_file, data_dir / DATABASE_NAME, data_dir / "backups")
    # Open once, so an older backup is migrated now and the result is checked.
    database = Database(data_dir)
    database.close()
    if database.opened and database.opened.migrated_from:
        print(f"Upgraded the restored store from schema {database.opened.migrated_from} to "
              f"{database.opened.migrated_to}.")
    print(f"Restored the store from {backup_file}"
          + (f"; the replaced database was saved as {safety}" if safety else ""))
    return EXIT_OK


def _require_admin_unless_damaged(args: argparse.Namespace, data_dir: Path) -> None:
    """Require an admin sign-in to replace a store that opens; a damaged or missing store cannot check one."""
    from nwrc_desktop.store.accounts import is_set_up
    from nwrc_desktop.store.database import DATABASE_NAME, Database, StoreError
    from nwrc_desktop.store.permissions import Permission, require

    if not (data_dir / DATABASE_NAME).exists():
        return
    try:
        database = Database(data_dir, migrate_on_open=False)
    except StoreError as error:
        print(f"warning: restoring over a store that cannot be opened ({error})", file=sys.stderr)
        return
    try:
        if is_set_up(database):
            require(_actor(args, database), Permission.BACKUP_RESTORE)
    finally:
        database.close()


def cmd_check(args: argparse.Namespace) -> int:
    from nwrc_desktop.store.health import check_store

    with open_database(args) as database:
        report = check_store(database)
    for line in report.ok_lines:
        print(f"ok       {line}")
    for line in report.problems:
        print(f"PROBLEM  {line}")
    print("healthy" if report.healthy else f"{len(report.problems)} problems found")
    return EXIT_OK if report.healthy else EXIT_FAILED


# --- sync ----------------------------------------------------------------------------------------


def cmd_enroll(args: argparse.Namespace) -> int:
    from nwrc_desktop.sync.commands import EnrolmentError, enroll

    with open_database(args) as database:
        actor = _actor(args, database)
        try:
            result = enroll(database, args.registry, args.site, args.code, ca_bundle=args.ca_bundle, actor=actor)
        except EnrolmentError as error:
            raise CommandError(str(error)) from None
    print(f"Enrolled site {result.site_code} ({result.site_name}) with {result.registry_url}; "
          f"the token expires on {result.token_expires_at:%Y-%m-%d}.")
    for warning in result.warnings:
        print(f"warning: {warning}")
    return EXIT_OK


def cmd_sync(args: argparse.Namespace) -> int:
    from nwrc_desktop.sync.commands import NotEnrolled, SyncAlreadyRunning, run_sync
    from nwrc_desktop.sync.outbox import OutboxError, dismiss_rejected, list_rejected, retry_rejected

    with open_database(args) as database:
        try:
            if args.retry:
                entry = retry_rejected(database, _actor(args, database), args.retry, args.reason)
                print(f"Change {entry.change_id} ({entry.kind}) is queued again; it is sent at the next sync.")
                return EXIT_OK
            if args.dismiss:
                if not args.reason:
                    raise CommandError("--dismiss needs --reason TEXT: say why the change need not reach the registry.")
                entry = dismiss_rejected(database, _actor(args, database), args.dismiss, args.reason)
                print(f"Change {entry.change_id} ({entry.kind}) is dismissed; it will not be sent.")
                return EXIT_OK
            if args.rejected:
                entries = list_rejected(database)
                for entry in entries:
                    print(f"{entry.change_id}  {entry.kind} {entry.entity_id}  {entry.answered_at:%Y-%m-%d %H:%M}  "
                          f"{entry.reason}")
                print(f"{len(entries)} rejected changes wait for action (--retry CHANGE_ID or --dismiss CHANGE_ID).")
                return EXIT_OK if not entries else EXIT_FAILED
            report = run_sync(database, ca_bundle=args.ca_bundle, max_batches=args.max_batches)
        except (NotEnrolled, SyncAlreadyRunning, OutboxError) as error:
            raise CommandError(str(error)) from None
    for line in report.summary_lines():
        print(line)
    return report.exit_code


# --- parser --------------------------------------------------------------------------------------


def _add_file_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", help="CSV file (UTF-8 or Windows-1252; comma, semicolon or tab separated)")
    parser.add_argument("--dry-run", action="store_true", help="check and report every row, save nothing")
    parser.add_argument("--encoding", help="read the file in this encoding instead of detecting it (e.g. cp1252)")
    parser.add_argument("--delimiter", help="the column separator instead of detecting it: ',', ';' or 'tab'")
    parser.add_argument("--date-order", choices=["MDY", "DMY", "YMD"],
                        help="the order of day, month and year in the file's dates; detected when the file "
                             "shows it, otherwise month/day/year")
    parser.add_argument("--map", action="append", metavar="FIELD=HEADER",
                        help="read FIELD from the column HEADER (repeatable), e.g. --map last_name=Surname")
    parser.add_argument("--rejects-out", metavar="FILE", help="write the rows that were not imported to this CSV")


class _VersionAction(argparse.Action):
    """Print the program's version and the newest store schema revision it knows, then exit.

    The revision is read only when --version is given, because it loads Alembic.
    """

    def __init__(self, option_strings: Sequence[str], dest: str = argparse.SUPPRESS,
                 default: str = argparse.SUPPRESS, help: str | None = None) -> None:  # noqa: A002 - argparse's name
        super().__init__(option_strings, dest=dest, default=default, nargs=0, help=help)

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: object,
                 option_string: str | None = None) -> None:
        from nwrc_desktop.store.migrate import head_revision

        print(f"{parser.prog} {__version__} (store schema {head_revision()})")
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="nwrc-desktop", description=(
        "NWRC Desktop: register learners, record scores, print credential certificates and sync with the "
        "central registry. Without a command it starts the GUI."))
    parser.add_argument("--version", action=_VersionAction,
                        help="show the program's version and the store schema revision it uses, then exit")
    parser.add_argument("--data-dir", help="the site's data folder (default: $NWRC_DATA_DIR, or the "
                                           "per-user application data folder)")
    parser.add_argument("--user", help="the account that acts (default: $NWRC_USER)")
    parser.add_argument("--password-file", help="read the account's password from this file "
                                                "(default: $NWRC_PASSWORD)")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    site = commands.add_parser("site", help="set up or show the site").add_subparsers(dest="action", required=True)
    init = site.add_parser("init", help="set up the site and its first admin account")
    init.add_argument("--code", required=True, help="site code given by headquarters, e.g. TX014")
    init.add_argument("--name", required=True, help="the testing center's name as certificates print it")
    init.add_argument("--admin", required=True, help="username of the first admin account")
    init.add_argument("--admin-name", help="display name of the first admin account")
    init.add_argument("--registry-url", help="address of the central registry, e.g. https://registry.example.org")
    init.set_defaults(handler=cmd_site_init)
    site.add_parser("show", help="show the site's details").set_defaults(handler=cmd_site_show)

    accounts = commands.add_parser("accounts", help="local accounts").add_subparsers(dest="action", required=True)
    add = accounts.add_parser("add", help="add an account (admin only)")
    add.add_argument("username")
    add.add_argument("--role", required=True, choices=["admin", "proctor", "staff"])
    add.add_argument("--display-name")
    add.add_argument("--new-password-file", help="file with the new account's password "
                                                 "(default: $NWRC_NEW_PASSWORD)")
    add.set_defaults(handler=cmd_accounts_add)
    accounts.add_parser("list", help="list accounts").set_defaults(handler=cmd_accounts_list)
    disable = accounts.add_parser("disable", help="disable an account (admin only)")
    disable.add_argument("username")
    disable.set_defaults(handler=cmd_accounts_disable)

    learners = commands.add_parser("learners", help="register, import and find learners").add_subparsers(
        dest="action", required=True)
    add = learners.add_parser("add", help="register one learner")
    add.add_argument("--first", default="", help="first (given) name")
    add.add_argument("--middle", default="", help="middle name")
    add.add_argument("--last", required=True, help="last (family) name; for a one-part name, the name")
    add.add_argument("--dob", required=True, help="date of birth, MM/DD/YYYY or YYYY-MM-DD")
    add.add_argument("--external-id", help="learner ID from another system")
    add.add_argument("--email")
    add.add_argument("--phone")
    add.add_argument("--certificate-name", help="name to print on certificates, if not first and last name")
    add.add_argument("--one-part-name", action="store_true", help="the learner has a single name (no first name)")
    add.add_argument("--allow-duplicate", action="store_true",
                     help="register even if a learner with the same name and date of birth exists")
    add.set_defaults(handler=cmd_learners_add)
    imp = learners.add_parser("import", help="import a roster file")
    _add_file_options(imp)
    imp.add_argument("--drop-invalid-email", action="store_true",
                     help="import rows with an invalid email address without the address")
    imp.set_defaults(handler=cmd_learners_import)
    find = learners.add_parser("find", help="find learners by name, learner number, learner ID or date of birth")
    find.add_argument("query", nargs="*", default=[])
    find.add_argument("--limit", type=int, default=50)
    find.add_argument("--json", action="store_true")
    find.set_defaults(handler=cmd_learners_find)
    show = learners.add_parser("show", help="show a learner's scores and credentials")
    show.add_argument("learner", help="learner number or learner ID")
    show.set_defaults(handler=cmd_learners_show)

    scores = commands.add_parser("scores", help="record, import, correct and void scores").add_subparsers(
        dest="action", required=True)
    add = scores.add_parser("add", help="record one score from an official score report")
    add.add_argument("--learner", required=True, help="learner number or learner ID")
    add.add_argument("--assessment", required=True, help="e.g. 'Work Ready Math' or 'Digital Skills'")
    add.add_argument("--result", required=True, help="level 1-5 for Work Ready assessments, else pass or 'not pass'")
    add.add_argument("--scale-score", type=int)
    add.add_argument("--form")
    add.add_argument("--tested-on", type=_date, required=True, help="test date, MM/DD/YYYY or YYYY-MM-DD")
    add.add_argument("--proctor", help="proctor's username (default: the acting account)")
    add.set_defaults(handler=cmd_scores_add)
    imp = scores.add_parser("import", help="import a proctored day's score file")
    _add_file_options(imp)
    imp.set_defaults(handler=cmd_scores_import)
    void = scores.add_parser("void", help="void a score, with a reason")
    void.add_argument("score_id")
    void.add_argument("--reason", required=True)
    void.set_defaults(handler=cmd_scores_void)
    correct = scores.add_parser("correct", help="correct a score's result, with a reason")
    correct.add_argument("score_id")
    correct.add_argument("--result", required=True)
    correct.add_argument("--scale-score", type=int)
    correct.add_argument("--form")
    correct.add_argument("--tested-on", type=_date)
    correct.add_argument("--reason", required=True)
    correct.set_defaults(handler=cmd_scores_correct)

    credentials = commands.add_parser("credentials", help="what learners have earned").add_subparsers(
        dest="action", required=True)
    listing = credentials.add_parser("list", help="list credentials in good standing")
    listing.add_argument("--learner", help="learner number or learner ID")
    listing.add_argument("--all", action="store_true", help="include superseded, invalidated and revoked ones")
    listing.add_argument("--unprinted", action="store_true", help="only certificates never printed")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=cmd_credentials_list)

    certificates = commands.add_parser("certificates", help="print, verify and revoke certificates").add_subparsers(
        dest="action", required=True)
    printing = certificates.add_parser("print", help="write certificates to a PDF and record the print")
    printing.add_argument("numbers", nargs="*", help="certificate numbers")
    printing.add_argument("--learner", help="all certificates in good standing of this learner")
    printing.add_argument("--unprinted", action="store_true", help="every certificate not yet printed (batch)")
    printing.add_argument("--out", required=True, help="the PDF file to write")
    printing.add_argument("--reason", help="why certificates printed before are printed again")
    printing.set_defaults(handler=cmd_certificates_print)
    verify = certificates.add_parser("verify", help="check a certificate's signature offline")
    verify.add_argument("number", nargs="?", help="certificate number")
    verify.add_argument("code", nargs="?", help="the verification code printed beside the QR code")
    verify.add_argument("--url", help="the address in the certificate's QR code")
    verify.set_defaults(handler=cmd_certificates_verify)
    revoke = certificates.add_parser("revoke", help="revoke a certificate (admin only)")
    revoke.add_argument("number")
    revoke.add_argument("--reason", required=True)
    revoke.set_defaults(handler=cmd_certificates_revoke)

    backup = commands.add_parser("backup", help="copy the store to the backups folder or another folder")
    backup.add_argument("--to", help="folder for the copy, e.g. a USB stick (default: the data folder's backups/)")
    backup.set_defaults(handler=cmd_backup)
    restore = commands.add_parser("restore", help="replace the store with a backup copy, after checking it")
    restore.add_argument("file")
    restore.add_argument("--force", action="store_true",
                         help="restore even a backup of another site, or one without changes not yet sent")
    restore.set_defaults(handler=cmd_restore)
    commands.add_parser("check", help="check the store: integrity, schema, audit log, resources").set_defaults(
        handler=cmd_check)

    enroll = commands.add_parser("enroll", help="enrol the site with the central registry")
    enroll.add_argument("--registry", required=True, help="the registry's address, e.g. https://registry.example.org")
    enroll.add_argument("--site", required=True, help="the site code headquarters registered")
    enroll.add_argument("--code", required=True, help="the one-time enrolment code from headquarters")
    enroll.add_argument("--ca-bundle", help="CA certificates file to trust for the registry's TLS certificate")
    enroll.set_defaults(handler=cmd_enroll)
    sync = commands.add_parser(
        "sync", help="send queued changes to the registry and fetch revocations; exit status 0 only when "
                     "everything queued was delivered")
    sync.add_argument("--ca-bundle", help="CA certificates file to trust for the registry's TLS certificate")
    sync.add_argument("--max-batches", type=int, metavar="N", help="send at most N batches in this run")
    sync.add_argument("--rejected", action="store_true",
                      help="list the changes the registry rejected, with its reasons, and send nothing")
    sync.add_argument("--retry", metavar="CHANGE_ID", help="queue a rejected change again (audited)")
    sync.add_argument("--dismiss", metavar="CHANGE_ID",
                      help="mark a rejected change as not to be sent (admin only, needs --reason; audited)")
    sync.add_argument("--reason", help="why a change is dismissed, or a note for --retry")
    sync.set_defaults(handler=cmd_sync)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        from nwrc_desktop.app import main as gui_main

        return gui_main(None if argv is None else list(argv))
    from nwrc_desktop.errors import user_message

    try:
        return args.handler(args)
    except CommandError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_FAILED
    except Exception as error:  # noqa: BLE001 - every failure becomes one readable line; details go to the log
        message = user_message(error)
        if message is None:
            log.exception("command %s failed", args.command)
            print(f"error: unexpected failure ({type(error).__name__}: {error}); details are in the log file "
                  f"in {_data_dir(args)}", file=sys.stderr)
        else:
            print(f"error: {message}", file=sys.stderr)
        return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
