"""``python -m geo users …`` and ``python -m geo audit`` (issue 15): passwords only from a prompt or stdin,
never echoed; the first admin from the command line; the change log exported without any password or hash."""

from __future__ import annotations

import io
import os
import sqlite3
import subprocess
import sys

import pandas as pd
import pytest

from geo.cli.main import main
from geo.storage.records import SignInRefused
from geo.storage.store import default_store
from tests.helpers import PASSWORD, ROOT, csv_text, row


def run(argv: list[str], monkeypatch, stdin: str = "") -> int:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))  # not a terminal: the password is the first line
    return main(argv)


def test_first_admin_from_a_real_pipe_and_the_password_is_never_printed(atlas_data_dir):
    env = dict(os.environ, ATLAS_DATA_DIR=str(atlas_data_dir))
    out = subprocess.run([sys.executable, "-m", "geo", "users", "add", "--role", "admin", "--name", "Lò Văn Quản",
                          "Quan"], input=PASSWORD + "\n", capture_output=True, text=True, cwd=ROOT, env=env)
    assert out.returncode == 0, out.stderr
    assert "quan" in out.stdout and PASSWORD not in out.stdout + out.stderr
    rec = default_store().authenticate("quan", PASSWORD)
    assert (rec.display_name, rec.role.value) == ("Lò Văn Quản", "admin")
    assert default_store().audit_log(1)[0].user.startswith("console:")


def test_a_password_is_not_accepted_as_an_argument(monkeypatch, capsys):
    with pytest.raises(SystemExit) as err:
        run(["users", "add", "--role", "admin", "lan", "--password", PASSWORD], monkeypatch)
    assert err.value.code == 2 and not default_store().has_users()


@pytest.mark.parametrize("lang, words", [("en", "at least 10 characters"), ("vi", "ít nhất 10 ký tự")])
def test_a_weak_password_is_refused_in_the_language_and_nothing_is_stored(monkeypatch, capsys, lang, words):
    assert run(["--lang", lang, "users", "add", "--role", "admin", "lan"], monkeypatch, "short\n") == 1
    err = capsys.readouterr().err
    assert words in err and "short" not in err
    assert not default_store().has_users()


def test_list_disable_and_reset_password(monkeypatch, capsys):
    assert run(["users", "add", "--role", "commune_editor", "--communes", "03424", "bo1"], monkeypatch,
               PASSWORD + "\n") == 0
    assert run(["users", "add", "--role", "admin", "admin1"], monkeypatch, PASSWORD + "\n") == 0
    store = default_store()
    for _ in range(5):
        with pytest.raises(SignInRefused):
            store.authenticate("bo1", "wrong-" + PASSWORD)
    capsys.readouterr()
    assert run(["users", "list"], monkeypatch) == 0
    listed = capsys.readouterr().out
    assert "bo1" in listed and "Commune editor" in listed and "03424" in listed and "locked (5 failures)" in listed
    assert "argon2" not in listed and PASSWORD not in listed
    assert run(["users", "reset-password", "bo1"], monkeypatch, "a-new-Passw0rd\n") == 0
    assert store.authenticate("bo1", "a-new-Passw0rd").failed == 0
    assert run(["users", "disable", "bo1"], monkeypatch) == 0
    assert store.get_user("bo1").disabled
    assert run(["users", "disable", "admin1"], monkeypatch) == 1  # the last admin stays
    assert "last active administrator" in capsys.readouterr().err


def test_import_with_accounts_needs_an_account_that_may_write(monkeypatch, tmp_path, capsys):
    assert run(["users", "add", "--role", "commune_editor", "--communes", "03424", "bo1"], monkeypatch,
               PASSWORD + "\n") == 0
    out = tmp_path / "p.csv"
    out.write_text(csv_text([row(pid="IM-1", commune="Nà Tăm")]), encoding="utf-8")
    v0 = default_store().version()
    assert run(["import-projects", str(out), "--yes", "--user", "Lan"], monkeypatch) == 1
    assert "'Lan' is not an active account" in capsys.readouterr().err
    assert run(["import-projects", str(out), "--yes", "--user", "bo1"], monkeypatch) == 1
    assert "may only edit projects in their own communes (03424)" in capsys.readouterr().err
    assert default_store().version() == v0 and default_store().get_project("IM-1") is None


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_audit_export_has_who_when_what_before_after_and_no_secret(monkeypatch, tmp_path, suffix):
    assert run(["users", "add", "--role", "admin", "admin1"], monkeypatch, PASSWORD + "\n") == 0
    store = default_store()
    rec = store.get_project("TD-001")
    store.update_project("TD-001", dict(rec.project, donor="=HYPERLINK(\"x\")"), rec.funding, rec.revision, "admin1")
    store.reset_password("admin1", "Another-Passw0rd", "admin1")
    out = tmp_path / f"log{suffix}"
    assert run(["audit", "--from", "2000-01-01", "--to", "2999-12-31", "--out", str(out)], monkeypatch) == 0
    table = pd.read_csv(out) if suffix == ".csv" else pd.read_excel(out)
    assert list(table.columns) == ["No.", "When (UTC)", "Who", "Action", "What", "Revision", "Before", "After", "Note"]
    update = table[table["Action"] == "update"].iloc[0]
    assert (update["Who"], update["What"]) == ("admin1", "TD-001") and "HYPERLINK" in update["After"]
    assert set(table["Action"]) >= {"user-add", "user-reset-password", "update"}
    cells = [str(v) for v in table.to_numpy().ravel()]
    for secret in ("argon2", PASSWORD, "Another-Passw0rd"):
        assert not any(secret in c for c in cells)
    assert not any(c.startswith(("=", "+", "@")) for c in cells)  # nothing a spreadsheet would run


def test_audit_refuses_a_bad_suffix_or_date_and_writes_nothing(monkeypatch, tmp_path, capsys):
    assert run(["audit", "--out", str(tmp_path / "log.txt")], monkeypatch) == 1
    assert ".csv or .xlsx" in capsys.readouterr().err and not (tmp_path / "log.txt").exists()
    assert run(["--lang", "vi", "audit", "--from", "1/2/2026", "--out", str(tmp_path / "a.csv")], monkeypatch) == 1
    assert "YYYY-MM-DD" in capsys.readouterr().err and not (tmp_path / "a.csv").exists()


def test_no_hash_leaves_the_store_except_in_its_own_table(monkeypatch, atlas_data_dir, tmp_path):
    """The data exports carry no account at all."""
    assert run(["users", "add", "--role", "admin", "admin1"], monkeypatch, PASSWORD + "\n") == 0
    for fmt, name in (("gpkg", "x.gpkg"), ("csv", "x.csv")):
        assert run(["export", "--format", fmt, "--out", str(tmp_path / name)], monkeypatch) == 0
        raw = (tmp_path / name).read_bytes()
        assert b"argon2" not in raw and b"admin1" not in raw
    con = sqlite3.connect(tmp_path / "x.gpkg")
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    con.close()
    assert "atlas_users" not in tables
