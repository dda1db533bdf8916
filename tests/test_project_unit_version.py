"""Projects keyed by a 2025 unit (``unit_version``) survive the store, imports, exports and the data page.

Some codes name two different units (03405 is old Giang Ma and new Tả Lèng), so losing ``unit_version``
silently moves a project to another place.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
import sqlite3
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook
from streamlit.testing.v1 import AppTest

from geo.analysis import units
from geo.ingest import imports
from geo.ingest.validate import DataError
from geo.model import schema
from geo.output.exports import export_data
from geo.storage.gpkg_store import SCHEMA_VERSION, GpkgStore
from geo.text.i18n import t

SHARED = "03405"  # old Giang Ma, new Tả Lèng
NEW_ONLY = "03408"  # Phường Tân Phong: a 2025 code only
LINES = [{"source": "ngo", "need": 7_000_000, "committed": 1_000_000, "disbursed": 0}]


def _project(pid="UV-1", code=SHARED, version="2025", **kw) -> dict:
    return {"project_id": pid, "name_vi": "Chè Tả Lèng", "name_en": "", "description": "", "commune_code": code,
            "content_area": 3, "status": "proposal", "start_year": 2025, "end_year": 2026, "lead_agency": "",
            "donor": "", "lon": None, "lat": None, "quality": "official", "unit_version": version, **kw}


def _need_of(layer: pd.DataFrame, code: str) -> int:
    return int(layer.set_index("code").loc[code, "need"])


# --- the store -----------------------------------------------------------------------------------
def test_create_update_restore_keep_unit_version(store):
    rec = store.create_project(_project(), LINES, "Lan")
    assert rec.project["unit_version"] == "2025"
    loaded = store.load().projects.set_index("project_id")
    assert loaded.loc["UV-1", "unit_version"] == "2025" and loaded.loc["UV-1", "commune_code"] == SHARED
    rec = store.update_project("UV-1", dict(rec.project, donor="KOICA"), rec.funding, rec.revision, "Lan")
    assert rec.project["unit_version"] == "2025" and rec.project["donor"] == "KOICA"
    # Move it to an old commune, then restore the version after creation: back in new Tả Lèng.
    rec = store.update_project("UV-1", dict(rec.project, unit_version="2021", commune_code="03400"), rec.funding,
                               rec.revision, "Lan")
    assert (rec.project["unit_version"], rec.project["commune_code"]) == ("2021", "03400")
    created = store.history("UV-1")[0]
    back = store.restore("UV-1", created.id, rec.revision, "Lan")
    assert (back.project["unit_version"], back.project["commune_code"]) == ("2025", SHARED)
    assert created.after["project"]["unit_version"] == "2025"  # the audit trail records it too


def test_a_project_without_unit_version_is_stored_as_2021(store):
    p = _project("UV-2", code="03400")
    del p["unit_version"]
    assert store.create_project(p, LINES).project["unit_version"] == "2021"
    assert store.load().projects.set_index("project_id").loc["UV-2", "unit_version"] == "2021"


def test_the_store_accepts_new_codes_only_with_unit_version_2025(store):
    v0 = store.version()
    with pytest.raises(DataError) as err:
        store.create_project(_project("UV-3", code=NEW_ONLY, version="2021"), LINES)
    (p,) = err.value.problems
    assert (p.key, p.column) == ("err.unknown_commune_code_other", "commune_code")
    with pytest.raises(DataError) as err:
        store.create_project(_project("UV-3", code="03400", version="2025"), LINES)  # old Tả Lèng: gone in 2025
    assert err.value.problems[0].key == "err.unknown_commune_code_other"
    with pytest.raises(DataError) as err:
        store.create_project(_project("UV-3", version="2030"), LINES)
    assert err.value.problems[0].key == "err.bad_unit_version"
    assert store.version() == v0
    assert store.create_project(_project("UV-3", code=NEW_ONLY), LINES).project["commune_code"] == NEW_ONLY


# --- migration -----------------------------------------------------------------------------------
def _downgrade(path: Path, drop_column: bool) -> None:
    con = sqlite3.connect(path)
    if drop_column:  # a store seeded before issue 8: no unit_version column at all
        con.execute("ALTER TABLE projects DROP COLUMN unit_version")
    else:  # a store written by the code that dropped unit_version on every save
        con.execute("UPDATE projects SET unit_version = NULL WHERE project_id = 'TD-002'")
    con.execute("UPDATE atlas_meta SET value='2' WHERE key='schema_version'")
    con.commit()
    con.close()


@pytest.mark.parametrize("drop_column", [True, False])
def test_a_schema_2_store_migrates_keeping_every_project(store, tmp_path, drop_column):
    rec = store.get_project("TD-001")
    store.update_project("TD-001", dict(rec.project, donor="Irish Aid"), rec.funding, rec.revision, "Lan")
    store.checkpoint()
    before = store.load()
    path = tmp_path / "old.gpkg"
    shutil.copyfile(store.path, path)
    _downgrade(path, drop_column)
    con = sqlite3.connect(path)
    data_version = int(con.execute("SELECT value FROM atlas_meta WHERE key='data_version'").fetchone()[0])
    con.close()

    old = GpkgStore(path)
    after = old.load()  # opening migrates
    assert set(after.projects["unit_version"]) == {"2021"}
    keep = [c for c in before.projects.columns if c != "unit_version"]
    pd.testing.assert_frame_equal(after.projects[keep], before.projects[keep])
    pd.testing.assert_frame_equal(after.funding, before.funding)
    assert old.get_project("TD-001").project["donor"] == "Irish Aid"
    assert [e.action for e in old.history("TD-001")] == ["update"]
    con = sqlite3.connect(path)
    meta = dict(con.execute("SELECT key, value FROM atlas_meta").fetchall())
    cols = [r[1] for r in con.execute("PRAGMA table_info(projects)")]
    con.close()
    assert meta["schema_version"] == str(SCHEMA_VERSION) and int(meta["data_version"]) == data_version + 1
    assert "unit_version" in cols
    log = old.audit_log()[0]
    assert log.action == "migrate" and "unit_version" in log.note
    # The migrated store takes 2025 projects.
    assert old.create_project(_project(), LINES).project["unit_version"] == "2025"


# --- imports ---------------------------------------------------------------------------------------
def _csv(rows: list[dict], header_lang: str = "vi") -> bytes:
    cols = list(imports.IMPORT_COLUMNS)
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow([getattr(imports.COLUMN_LABELS[c], header_lang) for c in cols])
    w.writerows([[r.get(c, "") for c in cols] for r in rows])
    return buf.getvalue().encode()


def _row(pid: str, commune: str, version: str, need: int = 5_000_000) -> dict:
    return {"project_id": pid, "name_vi": "Nhà văn hóa", "commune_code": commune, "content_area": "6",
            "status": "proposal", "start_year": "2025", "end_year": "2026", "quality": "official",
            "unit_version": version, "source": "ngo", "need": str(need), "committed": "0", "disbursed": "0"}


def test_template_has_a_unit_version_column_with_both_labels():
    label = imports.COLUMN_LABELS["unit_version"]
    assert (label.vi, label.en) == tuple(t("data.col_unit_version", lang) for lang in ("vi", "en"))
    assert label.vi != label.en
    assert imports.header_key(label.vi) == imports.header_key(label.en) == "unit_version"


@pytest.mark.parametrize("header_lang", ["vi", "en"])
def test_csv_import_keys_a_project_by_a_new_unit(store, header_lang):
    ds = store.load()
    tale_2025 = _need_of(units.view(ds, "2025"), SHARED)
    giang_ma_2021 = _need_of(units.view(ds, "2021"), SHARED)
    pre = imports.preview_projects(_csv([_row("IM-25", SHARED, "2025", 5_000_000)], header_lang), "p.csv", ds,
                                   store.project_revisions())
    assert pre.ok, [p.text("en") for p in pre.problems]
    store.apply_projects(pre.records, pre.base_revisions, "Lan")
    after = store.load()
    assert after.projects.set_index("project_id").loc["IM-25", "unit_version"] == "2025"
    assert _need_of(units.view(after, "2025"), SHARED) == tale_2025 + 5_000_000  # new Tả Lèng
    assert _need_of(units.view(after, "2021"), SHARED) == giang_ma_2021  # not old Giang Ma
    assert "IM-25" in set(units.unallocated_projects(after)["project_id"])


def test_csv_import_reads_version_labels_and_new_unit_names(store):
    ds = store.load()
    rows = [_row("IM-26", "Xã Tả Lèng", schema.UNIT_VERSIONS["2025"].vi),
            _row("IM-27", "Tân Phong", schema.UNIT_VERSIONS["2025"].en), _row("IM-28", "Tả Lèng", "")]
    pre = imports.preview_projects(_csv(rows), "p.csv", ds, store.project_revisions())
    assert pre.ok, [p.text("en") for p in pre.problems]
    got = {p["project_id"]: (p["commune_code"], p["unit_version"]) for p, _ in pre.records}
    old_tale = ds.communes.set_index("name").loc["Tả Lèng", "code"]
    assert got == {"IM-26": (SHARED, "2025"), "IM-27": (NEW_ONLY, "2025"), "IM-28": (old_tale, "2021")}


def test_csv_import_refuses_a_new_code_without_2025_bilingually(store):
    ds = store.load()
    pre = imports.preview_projects(_csv([_row("IM-29", NEW_ONLY, ""), _row("IM-30", SHARED, "2024")]), "p.csv", ds,
                                   store.project_revisions())
    assert not pre.ok
    found = {(p.row, p.key) for p in pre.problems}
    assert (3, "err.bad_unit_version") in found
    assert any(p.row == 2 and p.key in ("err.unknown_commune_code_other", "err.unknown_commune") for p in pre.problems)
    for p in pre.problems:
        assert p.key and p.text("vi") != p.text("en")


def test_exported_csv_keeps_unit_version_and_imports_back_unchanged(store, tmp_path):
    store.create_project(_project(), LINES, "Lan")
    ds = store.load()
    out = export_data.export(ds, "csv", tmp_path / "p.csv")
    back = pd.read_csv(out, comment="#", dtype=str, keep_default_na=False)
    row = back[back.project_id == "UV-1"].iloc[0]
    assert (row["commune_code"], row["unit_version"]) == (SHARED, "2025")
    assert row["commune_name"] == units.unit_table(ds, "2025").loc[SHARED, "full_name"]  # new Tả Lèng
    pre = imports.preview_projects(out.read_bytes(), "p.csv", ds, store.project_revisions())
    assert pre.ok and pre.new_ids == [] and pre.changed_ids == []


def test_template_help_lists_the_new_units(tmp_path, store):
    ds = store.load()
    wb = load_workbook(imports.write_template(tmp_path / "t.xlsx", ds))
    header = [c.value for c in wb[imports.TEMPLATE_SHEET][1]]
    assert imports.COLUMN_LABELS["unit_version"].vi in header
    cells = {str(c.value) for r in wb["Hướng dẫn"].iter_rows() for c in r if c.value is not None}
    for code, name in units.unit_table(ds, "2025").reset_index()[["code", "full_name"]].itertuples(index=False):
        assert code in cells and name in cells


# --- the data page ---------------------------------------------------------------------------------
def _codes(selectbox) -> list[str]:
    """The codes a commune selector offers (its options read "name (code)")."""
    return sorted(re.search(r"\((\d{5})\)$", o).group(1) for o in selectbox.options)


def _select(at: AppTest, label: str):
    return next(s for s in at.selectbox if s.label == label)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_data_page_saves_a_project_in_a_new_unit(app_page, store, lang, signed_in):
    at = app_page("pages/data.py", lang, **signed_in())
    version = _select(at, imports.field_label("unit_version", lang))
    assert version.options == [v(lang) for v in schema.UNIT_VERSIONS.values()]
    ds = store.load()
    assert _codes(_select(at, imports.field_label("commune_code", lang))) == sorted(ds.communes["code"])
    version.set_value("2025").run()
    commune = _select(at, imports.field_label("commune_code", lang))
    assert _codes(commune) == sorted(ds.units_2025["code"])
    assert units.unit_table(ds, "2025").loc[SHARED, "full_name"] in " ".join(commune.options)
    commune.set_value(SHARED)
    next(x for x in at.text_input if x.label == imports.field_label("project_id", lang)).set_value("UV-9")
    next(x for x in at.text_input if x.label == imports.field_label("name_vi", lang)).set_value("Chè")
    at = next(b for b in at.button if b.label == t("data.save", lang)).click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    rec = store.get_project("UV-9")
    assert (rec.project["commune_code"], rec.project["unit_version"]) == (SHARED, "2025")
