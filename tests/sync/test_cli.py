"""`nwrc-desktop enroll` and `nwrc-desktop sync` as a scheduler runs them, against a registry process."""

from __future__ import annotations

import sys
import uuid

from sqlalchemy import update

from nwrc_registry.models import SiteToken
from tests.support.site_cli import SITE_CODE, SITE_NAME, SiteCli


def test_enroll_and_sync_commands(registry, tmp_path):
    cli = SiteCli([sys.executable, "-m", "nwrc_desktop.cli"], tmp_path / "site")
    cli.init_site()
    for last in ("Okafor", "Nguyen"):
        cli.run("learners", "add", "--first", "Rosa", "--last", last, "--dob", "1958-05-19")

    not_enrolled = cli.run("sync", expect_success=False)
    assert "not enrolled" in not_enrolled.stderr

    code = registry.add_site(SITE_CODE, SITE_NAME)
    enrolled = cli.run("enroll", "--registry", registry.url, "--site", SITE_CODE, "--code", code)
    assert f"Enrolled site {SITE_CODE}" in enrolled.stdout

    synced = cli.run("sync")
    assert "2 accepted" in synced.stdout
    assert "0 pending, 0 rejected" in synced.stdout
    assert registry.stats()["sites"][SITE_CODE]["learners"] == 2

    again = cli.run("sync")
    assert "sent 0 changes" in again.stdout


def test_sync_command_fails_on_expired_token(registry, tmp_path):
    cli = SiteCli([sys.executable, "-m", "nwrc_desktop.cli"], tmp_path / "site")
    cli.init_site()
    code = registry.add_site(SITE_CODE, SITE_NAME)
    cli.run("enroll", "--registry", registry.url, "--site", SITE_CODE, "--code", code)
    cli.run("learners", "add", "--first", "Rosa", "--last", "Okafor", "--dob", "1958-05-19")
    with registry.database.session() as session:
        session.execute(update(SiteToken).values(revoked_at=SiteToken.created_at))

    refused = cli.run("sync", expect_success=False)
    assert refused.returncode == 1
    assert "enrol the site again" in refused.stdout
    assert "1 pending" in refused.stdout


def test_rejected_listing_and_dismiss(registry, tmp_path):
    cli = SiteCli([sys.executable, "-m", "nwrc_desktop.cli"], tmp_path / "site")
    cli.init_site()
    cli.run(
        "enroll", "--registry", registry.url, "--site", SITE_CODE, "--code", registry.add_site(SITE_CODE, SITE_NAME)
    )
    unknown = str(uuid.uuid4())
    missing = cli.run("sync", "--dismiss", unknown, "--reason", "test", expect_success=False)
    assert "no queued change" in missing.stderr

    listing = cli.run("sync", "--rejected")
    assert "0 rejected changes" in listing.stdout
