"""Project imports: encodings, headers, name matching, preview, template, and writing all or nothing."""

from __future__ import annotations

import codecs
import unicodedata

import pytest
from openpyxl import load_workbook

from geo.cli.main import main
from geo.ingest import imports
from geo.ingest.imports import encode_cp1258, preview_projects
from geo.model import schema
from tests.helpers import EN, VI, csv_text, row


@pytest.fixture
def code_of(store):
    ds = store.load()
    return dict(zip(ds.communes["name"], ds.communes["code"]))


def preview(store, data: bytes, name: str = "p.csv"):
    return preview_projects(data, name, store.load(), store.project_revisions())


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "windows-1258"])
def test_every_supported_encoding_imports_with_nfc_names(store, code_of, encoding):
    text = csv_text([row(name="Trồng chè Shan tuyết xã Hồ Thầu", commune="Hồ Thầu", lead_agency="Phòng Nông nghiệp")])
    data = encode_cp1258(text) if encoding == "windows-1258" else text.encode(encoding)
    pre = preview(store, data)
    assert pre.ok, pre.problems
    counts = store.apply_projects(pre.records, pre.base_revisions, "Lan")
    assert counts["created"] == 1
    stored = store.get_project("IM-1").project
    assert stored["name_vi"] == "Trồng chè Shan tuyết xã Hồ Thầu"
    assert unicodedata.is_normalized("NFC", stored["name_vi"]) and unicodedata.is_normalized("NFC", stored["lead_agency"])
    assert stored["commune_code"] == code_of["Hồ Thầu"]


def test_windows_1258_really_uses_combining_tone_marks():
    raw = encode_cp1258("Hồ")
    assert raw != "Hồ".encode() and len(raw) == 3  # H, ô, combining grave


def test_english_headers_semicolons_and_bom_are_accepted(store):
    data = codecs.BOM_UTF8 + csv_text([row()], EN, sep=";").encode("utf-8")
    pre = preview(store, data)
    assert pre.ok, pre.problems
    assert pre.records[0][1][0]["need"] == 1_000_000


@pytest.mark.parametrize("typed", ["xa ban bo", "Xã Bản Bo", "BAN BO", "3424", "03424"])
def test_commune_names_typed_any_way_match_the_gso_code(store, code_of, typed):
    pre = preview(store, csv_text([row(commune=typed)]).encode())
    assert pre.ok, pre.problems
    assert pre.records[0][0]["commune_code"] == code_of["Bản Bo"]
    assert pre.matches.loc[0, "code"] == code_of["Bản Bo"]


def test_labels_are_accepted_for_status_area_source_and_quality(store):
    r = row(status="Đã cam kết", content_area="Y tế, dinh dưỡng trẻ em", source="Vốn vay ưu đãi", quality="minh họa")
    pre = preview(store, csv_text([r]).encode())
    assert pre.ok, pre.problems
    p, lines = pre.records[0]
    assert (p["status"], p["content_area"], p["quality"], lines[0]["source"]) == (
        "committed", 7, "illustrative", "concessional_loan")


@pytest.mark.parametrize(("typed", "step"), [("Ý tưởng", "proposal"), ("idea", "proposal"), ("Pitched", "approved"),
                                             ("Đã giới thiệu nhà tài trợ", "approved"), ("Đã thẩm định", "appraised"),
                                             ("Approved for pitching", "approved"), ("Bị từ chối", "rejected")])
def test_statuses_of_the_workflow_and_of_before_it_are_read_as_its_steps(store, typed, step):
    pre = preview(store, csv_text([row(status=typed)]).encode())
    assert pre.ok, pre.problems
    assert pre.records[0][0]["status"] == step


def test_one_project_over_several_rows_collects_its_funding_lines(store):
    rows = [row(source="ngo", need="300"), row(name="", commune="", source="state_budget", need="200")]
    pre = preview(store, csv_text(rows).encode())
    assert pre.ok, pre.problems
    (p, lines), = pre.records
    assert sorted((ln["source"], ln["need"]) for ln in lines) == [("ngo", 300), ("state_budget", 200)]


def test_preview_writes_nothing_and_confirm_writes_everything(store):
    v0 = store.version()
    rows = [row("IM-1"), row("IM-2", commune="Nà Tăm")]
    pre = preview(store, csv_text(rows).encode())
    assert pre.new_ids == ["IM-1", "IM-2"]
    assert store.version() == v0 and store.get_project("IM-1") is None
    store.apply_projects(pre.records, pre.base_revisions, "Lan", note="import p.csv")
    assert store.get_project("IM-2") is not None
    assert [e.action for e in store.history("IM-1")] == ["create"]


def test_import_updates_existing_projects_with_audit_and_conflict_check(store):
    rec = store.get_project("TD-001")
    r = row(**{k: ("" if v is None else v) for k, v in rec.project.items()}, source="ngo", need="5", committed="0")
    pre = preview(store, csv_text([r]).encode())
    assert pre.ok, pre.problems
    assert pre.changed_ids == ["TD-001"]
    # Someone edits TD-001 between preview and confirm: the import must not overwrite it.
    store.update_project("TD-001", dict(rec.project, donor="khác"), rec.funding, rec.revision, "Minh")
    from geo.storage.records import ConflictError

    with pytest.raises(ConflictError):
        store.apply_projects(pre.records, pre.base_revisions, "Lan")
    assert store.get_project("TD-001").project["donor"] == "khác"


def test_template_cli_writes_vietnamese_headers_example_and_help(tmp_path, store):
    out = tmp_path / "mau.xlsx"
    assert main(["template", "--out", str(out)]) == 0
    wb = load_workbook(out)
    ws = wb[imports.TEMPLATE_SHEET]
    assert [c.value for c in ws[1]] == VI
    assert ws["A2"].value == imports.EXAMPLE_ID
    help_text = " ".join(str(c.value) for r in wb["Hướng dẫn"].iter_rows() for c in r if c.value)
    ds = store.load()
    assert all(code in help_text for code in ds.communes["code"])
    assert all(s.key in help_text for s in schema.FUNDING_SOURCES) and "Đã cam kết" in help_text


def test_filled_in_template_imports(tmp_path, store):
    out = tmp_path / "mau.xlsx"
    imports.write_template(out, store.load())
    wb = load_workbook(out)
    ws = wb[imports.TEMPLATE_SHEET]
    ws["A2"] = "TD-900"  # the user replaces the example with a real project
    wb.save(out)
    assert main(["import-projects", str(out), "--yes", "--user", "Lan"]) == 0
    rec = store.get_project("TD-900")
    assert rec.funding[0]["need"] == 1_000_000_000 and store.history("TD-900")[0].user == "Lan"


def test_cli_import_without_yes_writes_nothing(tmp_path, store):
    f = tmp_path / "p.csv"
    f.write_text(csv_text([row()]), encoding="utf-8")
    v0 = store.version()
    assert main(["import-projects", str(f)]) == 1
    assert store.version() == v0
