"""Importing every kind of roster file sites receive, and reporting every refused row."""

from __future__ import annotations

import json

import pytest

from nwrc_desktop.store.database import Database

from .test_database_commands import table_counts


@pytest.mark.parametrize("name, rows, a_name", [
    ("site-roster-clean.csv", 250, "Siobhán Wiśniewski"),
    ("excel-utf8-bom.csv", 40, "Jasmine Alejandro Núñez"),
    ("windows-1252.csv", 30, "Jasmine O’Neal"),
    ("semicolon-day-first.csv", 25, "Noemí Elena Tran"),
])
def test_each_roster_file_imports(site, rosters, name, rows, a_name):
    code, out, err = site("learners", "import", str(rosters / name))
    assert code == 0, err
    assert f"imported {rows} rows" in out
    code, out, _ = site("learners", "find", a_name, "--json")
    assert [item["full_name"] for item in json.loads(out)] == [a_name]


def test_semicolon_file_reads_day_first(site, rosters):
    site("learners", "import", str(rosters / "semicolon-day-first.csv"))
    _, out, _ = site("learners", "find", "WF44224796", "--json")
    assert json.loads(out)[0]["date_of_birth"] == "1974-12-01"


def test_leading_zeros_kept(site, tmp_path):
    roster = tmp_path / "zeros.csv"
    roster.write_text("Student ID,First Name,Last Name,DOB\n000123,Ann,Lee,1/2/1990\n", encoding="utf-8")
    code, out, err = site("learners", "import", str(roster))
    assert code == 0, err
    _, out, _ = site("learners", "find", "000123", "--json")
    assert json.loads(out)[0]["external_id"] == "000123"


EXPECTED_PROBLEMS = {
    14: ("rejected", "last name"),
    15: ("rejected", "future"),
    16: ("rejected", "no month 13"),
    17: ("rejected", "spreadsheet"),
    18: ("rejected", "not an email address"),
    19: ("possible duplicate", "row 2"),
    20: ("rejected", "U+1F31F"),
    22: ("rejected", "cells"),
    23: ("rejected", "no day 30"),
}


def test_problems_file_rows(site, rosters, tmp_path):
    rejects = tmp_path / "rejects.csv"
    code, out, err = site("learners", "import", str(rosters / "problems.csv"), "--rejects-out", str(rejects))
    assert code == 0, err
    assert "imported 12 rows" in out
    assert "1 blank rows skipped" in out
    lines = out.splitlines()
    for row, (outcome, words) in EXPECTED_PROBLEMS.items():
        matching = [line for line in lines if line.strip().startswith(f"row {row}: ")]
        assert len(matching) == 1, f"row {row}: {matching}"
        assert f": {outcome}: " in matching[0], matching[0]
        assert words in matching[0], matching[0]
    assert not any(line.strip().startswith("row 21:") for line in lines)
    saved = rejects.read_text(encoding="utf-8-sig").splitlines()
    assert len(saved) == 1 + len(EXPECTED_PROBLEMS)
    assert saved[0].endswith(",row,problem")


def test_problems_file_twice_adds_nothing(site, rosters):
    site("learners", "import", str(rosters / "problems.csv"))
    before = table_counts(site.data_dir)
    code, out, _ = site("learners", "import", str(rosters / "problems.csv"))
    assert code == 0
    assert "imported 0 rows; 12 already present" in out
    assert table_counts(site.data_dir) == before


def test_invalid_email_dropped_when_asked(site, rosters):
    code, out, _ = site("learners", "import", str(rosters / "problems.csv"), "--drop-invalid-email")
    assert "imported 13 rows" in out
    _, found, _ = site("learners", "find", "Haddad", "--json")
    assert json.loads(found)[0]["email"] is None


def test_dry_run_saves_nothing(site, rosters):
    before = table_counts(site.data_dir)
    code, out, _ = site("learners", "import", str(rosters / "site-roster-clean.csv"), "--dry-run")
    assert code == 0
    assert "would import 250 rows" in out
    assert table_counts(site.data_dir) == before


def test_duplicate_of_stored_learner_flagged(site, rosters, tmp_path):
    site("learners", "import", str(rosters / "site-roster-clean.csv"))
    again = tmp_path / "again.csv"
    again.write_text("ID,Given Name,Surname,DOB\nX1,SIOBHAN,WISNIEWSKI,8/22/1989\n", encoding="utf-8")
    code, out, _ = site("learners", "import", str(again))
    assert "possible duplicate" in out
    assert "TX014-000001" in out
    assert "imported 0 rows" in out


@pytest.mark.parametrize("content, words", [
    (b"", "empty"),
    (b"\x00\x01\x02\x03binary\x00", "binary"),
    (b"Name,Phone\nAnn,555\n", "last name"),
])
def test_unreadable_file_changes_nothing(site, tmp_path, content, words):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(content)
    before = table_counts(site.data_dir)
    code, _, err = site("learners", "import", str(bad))
    assert code == 1
    assert words in err.lower()
    assert table_counts(site.data_dir) == before


def test_explicit_mapping(site, tmp_path):
    roster = tmp_path / "odd.csv"
    roster.write_text("Apellido,Nombre,Nacimiento\nPeña,Ximena,6/20/2000\n", encoding="utf-8")
    code, out, err = site("learners", "import", str(roster), "--map", "last_name=Apellido",
                          "--map", "first_name=Nombre", "--map", "date_of_birth=Nacimiento")
    assert code == 0, err
    assert "imported 1 rows" in out


def test_explicit_date_order(site, tmp_path):
    roster = tmp_path / "dates.csv"
    roster.write_text("First Name,Last Name,DOB\nAnn,Lee,01/02/1990\n", encoding="utf-8")
    site("learners", "import", str(roster), "--date-order", "DMY")
    _, out, _ = site("learners", "find", "Lee", "--json")
    assert json.loads(out)[0]["date_of_birth"] == "1990-02-01"


def test_database_open_needs_site(cli, rosters):
    code, _, err = cli("learners", "import", str(rosters / "site-roster-clean.csv"))
    assert code == 1
    assert "site init" in err


def test_reopened_store_keeps_data(site, rosters):
    site("learners", "import", str(rosters / "windows-1252.csv"))
    database = Database(site.data_dir)
    database.close()
    _, out, _ = site("learners", "find", "O’Neal", "--json")
    assert len(json.loads(out)) == 1


def test_rejects_file_neutralises_formulas(site, tmp_path):
    roster = tmp_path / "formula.csv"
    roster.write_text('First Name,Last Name,DOB\n=HYPERLINK("x"),Lee,13/45/1990\n', encoding="utf-8")
    rejects = tmp_path / "rejects.csv"
    site("learners", "import", str(roster), "--rejects-out", str(rejects))
    text = rejects.read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in text


def test_mixed_encodings_rejected(site, tmp_path):
    mixed = tmp_path / "mixed.csv"
    mixed.write_bytes("First Name,Last Name,DOB\nSiobhán,Wiśniewski,1/2/1990\n".encode()
                      + "Renée,Benally,3/4/1991\n".encode("cp1252"))
    before = table_counts(site.data_dir)
    code, _, err = site("learners", "import", str(mixed))
    assert code == 1
    assert "mixes two text encodings: line 2 is UTF-8 but line 3 is not" in err
    assert table_counts(site.data_dir) == before


def test_title_rows_skipped(site, tmp_path):
    roster = tmp_path / "titled.csv"
    roster.write_text("Pecos County roster - November 2026,,\nExported 11/30/2026,,\n"
                      "First Name,Last Name,DOB\nAnn,Lee,1/2/1990\n", encoding="utf-8")
    code, out, err = site("learners", "import", str(roster))
    assert code == 0, err
    assert "imported 1 rows" in out
    assert "skipped as a title" in out
    assert "line 3" in out
