"""``python -m geo store copy|init|check|backup|restore``: a whole store moved between a GeoPackage and PostGIS
(either direction) with nothing lost, a target that holds data kept unless --replace, integrity problems named."""

from __future__ import annotations

import dataclasses
import os
import sqlite3
import subprocess
import sys
import uuid

import pandas as pd
import pyogrio
import pytest
from geopandas.testing import assert_geodataframe_equal

from geo.cli.main import main
from geo.storage.gpkg_store import STORE_FILE
from geo.storage.migrations import SCHEMA_VERSION
from geo.storage.tables import content_rows
from geo.storage.transfer import open_location
from tests.helpers import ROOT, tiny_basemap

BACKENDS = ["gpkg", "postgis"]


@pytest.fixture
def gpkg_location(atlas_data_dir) -> str:
    return str(atlas_data_dir / STORE_FILE)


@pytest.fixture(params=BACKENDS)
def location(request, atlas_data_dir) -> str:
    """A seeded store of either kind, private to the test."""
    if request.param == "gpkg":
        return str(atlas_data_dir / STORE_FILE)
    return request.getfixturevalue("postgis_url")


@pytest.fixture(params=BACKENDS)
def empty_location(request, tmp_path):
    """A place that holds nothing yet: a file path, or a new empty database."""
    if request.param == "gpkg":
        yield str(tmp_path / "new" / "atlas.gpkg")
        return
    from geo.storage import postgis_store

    cluster = request.getfixturevalue("postgis_cluster")
    db = f"empty_{uuid.uuid4().hex[:8]}"
    cluster.sql(f"CREATE DATABASE {db}")
    url = cluster.url(db, password="s3cret-pw")  # trust auth: the password is never checked, only hidden
    yield url
    postgis_store.dispose(url)
    cluster.drop_database(db)


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def edit(location: str) -> None:
    """What a district office adds: an edit, a new project, a deletion, a replaced layer, a donor change,
    an offline basemap."""
    store = open_location(location)
    rec = store.get_project("TD-001")
    store.update_project("TD-001", dict(rec.project, name_vi='Đường <b>bản</b> "Hon" — 2', lon=103.61, lat=22.42),
                         rec.funding, rec.revision, "Lan")
    store.create_project({"project_id": "NEW-1", "name_vi": "Nước sạch Pá Pao", "commune_code": "03424",
                          "content_area": 1, "status": "proposal", "start_year": 2024, "end_year": 2025,
                          "quality": "official"}, [{"source": "ngo", "need": 10**12, "committed": 1, "disbursed": 0}])
    store.delete_project("TD-004", store.get_project("TD-004").revision, "Minh")
    ds = store.load()
    store.replace_layer("crop_zones", ds.crop_zones.iloc[:2],
                        dataclasses.replace(ds.provenance["crop_zones"], source="Phòng NN&PTNT"), "Lan")
    donor = store.get_donor("koica")
    store.save_donor(dict(donor.donor, contact_notes="Chị Hoa, Hà Nội"), donor.revision, "Lan")
    store.replace_basemap(tiny_basemap(), "Lan")


def content(location: str) -> dict[str, list]:
    return {t.name: content_rows(t) for t in open_location(location).dump_tables()}


def assert_same_store(a: str, b: str) -> None:
    """Every table row for row, and everything a user reads, equal."""
    assert content(a) == content(b)
    sa, sb = open_location(a), open_location(b)
    da, db = sa.load(), sb.load()
    for layer in ("communes", "crop_zones", "risk_zones", "landslide_events"):
        assert_geodataframe_equal(getattr(da, layer), getattr(db, layer))
    for table in ("projects", "funding", "units_2025"):
        pd.testing.assert_frame_equal(getattr(da, table), getattr(db, table))
    assert da.provenance == db.provenance and da.config == db.config
    pd.testing.assert_frame_equal(sa.list_donors(), sb.list_donors())
    assert sa.audit_log(10_000) == sb.audit_log(10_000)
    assert sa.project_revisions() == sb.project_revisions()


# --- copy ---------------------------------------------------------------------------------------------------
def test_a_store_copied_to_an_empty_place_is_the_same_store(capsys, location, empty_location):
    edit(location)
    code, out, err = run(capsys, "store", "copy", "--from", location, "--to", empty_location)
    assert code == 0, err
    assert "checksums match" in out and "atlas_audit" in out and "donors" in out and "s3cret-pw" not in out
    assert_same_store(location, empty_location)
    copy = open_location(empty_location)  # and it is a working store: history and edits carry on
    assert [e.action for e in copy.history("TD-004")] == ["delete"]
    rec = copy.get_project("TD-001")
    assert copy.update_project("TD-001", rec.project, rec.funding, rec.revision, "Hà").revision == rec.revision + 1


def test_round_trip_geopackage_postgis_geopackage_is_content_identical(capsys, gpkg_location, postgis_cluster, tmp_path):
    from geo.storage import postgis_store

    edit(gpkg_location)
    db = f"trip_{uuid.uuid4().hex[:8]}"
    postgis_cluster.sql(f"CREATE DATABASE {db}")
    url = postgis_cluster.url(db)
    back = str(tmp_path / "back.gpkg")
    try:
        assert run(capsys, "store", "copy", "--from", gpkg_location, "--to", url)[0] == 0
        assert run(capsys, "store", "copy", "--from", url, "--to", back)[0] == 0
        assert_same_store(gpkg_location, back)
        assert open_location(back).get_project("NEW-1").funding[0]["need"] == 10**12  # beyond 32 bits, exact
        assert open_location(back).basemap() == tiny_basemap()  # the picture and its provenance travel too
    finally:
        postgis_store.dispose(url)
        postgis_cluster.drop_database(db)


@pytest.mark.parametrize("lang, words", [("vi", "đã có dữ liệu"), ("en", "already holds data")])
def test_a_target_that_holds_data_is_kept_unless_replace(capsys, location, tmp_path, lang, words):
    other = str(tmp_path / "other.gpkg")
    assert run(capsys, "store", "init", other)[0] == 0
    edit(location)
    before = content(location)
    code, out, err = run(capsys, "--lang", lang, "store", "copy", "--from", other, "--to", location)
    assert code == 1 and words in err and "--replace" in err and "Traceback" not in err
    assert content(location) == before
    version = open_location(location).version()
    code, out, err = run(capsys, "store", "copy", "--from", other, "--to", location, "--replace")
    assert code == 0, err
    assert_same_store(other, location)
    assert open_location(location).version() != version  # page caches on the target reload


def test_copying_a_store_onto_itself_or_from_nowhere_is_refused(capsys, gpkg_location, tmp_path):
    code, _, err = run(capsys, "store", "copy", "--from", gpkg_location, "--to", gpkg_location)
    assert code == 1 and "same store" in err
    missing = tmp_path / "nothing.gpkg"
    code, _, err = run(capsys, "store", "copy", "--from", str(missing), "--to", str(tmp_path / "b.gpkg"))
    assert code == 1 and "holds no atlas store" in err and str(missing) in err
    assert not missing.exists() and not (tmp_path / "b.gpkg").exists()


def test_a_failed_copy_leaves_the_target_byte_identical(capsys, gpkg_location, tmp_path):
    target = tmp_path / "t.gpkg"
    assert run(capsys, "store", "init", str(target))[0] == 0
    data = target.read_bytes()
    con = sqlite3.connect(gpkg_location)  # a source from a newer app cannot be read, so nothing is copied
    con.execute("UPDATE atlas_meta SET value='99' WHERE key='schema_version'")
    con.commit()
    con.close()
    code, _, err = run(capsys, "store", "copy", "--from", gpkg_location, "--to", str(target), "--replace")
    assert code == 1 and "99" in err and "Traceback" not in err
    assert target.read_bytes() == data


def test_the_cli_process_explains_a_refusal_without_a_traceback(gpkg_location, tmp_path):
    env = dict(os.environ, ATLAS_DATA_DIR=str(tmp_path / "d"))
    out = subprocess.run([sys.executable, "-m", "geo", "--lang", "vi", "store", "copy", "--from", gpkg_location,
                          "--to", gpkg_location + ".x"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0 and "Traceback" not in out.stderr
    again = subprocess.run([sys.executable, "-m", "geo", "--lang", "vi", "store", "copy", "--from", gpkg_location,
                            "--to", gpkg_location + ".x"], cwd=ROOT, env=env, capture_output=True, text=True,
                           timeout=120)
    assert again.returncode == 1 and "Traceback" not in again.stderr and "đã có dữ liệu" in again.stderr


# --- init -----------------------------------------------------------------------------------------------------
def test_init_creates_the_schema_and_the_bundled_data_once(capsys, empty_location):
    from geo.storage.store import BundledStore

    code, out, err = run(capsys, "store", "init", empty_location)
    assert code == 0 and "created" in out and f"schema {SCHEMA_VERSION}" in out, err
    assert len(open_location(empty_location).load().projects) == len(BundledStore().load().projects)
    edit(empty_location)
    before = content(empty_location)
    code, out, _ = run(capsys, "store", "init", empty_location)
    assert code == 0 and "nothing changed" in out
    assert content(empty_location) == before


def test_init_on_some_other_geopackage_explains_and_changes_nothing(capsys, tmp_path):
    path = tmp_path / "roads.gpkg"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE roads (fid INTEGER PRIMARY KEY, name TEXT)")
    con.commit()
    con.close()
    data = path.read_bytes()
    code, _, err = run(capsys, "--lang", "vi", "store", "init", str(path))
    assert code == 1 and "roads" in err and "không phải tệp dữ liệu của ứng dụng" in err
    assert path.read_bytes() == data


# --- check ----------------------------------------------------------------------------------------------------
def test_check_reports_schema_and_counts_of_a_sound_store(capsys, location):
    edit(location)
    code, out, err = run(capsys, "store", "check", "--store", location)
    assert code == 0, out + err
    assert f"schema {SCHEMA_VERSION} (this app: {SCHEMA_VERSION})" in out and "atlas_audit: 6" in out and "no problems found" in out


def _sql(location: str, *statements: str) -> None:
    if location.endswith(".gpkg"):
        con = sqlite3.connect(location)
        for s in statements:
            con.execute(s)
        con.commit()
        con.close()
        return
    import psycopg

    with psycopg.connect(location, autocommit=True) as con:
        for s in statements:
            con.execute(s)


BOWTIE = "POLYGON((0 0, 1 1, 1 0, 0 1, 0 0))"


def test_check_names_every_problem_and_exits_non_zero(capsys, location):
    edit(location)
    if location.endswith(".gpkg"):
        from shapely import from_wkt

        from geo.storage.gpkg import encode, register_functions

        blob = encode(pd.Series([from_wkt(BOWTIE)]).to_numpy())[0]
        con = register_functions(sqlite3.connect(location))  # the spatial index's triggers call ST_* functions
        con.execute("UPDATE crop_zones SET geom=? WHERE fid=(SELECT min(fid) FROM crop_zones)", (blob,))
        con.commit()
        con.close()
    else:
        _sql(location, f"UPDATE crop_zones SET geom=ST_GeomFromText('{BOWTIE}', 4326) "
                       "WHERE fid=(SELECT min(fid) FROM crop_zones)")
    _sql(location,
         "INSERT INTO funding (project_id, source, need, committed, disbursed) VALUES ('GHOST-9', 'ngo', 1, 0, 0)",
         "UPDATE projects SET revision=7 WHERE project_id='TD-002'")
    code, out, _ = run(capsys, "--lang", "vi", "store", "check", "--store", location)
    assert code == 1 and "thấy 3 lỗi" in out
    assert "GHOST-9" in out and "TD-002" in out and "7" in out and "crop_zones" in out and "Self-intersection" in out


def test_check_names_money_records_of_no_project(capsys, location):
    _sql(location, "INSERT INTO money (record_id, project_id, kind, source, amount) "
                   "VALUES ('m-ghost', 'GHOST-7', 'disbursement', 'ngo', 5)")
    code, out, _ = run(capsys, "--lang", "en", "store", "check", "--store", location)
    assert code == 1 and "1 money records belong to no project: GHOST-7" in out


def test_check_names_result_indicators_and_beneficiaries_of_no_project(capsys, location):
    _sql(location, "INSERT INTO result_indicators (indicator_id, project_id, name_vi, unit, target) "
                   "VALUES ('r-ghost', 'GHOST-8', 'Hộ', 'households', 5)",
         "INSERT INTO beneficiaries (project_id, households) VALUES ('GHOST-6', 5)")
    code, out, _ = run(capsys, "--lang", "en", "store", "check", "--store", location)
    assert code == 1 and "1 result indicators belong to no project: GHOST-8" in out
    assert "1 beneficiary records belong to no project: GHOST-6" in out


def test_check_of_an_unreadable_store_says_what_is_wrong(capsys, tmp_path):
    path = tmp_path / "atlas.gpkg"
    path.write_bytes(os.urandom(4096))
    code, _, err = run(capsys, "store", "check", "--store", str(path))
    assert code == 1 and str(path) in err and "not an atlas store" in err


# --- backup and restore ------------------------------------------------------------------------------------------
def test_backup_then_restore_brings_back_the_data_and_keeps_what_was_there(capsys, location, tmp_path):
    snap = tmp_path / "snap.gpkg"
    code, out, err = run(capsys, "store", "backup", "--store", location, "--out", str(snap))
    assert code == 0 and "checked" in out, err
    seeded = content(location)
    data = snap.read_bytes()
    edit(location)
    edited = content(location)
    code, _, err = run(capsys, "store", "backup", "--store", location, "--out", str(snap))
    assert code == 1 and "already exists" in err and snap.read_bytes() == data
    safety = tmp_path / "safety"
    code, out, err = run(capsys, "store", "restore", str(snap), "--store", location, "--safety-dir", str(safety))
    assert code == 0 and "row counts and checksums match" in out, err
    assert content(location) == seeded and snap.read_bytes() == data  # the snapshot itself never changes
    (kept,) = safety.iterdir()
    assert str(kept) in out and content(str(kept)) == edited


def test_a_backup_of_either_store_opens_in_qgis_with_spatial_indexes(capsys, location, tmp_path):
    """A snapshot (or a copy to a file) is what the GIS office opens: every layer indexed, as the store is."""
    snap = tmp_path / "snap.gpkg"
    code, _, err = run(capsys, "store", "backup", "--store", location, "--out", str(snap))
    assert code == 0, err
    for layer in ("communes", "crop_zones", "risk_zones", "landslide_events"):
        assert pyogrio.read_info(snap, layer=layer)["capabilities"]["fast_spatial_filter"], layer
    communes = pyogrio.read_dataframe(snap, layer="communes")
    one = communes.geometry.iloc[0].representative_point().buffer(1e-6).bounds
    assert len(pyogrio.read_dataframe(snap, layer="communes", bbox=one)) == 1


def test_restoring_something_that_is_not_a_snapshot_changes_nothing(capsys, location, tmp_path):
    before = content(location)
    bad = tmp_path / "bad.gpkg"
    bad.write_bytes(b"")
    code, _, err = run(capsys, "store", "restore", str(bad), "--store", location, "--no-safety-backup")
    assert code == 1 and "holds no atlas store" in err
    code, _, err = run(capsys, "store", "restore", str(tmp_path / "none.gpkg"), "--store", location)
    assert code == 1 and "none.gpkg" in err
    assert content(location) == before
