"""The store's refusals and the indicator-CSV problems are catalog-keyed and read in the user's language."""

from __future__ import annotations

import sqlite3

import geopandas as gpd
import pandas as pd
import pytest

from geo.ingest import indicator_csv, names
from geo.ingest.validate import DataError
from geo.storage.gpkg_store import GpkgStore
from geo.storage.records import ConflictError
from geo.text.i18n import CATALOG


def _keyed(err: DataError) -> list:
    assert err.problems
    for p in err.problems:
        assert p.key in CATALOG, p
        assert p.text("vi") != p.text("en"), p.text("en")
        assert p.message == p.sentence("en")
    return err.problems


def _project(pid: str = "MSG-1") -> dict:
    return {"project_id": pid, "name_vi": "Nước sạch", "commune_code": "03424", "content_area": 1,
            "status": "proposal", "start_year": 2024, "end_year": 2025, "quality": "official"}


def test_a_store_from_a_newer_app_is_refused_in_both_languages(store):
    store.load()
    con = sqlite3.connect(store.path)
    con.execute("UPDATE atlas_meta SET value='99' WHERE key='schema_version'")
    con.commit()
    con.close()
    with pytest.raises(DataError) as err:
        GpkgStore(store.path).load()
    (p,) = _keyed(err.value)
    assert "99" in p.text("vi") and "99" in p.text("en")


def test_project_refusals_are_keyed(store):
    rec = store.create_project(_project(), [])
    with pytest.raises(DataError) as err:
        store.create_project(_project(), [])
    (p,) = _keyed(err.value)
    assert p.column == "project_id" and "MSG-1" in p.text("vi")
    with pytest.raises(DataError) as err:
        store.update_project("MSG-1", _project("MSG-2"), [], rec.revision)
    assert _keyed(err.value)[0].column == "project_id"
    with pytest.raises(DataError) as err:
        store.restore("MSG-1", 999_999, rec.revision)
    (p,) = _keyed(err.value)
    assert "999999" in p.text("vi").replace(".", "") and "MSG-1" in p.text("vi")


def test_unknown_layer_is_keyed(store):
    with pytest.raises(DataError) as err:
        store.replace_layer("roads", gpd.GeoDataFrame(geometry=[]), store.load().provenance["communes"])
    (p,) = _keyed(err.value)
    assert "communes" in p.text("vi")  # names the layers that can be replaced


def test_donor_refusals_are_keyed(store):
    rec = store.get_donor("jica")
    with pytest.raises(DataError) as err:
        store.save_donor(rec.donor, None)
    assert _keyed(err.value)[0].column == "donor_id"
    with pytest.raises(DataError) as err:
        store.confirm_donor("nobody", 1, "Lan")
    assert _keyed(err.value)[0].column == "donor_id"


@pytest.mark.parametrize("deleted", [False, True])
def test_conflict_error_reads_in_both_languages(store, deleted):
    rec = store.create_project(_project(), [])
    if deleted:
        store.delete_project("MSG-1", rec.revision)
    else:
        store.update_project("MSG-1", dict(rec.project, donor="X"), [], rec.revision)
    with pytest.raises(ConflictError) as err:
        store.update_project("MSG-1", rec.project, [], rec.revision)
    vi, en = err.value.text("vi"), err.value.text("en")
    assert vi != en and en == str(err.value)
    assert "MSG-1" in vi and "MSG-1" in en
    if not deleted:
        assert "2" in vi and "2" in en  # the revision it is now


def test_donor_conflict_names_a_donor_not_a_project(store):
    rec = store.get_donor("jica")
    store.save_donor(dict(rec.donor, contact_notes="x"), rec.revision)
    with pytest.raises(ConflictError) as err:
        store.save_donor(rec.donor, rec.revision)
    assert err.value.text("en").startswith("donor jica")
    assert err.value.text("vi") != err.value.text("en")


# --- the user indicator CSV (priority score) -------------------------------------------------------
INDEX = names.NameIndex.from_records([("03394", "Thèn Sin"), ("03390", "Tam Đường"), ("03430", "Khun Há")])


@pytest.mark.parametrize("data", [
    "xã,tỷ lệ\nThèn Sin,45,5\n".encode(),  # decimal comma in a comma-separated file
    "xã;tỷ lệ\n".encode(),  # no commune row
    "xã;tỷ lệ\nThèn Sin;4\n".encode("utf-16"),  # not UTF-8
])
def test_indicator_csv_reading_problems_are_keyed(data):
    with pytest.raises(DataError) as err:
        indicator_csv.read_indicator_csv(data, "u.csv")
    _keyed(err.value)


def test_indicator_values_problems_are_keyed_with_row_and_column():
    table = pd.DataFrame({"xa": ["Hà Nội", "Thèn Sin", "Thèn Sin", "Tam Đường"], "v": ["1", "2", "3", "abc"]})
    with pytest.raises(DataError) as err:
        indicator_csv.parse_indicator(table, "u.csv", INDEX)
    found = {(p.row, p.column) for p in _keyed(err.value)}
    assert found == {(2, "xa"), (4, "xa"), (5, "v")}
    with pytest.raises(DataError) as err:
        indicator_csv.parse_indicator(pd.DataFrame({"xa": ["Thèn Sin"]}), "u.csv", INDEX)
    _keyed(err.value)



# --- a store that explains itself: bad files, unusable folders, a full disk (CLI and app, no traceback) --------
def _foreign(path):
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE roads (fid INTEGER PRIMARY KEY, name TEXT)")
    con.commit()
    con.close()


def _newer(path):
    con = sqlite3.connect(path)
    con.execute("UPDATE atlas_meta SET value='99' WHERE key='schema_version'")
    con.commit()
    con.close()


#: how to spoil the test's store file, and words of the English and Vietnamese sentences
BAD_FILES = {
    "empty": (lambda p: p.write_bytes(b""), "is empty (0 bytes)", "trống (0 byte)"),
    "truncated": (lambda p: p.write_bytes(p.read_bytes()[: len(p.read_bytes()) // 3]), "is damaged", "bị hỏng"),
    "random": (lambda p: p.write_bytes(bytes(range(256)) * 64), "is not an atlas store", "không phải tệp dữ liệu"),
    "foreign": (lambda p: (p.unlink(), _foreign(p)), "some other GeoPackage", "GeoPackage khác"),
    "newer": (_newer, "newer version", "phiên bản mới hơn"),
}


def _spoil(atlas_data_dir, case: str):
    from geo.storage.gpkg_store import STORE_FILE

    path = atlas_data_dir / STORE_FILE
    BAD_FILES[case][0](path)
    return path, path.read_bytes()


@pytest.mark.parametrize("case", list(BAD_FILES))
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_a_bad_store_file_is_named_and_explained_in_the_cli(atlas_data_dir, capsys, case, lang):
    from geo.cli.main import main

    path, data = _spoil(atlas_data_dir, case)
    assert main(["--lang", lang, "info"]) == 1
    err = capsys.readouterr().err
    assert str(path) in err and BAD_FILES[case][1 if lang == "en" else 2] in err
    assert path.read_bytes() == data and sorted(p.name for p in atlas_data_dir.iterdir()) == [path.name]


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_a_bad_store_file_is_explained_in_the_app_without_a_traceback(atlas_data_dir, app_page, case):
    path, data = _spoil(atlas_data_dir, case)
    at = app_page(lang="en")
    assert not at.exception
    (error,) = at.error
    assert str(path) in error.value and BAD_FILES[case][1] in error.value
    assert path.read_bytes() == data


def test_a_data_folder_path_that_is_a_file_is_explained(tmp_path, monkeypatch, capsys):
    from geo.cli.main import main

    blocker = tmp_path / "atlas-data"
    blocker.write_text("not a folder")
    monkeypatch.setenv("ATLAS_DATA_DIR", str(blocker / "sub"))
    assert main(["--lang", "vi", "info"]) == 1
    err = capsys.readouterr().err
    assert str(blocker) in err and "là một tệp, không phải thư mục" in err and "ATLAS_DATA_DIR" in err
    assert blocker.read_text() == "not a folder"


@pytest.fixture
def tmpfs(tmp_path):
    """``mount(size, read_only)``: a small real file system of its own (a full or read-only data folder)."""
    import subprocess

    mounts = []

    def mount(size: str = "4m"):
        point = tmp_path / f"mnt{len(mounts)}"
        point.mkdir()
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(point)], capture_output=True)
        if done.returncode != 0:
            pytest.skip("cannot mount a tmpfs here (needs root)")
        mounts.append(point)
        return point

    yield mount
    import subprocess as sp

    for point in mounts:
        sp.run(["umount", "-l", str(point)], check=False)


def _remount_read_only(point) -> None:
    import subprocess

    subprocess.run(["mount", "-o", "remount,ro", str(point)], check=True)


def test_a_read_only_data_folder_is_read_and_refuses_writes_with_a_message(tmpfs, monkeypatch, seeded_store_file):
    import shutil

    from geo.storage.gpkg_store import STORE_FILE
    from geo.storage.store import default_store

    point = tmpfs()
    shutil.copyfile(seeded_store_file, point / STORE_FILE)
    monkeypatch.setenv("ATLAS_DATA_DIR", str(point))
    _remount_read_only(point)
    data = (point / STORE_FILE).read_bytes()
    store = default_store()
    rec = store.get_project("TD-001")  # reading works
    assert len(store.load().projects) > 0
    with pytest.raises(DataError) as err:
        store.update_project("TD-001", dict(rec.project, donor="X"), rec.funding, rec.revision, "Lan")
    vi, en = err.value.text("vi"), err.value.text("en")
    assert "read-only" in en and "chỉ đọc" in vi and str(point / STORE_FILE) in en and "not saved" in en
    assert (point / STORE_FILE).read_bytes() == data


def test_an_empty_read_only_data_folder_is_explained(tmpfs, monkeypatch, capsys):
    from geo.cli.main import main

    point = tmpfs()
    _remount_read_only(point)
    monkeypatch.setenv("ATLAS_DATA_DIR", str(point))
    assert main(["--lang", "en", "info"]) == 1
    err = capsys.readouterr().err
    assert f"cannot write in the data folder {point}" in err and "ATLAS_DATA_DIR" in err


def test_a_full_disk_while_seeding_leaves_nothing_behind(tmpfs, monkeypatch, capsys):
    from geo.cli.main import main

    point = tmpfs("200k")  # smaller than a seeded store
    monkeypatch.setenv("ATLAS_DATA_DIR", str(point / "data"))
    assert main(["--lang", "vi", "info"]) == 1
    err = capsys.readouterr().err
    assert "đã đầy" in err and str(point / "data") in err
    assert list((point / "data").iterdir()) == []


def test_a_full_disk_during_a_write_leaves_the_store_byte_identical(tmpfs, monkeypatch, seeded_store_file):
    import os
    import shutil

    from geo.storage.gpkg_store import STORE_FILE
    from geo.storage.store import default_store

    point = tmpfs("2m")
    shutil.copyfile(seeded_store_file, point / STORE_FILE)
    monkeypatch.setenv("ATLAS_DATA_DIR", str(point))
    store = default_store()
    ds = store.load()
    before = (point / STORE_FILE).read_bytes()
    free = os.statvfs(point).f_bavail * os.statvfs(point).f_frsize
    (point / "filler").write_bytes(b"\0" * max(free - 64 * 1024, 0))  # 64 KiB left
    big = pd.concat([ds.communes] * 40, ignore_index=True)
    with pytest.raises(DataError) as err:
        store.replace_layer("communes", gpd.GeoDataFrame(big, crs=ds.communes.crs), ds.provenance["communes"], "Lan")
    assert "full" in err.value.text("en") and "đầy" in err.value.text("vi")
    (point / "filler").unlink()
    assert (point / STORE_FILE).read_bytes() == before
    after = default_store().load()
    assert len(after.communes) == len(ds.communes) and store.audit_log() == []


# --- the shared server: a read-only role, a server lost mid-session -----------------------------------------
def test_a_read_only_database_role_reads_and_its_writes_are_refused_clearly(postgis_cluster, postgis_url, capsys):
    from geo.cli.main import main
    from geo.storage.postgis_store import PostgisStore

    db = postgis_url.rsplit("/", 1)[1]
    role = f"reader_{db[-6:]}"
    postgis_cluster.sql(f"CREATE ROLE {role} LOGIN")
    postgis_cluster.sql(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {role}", db=db)
    url = postgis_url.replace("postgres@", f"{role}:s3cret-pw@")
    try:
        store = PostgisStore(url)
        rec = store.get_project("TD-001")
        assert rec is not None and len(store.load().projects) > 0
        before = PostgisStore(postgis_url).load().projects
        with pytest.raises(DataError) as err:
            store.update_project("TD-001", dict(rec.project, donor="X"), rec.funding, rec.revision, "Lan")
        vi, en = err.value.text("vi"), err.value.text("en")
        assert role in en and "may only read" in en and "chỉ được đọc" in vi and "s3cret-pw" not in vi + en
        pd.testing.assert_frame_equal(PostgisStore(postgis_url).load().projects, before)
        assert main(["store", "restore", "--store", url, "--no-safety-backup", _snapshot(postgis_url)]) == 1
        out = capsys.readouterr().err
        assert "may only read" in out and "Traceback" not in out
    finally:
        from geo.storage import postgis_store

        postgis_store.dispose(url)


def _snapshot(url: str) -> str:
    import tempfile
    from pathlib import Path

    from geo.storage.transfer import backup, open_location

    out = Path(tempfile.mkdtemp()) / "snap.gpkg"
    backup(open_location(url), out)
    return str(out)


def test_a_write_while_the_server_is_down_says_so_and_the_next_one_works():
    from geo.storage import postgis_store
    from geo.storage.records import StoreUnavailable
    from tests import pg_cluster

    cluster = pg_cluster.start_cluster()  # its own server: this test stops it
    url = cluster.url(cluster.new_database(), password="s3cret-pw")
    try:
        store = postgis_store.PostgisStore(url)
        rec = store.get_project("TD-001")
        cluster.stop()
        with pytest.raises(StoreUnavailable) as err:
            store.update_project("TD-001", dict(rec.project, donor="X"), rec.funding, rec.revision, "Lan")
        assert "Cannot connect" in err.value.text("en") and "s3cret-pw" not in err.value.text("en")
        cluster.restart()
        assert store.get_project("TD-001").revision == rec.revision  # the refused write left nothing
        saved = store.update_project("TD-001", dict(rec.project, donor="X"), rec.funding, rec.revision, "Lan")
        assert saved.revision == rec.revision + 1
    finally:
        postgis_store.dispose(url)
        pg_cluster.remove(cluster)


def test_the_project_form_on_a_read_only_folder_says_the_save_was_refused(tmpfs, monkeypatch, seeded_store_file,
                                                                           app_page, signed_in):
    import shutil

    from geo.storage.gpkg_store import STORE_FILE
    from geo.text.i18n import t

    point = tmpfs()
    shutil.copyfile(seeded_store_file, point / STORE_FILE)
    monkeypatch.setenv("ATLAS_DATA_DIR", str(point))
    account = signed_in()  # an editor's account, made while the folder could still be written
    from geo.storage.store import default_store

    default_store().checkpoint()
    default_store().close()  # the store keeps its file open between calls: a busy mount cannot become read-only
    _remount_read_only(point)
    data = (point / STORE_FILE).read_bytes()
    at = app_page("pages/data.py", "en", **account)
    assert not at.exception and not at.error  # reading works
    next(e for e in at.text_input if e.label == "Project ID").set_value("NEW-9")
    next(e for e in at.text_input if e.label == "Name (Vietnamese)").set_value("Nhà văn hóa bản")
    at = next(b for b in at.button if b.label == t("data.save", "en")).click().run()
    assert not at.exception
    (error,) = at.error
    shown = error.value.replace("\\", "")  # as Markdown renders it (the path's _ are escaped)
    assert "read-only" in shown and "not saved" in shown and str(point / STORE_FILE) in shown
    assert (point / STORE_FILE).read_bytes() == data


def test_a_full_disk_on_the_database_server_refuses_the_write_and_keeps_the_data(postgis_cluster, postgis_url):
    """The server's disk fills while a layer is replaced: a sentence, not a traceback, and the old layer stays.
    The database writes its new tables into a tablespace on a tiny file system of its own (a real ENOSPC)."""
    import os
    import pwd
    import subprocess
    import tempfile
    from pathlib import Path

    from geo.storage import postgis_store
    from geo.storage.postgis_store import PostgisStore

    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs for the server needs root")
    point = Path(tempfile.mkdtemp(prefix="atlas-tiny-"))  # not under pytest's 0700 tmp: the server must reach it
    point.chmod(0o755)
    owner = pwd.getpwnam("postgres")
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size=4m,uid={owner.pw_uid},gid={owner.pw_gid},mode=700",
                              "tmpfs", str(point)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    db = postgis_url.rsplit("/", 1)[1]
    space = f"tiny_{db[-6:]}"
    postgis_cluster.sql(f"CREATE TABLESPACE {space} LOCATION '{point}'")
    try:
        postgis_cluster.sql(f"ALTER DATABASE {db} SET default_tablespace = {space}")
        postgis_store.dispose(postgis_url)  # new sessions pick the setting up
        store = PostgisStore(postgis_url)
        ds = store.load()
        audit_before = store.audit_log()
        free = os.statvfs(point).f_bavail * os.statvfs(point).f_frsize
        (point / "filler").write_bytes(b"\0" * max(free - 64 * 1024, 0))  # 64 KiB left
        big = pd.concat([ds.communes] * 40, ignore_index=True)
        with pytest.raises(DataError) as err:
            store.replace_layer("communes", gpd.GeoDataFrame(big, crs=ds.communes.crs), ds.provenance["communes"],
                                "Lan")
        en, vi = err.value.text("en"), err.value.text("vi")
        assert "out of disk space" in en and "nothing was saved" in en and "hết dung lượng" in vi
        (point / "filler").unlink()
        after = PostgisStore(postgis_url).load()
        assert len(after.communes) == len(ds.communes)
        assert sorted(after.communes["code"]) == sorted(ds.communes["code"])
        assert store.audit_log() == audit_before
    finally:
        postgis_store.dispose(postgis_url)
        postgis_cluster.sql(f"ALTER DATABASE {db} RESET default_tablespace")
        postgis_cluster.sql(f"DROP TABLESPACE IF EXISTS {space}")
        subprocess.run(["umount", "-l", str(point)], check=False)
        point.rmdir()


# --- the database refuses an edit's audit row (a constraint or trigger on atlas_audit) ------------------------
def _on(backend, request, monkeypatch) -> None:
    """The app and the CLI use ``backend``'s store (default_store(): the database URL when one is set)."""
    if backend.name == "postgis":
        monkeypatch.setenv("ATLAS_DATABASE_URL", request.getfixturevalue("postgis_url"))
    else:
        monkeypatch.delenv("ATLAS_DATABASE_URL", raising=False)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_project_form_says_the_audit_log_refused_the_change_and_nothing_changed(backend, request, monkeypatch,
                                                                                     app_page, signed_in, lang):
    from geo.ingest.imports import COLUMN_LABELS
    from geo.storage.store import default_store
    from geo.text.i18n import t
    from tests.stores import assert_unchanged, refuse_audit, snapshot

    _on(backend, request, monkeypatch)
    account = signed_in()
    refuse_audit(backend, "action", "create")
    before = snapshot(default_store())
    at = app_page("pages/data.py", lang, **account)
    next(e for e in at.text_input if e.label == COLUMN_LABELS["project_id"](lang)).set_value("NEW-9")
    next(e for e in at.text_input if e.label == COLUMN_LABELS["name_vi"](lang)).set_value("Nhà văn hóa bản")
    at = next(b for b in at.button if b.label == t("data.save", lang)).click().run()
    assert not at.exception
    (error,) = at.error
    said = t("err.audit_refused", lang, reason="§").split("§")[0]  # the sentence up to the database's own words
    assert said in error.value.replace("\\", ""), error.value
    assert t("err.unexpected", lang, ref="§").split("§")[0] not in error.value  # not the unexpected-error screen
    assert_unchanged(before, backend.open())


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_an_import_whose_audit_row_is_refused_exits_with_the_sentence_and_changes_nothing(backend, request, monkeypatch,
                                                                                          tmp_path, capsys, lang):
    from geo.cli.main import main
    from geo.text.i18n import t
    from tests.helpers import csv_text, row
    from tests.stores import assert_unchanged, refuse_audit, snapshot

    _on(backend, request, monkeypatch)
    refuse_audit(backend, "project_id", "IM-2")  # the second new project's row: the first is already in
    before = snapshot(backend.open())
    path = tmp_path / "projects.csv"
    path.write_text(csv_text([row("IM-1"), row("IM-2")]), encoding="utf-8")
    assert main(["--lang", lang, "import-projects", str(path), "--yes"]) == 1
    err = capsys.readouterr().err
    assert t("err.audit_refused", lang, reason="§").split("§")[0] in err and "Traceback" not in err, err
    assert_unchanged(before, backend.open())
