"""The main job from the command line, on the sample files sites really receive."""

from __future__ import annotations

import json
import sqlite3

import pypdf
import pytest
from sqlalchemy import select

from nwrc_desktop.store.database import Database
from nwrc_desktop.store.models import AuditEntry


def test_roster_scores_credentials_pdf(site, rosters, tmp_path):
    code, out, err = site("learners", "import", str(rosters / "site-roster-clean.csv"))
    assert code == 0, err
    assert "imported 250 rows" in out

    code, out, err = site("scores", "import", str(rosters / "scores-2026-11-14.csv"))
    assert code == 0, err
    assert "imported 300 rows" in out

    code, out, err = site("credentials", "list", "--json")
    credentials = json.loads(out)
    assert credentials, "the first 60 learners' scores earn credentials"
    assert {item["learner_number"] for item in credentials} <= {f"TX014-{n:06d}" for n in range(1, 61)}

    pdf_path = tmp_path / "certificates.pdf"
    code, out, err = site("certificates", "print", "--unprinted", "--out", str(pdf_path))
    assert code == 0, err
    reader = pypdf.PdfReader(pdf_path)
    assert len(reader.pages) == len(credentials)
    first = credentials[0]
    assert first["certificate_number"] in reader.pages[0].extract_text()

    code, out, _ = site("certificates", "print", "--unprinted", "--out", str(tmp_path / "again.pdf"))
    assert code == 0
    assert "nothing to do" in out


def test_scores_import_twice_adds_nothing(site, rosters):
    site("learners", "import", str(rosters / "site-roster-clean.csv"))
    site("scores", "import", str(rosters / "scores-2026-11-14.csv"))
    code, out, _ = site("scores", "import", str(rosters / "scores-2026-11-14.csv"))
    assert code == 0
    assert "imported 0 rows; 300 already present" in out


def test_scores_for_unknown_learners_rejected(site, rosters):
    code, out, _ = site("scores", "import", str(rosters / "scores-2026-11-14.csv"))
    assert code == 0
    assert "imported 0 rows" in out
    assert "300 rejected" in out
    assert "no learner with learner ID 'WF21118521'" in out


def test_headless_command_records_account(site, rosters):
    site("learners", "import", str(rosters / "site-roster-clean.csv"))
    database = Database(site.data_dir)
    try:
        with database.session() as session:
            entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "learner.import"))
            assert entry.actor == "admin"
    finally:
        database.close()


def test_wrong_password_rejected(site, monkeypatch, rosters):
    monkeypatch.setenv("NWRC_PASSWORD", "not-the-password")
    code, _, err = site("learners", "import", str(rosters / "site-roster-clean.csv"))
    assert code == 1
    assert "Sign-in failed for 'admin'" in err


def test_missing_user_is_explained(site, monkeypatch, rosters):
    monkeypatch.delenv("NWRC_USER")
    code, _, err = site("learners", "import", str(rosters / "site-roster-clean.csv"))
    assert code == 1
    assert "--user" in err


def test_learner_add_and_find(site):
    code, out, err = site("learners", "add", "--first", "Nguyễn Thị", "--last", "Ánh", "--dob", "3/4/1990",
                          "--external-id", "007", "--certificate-name", "Ánh Nguyễn")
    assert code == 0, err
    assert "TX014-000001" in out
    code, out, _ = site("learners", "find", "nguyen")
    assert "Nguyễn Thị Ánh" in out
    assert "007" in out


def test_learner_add_invalid_field_named(site):
    code, _, err = site("learners", "add", "--first", "Skye 🌟", "--last", "Tallman", "--dob", "5/5/1995")
    assert code == 1
    assert "first name" in err
    assert "U+1F31F" in err


def test_score_add_correct_void(site):
    site("learners", "add", "--first", "Rosa", "--last", "Okafor", "--dob", "5/19/1958", "--external-id", "WF1")
    code, out, err = site("scores", "add", "--learner", "WF1", "--assessment", "Digital Skills",
                          "--result", "pass", "--tested-on", "11/14/2026")
    assert code == 0, err
    assert "issued TX014-" in out
    score_id = out.split("(score ")[1].split(")")[0]
    code, out, err = site("scores", "correct", score_id, "--result", "not pass", "--reason", "misread report")
    assert code == 0, err
    assert "invalidated" in out
    code, out, _ = site("learners", "show", "WF1")
    assert "not in force" in out
    assert "misread report" in out


def test_score_add_bad_result(site):
    site("learners", "add", "--first", "Rosa", "--last", "Okafor", "--dob", "5/19/1958", "--external-id", "WF1")
    code, _, err = site("scores", "add", "--learner", "WF1", "--assessment", "Work Ready Math",
                        "--result", "pass", "--tested-on", "11/14/2026")
    assert code == 1
    assert "--result" in err
    assert "level" in err


def test_verify_certificate_offline(site, tmp_path):
    site("learners", "add", "--first", "Rosa", "--last", "Okafor", "--dob", "5/19/1958", "--external-id", "WF1")
    site("scores", "add", "--learner", "WF1", "--assessment", "Soft Skills", "--result", "pass",
         "--tested-on", "11/14/2026")
    _, out, _ = site("credentials", "list", "--json")
    credential = json.loads(out)[0]
    number, code_text = credential["certificate_number"], credential["verification_code"]

    code, out, _ = site("certificates", "verify", number, code_text)
    assert code == 0
    assert out.startswith("VALID")

    wrong = code_text[:-1] + ("0" if code_text[-1] != "0" else "1")
    code, out, _ = site("certificates", "verify", number, wrong)
    assert code == 1
    assert "NOT VALID" in out

    site("certificates", "revoke", number, "--reason", "issued in error")
    code, out, _ = site("certificates", "verify", number, code_text)
    assert code == 1
    assert "REVOKED" in out


def test_check_healthy(site):
    code, out, _ = site("check")
    assert code == 0
    assert "schema: up to date" in out
    assert out.strip().endswith("healthy")


def test_check_reports_damaged_database(site):
    path = site.data_dir / "nwrc.sqlite3"
    data = bytearray(path.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)
    path.write_bytes(bytes(data))
    code, _, err = site("check")
    assert code == 1
    assert "damaged" in err
    assert "restore" in err


def test_check_reports_tampered_audit(site):
    connection = sqlite3.connect(site.data_dir / "nwrc.sqlite3")
    connection.execute("DROP TRIGGER audit_log_no_update")
    connection.execute("UPDATE audit_log SET details = '{}' WHERE seq = 1")
    connection.commit()
    connection.close()
    code, out, _ = site("check")
    assert code == 1
    assert "audit log" in out


def test_reading_commands_need_sign_in(site, monkeypatch, rosters):
    site("learners", "import", str(rosters / "excel-utf8-bom.csv"))
    monkeypatch.setenv("NWRC_PASSWORD", "not-the-password")
    for command in (["learners", "find", "Begay"], ["learners", "show", "TX014-000001"], ["credentials", "list"],
                    ["accounts", "list"], ["backup"]):
        code, out, err = site(*command)
        assert code == 1, command
        assert "Sign-in failed" in err, command
        assert "Begay" not in out, command


def test_restore_needs_admin(site, tmp_path, monkeypatch):
    site("backup", "--to", str(tmp_path / "copies"))
    copy = next((tmp_path / "copies").glob("*.sqlite3"))
    monkeypatch.setenv("NWRC_NEW_PASSWORD", "proctor-pass-1")
    site("accounts", "add", "pat", "--role", "proctor")
    monkeypatch.setenv("NWRC_USER", "pat")
    monkeypatch.setenv("NWRC_PASSWORD", "proctor-pass-1")
    code, _, err = site("restore", str(copy))
    assert code == 1
    assert "may not back up and restore" in err


def test_reprint_hint_names_option(site, tmp_path):
    site("learners", "add", "--first", "Rosa", "--last", "Okafor", "--dob", "5/19/1958", "--external-id", "WF1")
    site("scores", "add", "--learner", "WF1", "--assessment", "Digital Skills", "--result", "pass",
         "--tested-on", "11/14/2026")
    site("certificates", "print", "--learner", "WF1", "--out", str(tmp_path / "first.pdf"))
    code, _, err = site("certificates", "print", "--learner", "WF1", "--out", str(tmp_path / "again.pdf"))
    assert code == 1
    assert "--reason" in err


def test_check_reports_dropped_trigger(site):
    connection = sqlite3.connect(site.data_dir / "nwrc.sqlite3")
    connection.execute("DROP TRIGGER score_no_update")
    connection.commit()
    connection.close()
    code, out, _ = site("check")
    assert code == 1
    assert "score_no_update" in out


@pytest.mark.parametrize("where", ["", "WHERE seq = (SELECT max(seq) FROM outbox)"])
def test_check_reports_deleted_changes(site, rosters, where):
    site("learners", "import", str(rosters / "excel-utf8-bom.csv"))
    connection = sqlite3.connect(site.data_dir / "nwrc.sqlite3")
    connection.execute(f"DELETE FROM outbox {where}")
    connection.commit()
    connection.close()
    code, out, _ = site("check")
    assert code == 1
    assert "queued changes were deleted outside the program" in out


def test_print_out_folder_explained(site, tmp_path):
    code, _, err = site("certificates", "print", "--unprinted", "--out", str(tmp_path))
    assert code == 1
    assert "is a folder" in err
    code, _, err = site("certificates", "print", "--unprinted", "--out", str(tmp_path / "missing" / "c.pdf"))
    assert code == 1
    assert "does not exist" in err


def test_conflicting_score_flagged(site, tmp_path):
    site("learners", "add", "--first", "Rosa", "--last", "Okafor", "--dob", "5/19/1958", "--external-id", "WF1")
    first = tmp_path / "first.csv"
    first.write_text("external_id,assessment,result,tested_on\nWF1,Work Ready Math,4,11/14/2026\n", encoding="utf-8")
    second = tmp_path / "second.csv"
    second.write_text("external_id,assessment,result,tested_on\nWF1,Work Ready Math,2,11/14/2026\n", encoding="utf-8")
    site("scores", "import", str(first))
    code, out, _ = site("scores", "import", str(second))
    assert code == 0
    assert "imported 0 rows" in out
    assert "already has a different Work Ready Math result" in out
