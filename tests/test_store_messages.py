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
            "status": "idea", "start_year": 2024, "end_year": 2025, "quality": "official"}


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

