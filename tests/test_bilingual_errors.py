"""Every input problem reads in Vietnamese for planners and in English for donors and logs.

A :class:`geo.ingest.validate.Problem` carries a catalog key; ``text("vi")`` must be Vietnamese with a
Vietnamese location ("tệp X, dòng 3, cột 'need'"), ``str()`` stays English for logs. Checked on
hand-made bad inputs for each validator, on the whole bad-input corpus through the CLI, on the data
page (AppTest) and on ``python -m geo --lang vi import-projects``.
"""

from __future__ import annotations

import string

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import LineString, Point, Polygon, box
from streamlit.testing.v1 import AppTest

from geo.cli.main import main
from geo.ingest import layer_import, layers, names, records, validate
from geo.ingest.imports import COLUMN_LABELS, preview_projects
from geo.ingest.validate import DataError, Problem
from geo.text import i18n
from tests.helpers import CASES, PROV, P, assert_bilingual, csv_text, row

HANOI_VI = "Không tìm thấy xã/thị trấn 'Hà Nội'"
HANOI_EN = "Unknown commune 'Hà Nội'"



# --- the Problem type ---------------------------------------------------------------------------------
def test_unkeyed_problem_falls_back_to_its_message_with_a_localised_location():
    p = Problem("x.csv", "something odd", 4, "need")
    assert p.text("vi") == "tệp x.csv, dòng 4, cột 'need': something odd"
    assert p.text("en") == str(p) == "x.csv, row 4, column 'need': something odd"


def test_keyed_problem_is_hashable_and_english_message_matches_the_catalog():
    a = Problem.of("f.csv", "err.negative_amount", 3, "need", value=-5)
    b = Problem.of("f.csv", "err.negative_amount", 3, "need", value=-5)
    assert {a, b} == {a}
    assert a.message == "amount -5 is negative"
    assert a.sentence("vi") == "số tiền -5 là số âm"


def test_data_error_text_joins_every_problem_in_the_language():
    err = DataError([Problem.of("f.csv", "err.required_empty", 2, "name_vi"),
                     Problem.of("f.csv", "err.end_before_start", 3, "end_year")])
    assert err.text("vi").splitlines() == [
        "tệp f.csv, dòng 2, cột 'name_vi': thiếu giá trị bắt buộc",
        "tệp f.csv, dòng 3, cột 'end_year': năm kết thúc trước năm bắt đầu",
    ]
    assert str(err) == err.text("en")


def test_error_placeholders_never_clash_with_problem_fields():
    reserved = {"file", "key", "row", "column"}
    for key, (vi, _en) in i18n.CATALOG.items():
        if key.startswith("err.") and not key.startswith(("err.loc.", "err.cli_")):
            fields = {f for _, f, _, _ in string.Formatter().parse(vi) if f}
            assert not fields & reserved, key


def test_commune_match_problem_comes_from_the_catalog():
    idx = names.NameIndex.from_records([("00001", "Bản Hon"), ("00002", "Bản Hon")])
    amb = idx.match("ban hon")
    assert amb.problem("vi") == "'ban hon' không rõ là đơn vị nào: 00001, 00002"
    assert amb.problem("en") == "'ban hon' is ambiguous: 00001, 00002"
    assert idx.match("Hà Nội").problem("vi") == HANOI_VI
    assert names.NameIndex.from_records([("00001", "Bản Hon")]).match("ban hon").problem("vi") is None


# --- each validator on hand-made bad input ------------------------------------------------------------
def test_funding_validator_problems_are_bilingual():
    df = pd.DataFrame([
        {"project_id": "P1", "source": "lottery", "need": "-5", "committed": "1 tỷ", "disbursed": "0"},
        {"project_id": "P2", "source": "ngo", "need": "10", "committed": "5", "disbursed": "9"},
    ])
    found = validate.validate_funding(df, "f.csv")
    assert {p.key for p in found} == {"err.unknown_source", "err.negative_amount", "err.not_whole_vnd",
                                      "err.disbursed_over_committed"}
    assert_bilingual(found)
    assert any("không phải số nguyên VND" in p.text("vi") for p in found)
    assert_bilingual(validate.validate_funding(df.drop(columns=["need"]), "f.csv"))


def test_project_validator_problems_are_bilingual():
    good = {"project_id": "P1", "name_vi": "Kênh", "commune_code": "03424", "content_area": "1", "status": "proposal",
            "start_year": "2022", "end_year": "2024", "quality": "official", "name_en": "", "description": ""}
    rows = [
        good,
        {**good, "name_vi": "", "commune_code": "99999", "content_area": "11", "status": "funded",
         "quality": "guess", "start_year": "1990"},
        {**good, "start_year": "2025", "end_year": "2022", "name_en": "Cafe\u0301", "unit_version": "2030"},
        {**good, "project_id": "P4", "unit_version": "2021", "commune_code": "03405x"},
    ]
    found = validate.validate_projects(pd.DataFrame(rows), "p.csv", ["03424"])
    keys = {p.key for p in found}
    assert {"err.duplicate_project_id", "err.required_empty", "err.unknown_commune_code", "err.bad_content_area",
            "err.unknown_status", "err.unknown_quality", "err.bad_year", "err.end_before_start", "err.not_nfc",
            "err.bad_unit_version"} <= keys
    assert_bilingual(found)
    assert_bilingual(validate.validate_projects(pd.DataFrame([good]).drop(columns=["status"]), "p.csv", []))


def test_code_of_the_other_unit_version_names_that_version_in_each_language():
    rec = {"project_id": "P1", "name_vi": "Kênh", "commune_code": "10001", "content_area": "1", "status": "proposal",
           "start_year": "2022", "end_year": "2024", "quality": "official"}
    (p,) = validate.validate_projects(pd.DataFrame([rec]), "p.csv", ["03424"], ["10001"])
    assert p.key == "err.unknown_commune_code_other"
    assert "Đơn vị từ 1/7/2025" in p.text("vi") and "Units from 1/7/2025" in p.text("en")
    assert "Units from" not in p.text("vi")
    assert_bilingual([p])


def test_commune_layer_and_crosswalk_problems_are_bilingual():
    sq = box(0, 0, 1, 1)
    bowtie = Polygon([(0, 0), (1, 1), (1, 0), (0, 1)])
    gdf = gpd.GeoDataFrame({"code": ["123", "03424", "03424", "03425"]},
                           geometry=[sq, LineString([(0, 0), (1, 1)]), bowtie, Polygon()], crs="EPSG:4326")
    found = validate.validate_commune_layer(gdf, "c.geojson")
    assert {"err.bad_gso_code", "err.duplicate_code", "err.wrong_geometry", "err.invalid_polygon",
            "err.empty_geometry"} <= {p.key for p in found}
    assert_bilingual(found)
    assert any("LineString trong khi cần vùng (polygon)" in p.text("vi") for p in found)
    assert_bilingual(validate.validate_commune_layer(gdf.drop(columns=["code"]), "c.geojson"))

    units = pd.DataFrame({"code": ["N1", "N2"], "outside_territory": ["false", "false"]})
    cw = pd.DataFrame([
        {"old_code": "O1", "old_name": "", "new_code": "N1", "new_name": "", "new_type": "xã", "whole": "false",
         "new_unit_has_outside_territory": "true", "legal_source": ""},
        {"old_code": "O1", "old_name": "", "new_code": "N9", "new_name": "", "new_type": "xã", "whole": "true",
         "new_unit_has_outside_territory": "false", "legal_source": "NQ"},
        {"old_code": "O7", "old_name": "", "new_code": "N1", "new_name": "", "new_type": "xã", "whole": "true",
         "new_unit_has_outside_territory": "false", "legal_source": "NQ"},
    ])
    found = validate.validate_crosswalk(cw, "cw.csv", ["O1", "O2"], units)
    assert {"err.unknown_old_code", "err.old_code_repeated", "err.new_code_unknown", "err.outside_disagrees",
            "err.only_whole", "err.required_empty", "err.old_commune_no_row", "err.unit_no_former"} == \
        {p.key for p in found}
    assert_bilingual(found)
    assert_bilingual(validate.validate_crosswalk(cw.drop(columns=["whole"]), "cw.csv", [], units))


def test_layer_readers_raise_bilingual_problems(tmp_path):
    manifest = tmp_path / "layers.json"
    manifest.write_text('{"communes": {"quality": "guess"}}', encoding="utf-8")
    with pytest.raises(DataError) as err:
        layers.read_manifest(manifest)
    assert_bilingual(err.value.problems)
    with pytest.raises(DataError) as err:
        layers.to_geographic(gpd.GeoDataFrame(geometry=[Point(0, 0)]), "x.geojson")
    assert_bilingual(err.value.problems)
    funding = tmp_path / "funding.csv"
    funding.write_text("project_id,source,need,committed,disbursed\nZZ,ngo,1,0,0\n", encoding="utf-8")
    with pytest.raises(DataError) as err:
        layers.read_funding(funding, ["P1"])
    assert_bilingual(err.value.problems)
    assert err.value.problems[0].sentence("vi") == "không có dự án mã 'ZZ'"


def test_form_record_problems_keep_their_key_when_rewrapped():
    p = records.blank_project() | {"project_id": "X-1", "name_vi": "Nước", "commune_code": "03424",
                                   "content_area": 1, "status": "proposal", "start_year": 2025, "end_year": 2023,
                                   "quality": "official", "lon": "abc", "lat": None}
    lines = [{"source": "ngo", "need": 100, "committed": 150, "disbursed": 0},
             {"source": "ngo", "need": -1, "committed": 0, "disbursed": 0}]
    found = records.validate_record(p, lines, ["03424"])
    assert {"err.end_before_start", "err.not_number", "err.lon_lat_pair", "err.source_twice", "err.overcommit",
            "err.negative_amount"} <= {x.key for x in found}
    assert all(x.file == "form" for x in found)
    assert_bilingual(found)
    over = next(x for x in found if x.key == "err.overcommit")
    assert over.sentence("vi") == "vốn cam kết (150) vượt nhu cầu (100); đánh dấu ô xác nhận nếu số liệu này đúng"


def test_import_warnings_and_layer_repairs_are_bilingual(store, ds):
    data = csv_text([row(commune="xa ban bo", need="10", committed="20")]).encode()
    text = data.decode().replace("Mã dự án", "Mã dự án,Ghi chú riêng", 1).replace("IM-1,", "IM-1,x,", 1)
    pre = preview_projects(text.encode(), "p.csv", store.load(), store.project_revisions())
    assert pre.ok, pre.problems
    assert {"err.unknown_column_ignored", "err.overcommit", "err.read_as"} <= {w.key for w in pre.warnings}
    assert_bilingual(pre.warnings)

    c = ds.communes.geometry.iloc[0].representative_point()
    x0, y0, d = c.x - 0.005, c.y - 0.005, 0.01
    w = d / 200
    loop = Polygon([(x0, y0), (x0 + d, y0), (x0 + d, y0 + d), (x0, y0 + d), (x0 + w, y0 - w), (x0 - w, y0 + w)])
    _, problems, repairs = layer_import.check_geometries(
        gpd.GeoDataFrame(geometry=[loop, Point(c.x, c.y)], crs="EPSG:4326"), "z.geojson", "polygon")
    assert [r.key for r in repairs] == ["err.polygon_repaired"]
    assert {p.key for p in problems} == {"err.mixed_geometry", "err.wrong_geometry"}
    assert_bilingual(repairs + problems)
    assert any("Point trong khi cần vùng (polygon)" in p.text("vi") for p in problems)


def test_layer_provenance_problems_are_bilingual(ds):
    with pytest.raises(DataError) as err:
        layer_import.make_provenance(ds, "crop_zones", "", "CC-BY", "30/6/2025", "guess", file="z.geojson")
    assert {p.key for p in err.value.problems} == {"err.provenance_required", "err.bad_date", "err.bad_quality"}
    assert_bilingual(err.value.problems)


# --- the whole bad-input corpus, through the CLI in Vietnamese ----------------------------------------
@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_every_corpus_problem_is_keyed_and_printed_in_vietnamese(case, tmp_path, store, capsys, monkeypatch):
    name, command, filename, build, _expected_en, extra = case
    raised: list[DataError] = []
    original = DataError.__init__

    def spy(self, problems):
        original(self, problems)
        raised.append(self)

    monkeypatch.setattr(DataError, "__init__", spy)
    path = tmp_path / filename
    path.write_bytes(build(tmp_path))
    if command == P:
        argv = ["--lang", "vi", P, str(path), "--yes", *extra]
    else:
        prov = [] if "--no-prov" in extra else PROV
        argv = ["--lang", "vi", "import-layer", command, str(path), *[a for a in extra if a != "--no-prov"], *prov]
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert err.startswith("lỗi: tệp "), err
    shown = raised[-1].problems
    assert_bilingual(shown)
    for p in shown:
        assert p.text("vi") in err and p.message not in err, (p, err)


# --- where users see them -----------------------------------------------------------------------------
def test_cli_in_vietnamese_prints_vietnamese_and_english_by_default(tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_text([row(commune="Hà Nội", need="-5")]).encode())
    assert main(["--lang", "vi", "import-projects", str(bad), "--yes"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("lỗi: ")
    assert f"tệp bad.csv, dòng 2, cột 'Xã, thị trấn': {HANOI_VI}" in err
    assert "tệp bad.csv, dòng 2, cột 'Nhu cầu vốn (VND)': số tiền -5 là số âm" in err
    assert "Unknown commune" not in err and "row 2" not in err
    assert main(["import-projects", str(bad), "--yes"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and f"bad.csv, row 2, column 'Xã, thị trấn': {HANOI_EN}" in err


@pytest.fixture
def page(app_page, signed_in):
    """``page(lang)``: the data page signed in as an admin, which must render without an exception."""
    def open_page(lang: str) -> AppTest:
        at = app_page("pages/data.py", lang, **signed_in())
        assert not at.exception, at.exception
        return at

    return open_page


@pytest.mark.parametrize("lang, expected, other", [("vi", HANOI_VI, HANOI_EN), ("en", HANOI_EN, HANOI_VI)])
def test_data_page_import_shows_the_unknown_commune_in_the_ui_language(page, lang, expected, other, store):
    at = page(lang)
    bad = csv_text([row(commune="Hà Nội")]).encode()
    at.file_uploader(key="data_table_upload").set_value(("bad.csv", bad, "text/csv")).run()
    assert not at.exception
    assert any(i18n.t("data.problems", lang) in e.value for e in at.error)
    table = next(d.value for d in at.dataframe if i18n.t("data.col_problem", lang) in d.value.columns)
    shown = table[i18n.t("data.col_problem", lang)].tolist()
    assert expected in shown and other not in shown


def test_data_page_form_errors_are_vietnamese_in_vietnamese(page, store):
    at = page("vi")
    label = lambda c: COLUMN_LABELS[c]("vi")  # noqa: E731
    next(e for e in at.text_input if e.label == label("project_id")).set_value("NEW-9")
    next(e for e in at.number_input if e.label == label("start_year")).set_value(2025)
    next(e for e in at.number_input if e.label == label("end_year")).set_value(2022)
    at = next(b for b in at.button if b.label == i18n.t("data.save", "vi")).click().run()
    text = " ".join(e.value for e in at.error)
    assert "năm kết thúc trước năm bắt đầu" in text and "thiếu giá trị bắt buộc" in text
    assert "end year before start year" not in text and "required value is empty" not in text


def test_figures_in_refusals_use_the_readers_separators():
    with pytest.raises(DataError) as err:
        layer_import.read_layer(b"x" * (layer_import.MAX_LAYER_BYTES + 2**19), "big.geojson")
    mb = (layer_import.MAX_LAYER_BYTES + 2**19) / 2**20
    assert f"{mb:.1f}".replace(".", ",") + " MB" in err.value.text("vi")
    assert f"{mb:.1f} MB" in err.value.text("en") and f"{mb:.1f} MB" in str(err.value)
