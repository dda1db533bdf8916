"""The last English-only messages, now Vietnamese first and English for donors.

Donor-profile problems, pitch-target errors (library and ``python -m geo pitch``), layer-import notes
and summaries (CLI and data page), the data CLI's own lines, mixed-geometry counts, and indicator units
that say "1 event" but "2 events" in English.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Point, box

from geo.analysis.indicators import INDICATORS, commune_indicators
from geo.cli.main import main
from geo.ingest import donors, layer_import
from geo.ingest.validate import DataError, NoteError
from geo.output.maps import details, render, webmap
from geo.output.pitch import pack as pitch
from geo.storage import layer_commit
from geo.text import i18n
from tests.helpers import PROV, assert_bilingual, bundled_dataset, csv_text, row


def no_english_in_vi(problems) -> None:
    for p in problems:
        assert p.sentence("en") not in p.text("vi"), p


# --- 1. donor profiles -------------------------------------------------------------------------------
def test_every_donor_profile_problem_reads_in_vietnamese():
    _, problems = donors.validate_donor(
        {"donor_id": "X Y", "name": "", "donor_type": "bank", "instruments": "grant;gift", "ticket_min": "-5",
         "ticket_max": "abc", "priority_health": "7", "priorities_quality": "sure"}, "donors.csv", 3)
    assert {p.column for p in problems} == {"donor_id", "name", "donor_type", "instruments", "ticket_min",
                                            "ticket_max", "priority_health", "priorities_quality"}
    assert_bilingual(problems)
    no_english_in_vi(problems)
    by_col = {p.column: p for p in problems}
    assert by_col["priority_health"].sentence("vi") == "mức ưu tiên 7 phải từ 0 đến 3"
    assert by_col["name"].sentence("en") == "is required"  # English unchanged for logs
    _, order = donors.validate_donor({"donor_id": "ab", "name": "A", "donor_type": "bilateral",
                                      "instruments": "grant", "ticket_min": "10", "ticket_max": "2"})
    assert [p.sentence("vi") for p in order] == ["mức tài trợ tối đa (2) nhỏ hơn mức tối thiểu (10)"]


def test_donor_csv_file_problems_read_in_vietnamese(tmp_path):
    missing = tmp_path / "d.csv"
    missing.write_text("donor_id\nabc\n", encoding="utf-8")
    with pytest.raises(DataError) as err:
        donors.read_donor_csv(missing)
    assert_bilingual(err.value.problems)
    assert "thiếu cột" in err.value.text("vi") and "missing column" not in err.value.text("vi")

    twice = tmp_path / "twice.csv"
    base = donors.bundled_frame().iloc[[0, 0]]
    base.to_csv(twice, index=False)
    with pytest.raises(DataError) as err:
        donors.read_donor_csv(twice)
    (p,) = err.value.problems
    assert p.row == 3 and p.column == "donor_id"
    assert_bilingual([p])
    assert p.sentence("vi") == f"mã nhà tài trợ '{base.iloc[0]['donor_id']}' xuất hiện hai lần"


# --- 2. pitch targets ---------------------------------------------------------------------------------
def test_unknown_commune_codes_in_a_pitch_target_are_bilingual(ds):
    with pytest.raises(NoteError) as err:
        pitch.check_communes(ds, ("99999",))
    vi, en = err.value.text("vi"), err.value.text("en")
    assert str(err.value) == en and en.startswith("unknown commune code(s) 99999")
    assert vi.startswith("không có mã xã 99999") and "unknown" not in vi and "valid" not in vi
    assert ds.communes["full_name"].iloc[0] in vi  # the valid list is still there


@pytest.mark.parametrize("argv, vi_text, en_text", [
    (["--communes", "Hà Nội"], "không tìm thấy xã Hà Nội", "unknown commune(s) Hà Nội"),
    (["--donor", "usaid"], "không có nhà tài trợ 'usaid'", "unknown donor 'usaid'"),
    (["--theme", "11"], "không có nội dung thu hút 11", "unknown theme 11"),
])
def test_pitch_cli_errors_follow_lang(argv, vi_text, en_text, tmp_path, capsys):
    out = str(tmp_path / "x.pptx")
    assert main(["pitch", *argv, "--lang", "vi", "--out", out]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"lỗi: {vi_text}") and en_text not in err and "valid" not in err
    assert main(["pitch", *argv, "--out", out]) == 2
    assert capsys.readouterr().err.startswith(f"error: {en_text}")


def test_pitch_cli_missing_folder_is_vietnamese(tmp_path, capsys):
    out = tmp_path / "nope" / "x.pptx"
    assert main(["pitch", "--theme", "3", "--lang", "vi", "--dpi", "30", "--out", str(out)]) == 2
    assert capsys.readouterr().err.startswith(f"lỗi: thư mục {out.parent} không tồn tại")


# --- 3/4. layer-import notes, summaries and the data CLI ----------------------------------------------
def two_communes_geojson() -> bytes:
    return bundled_dataset().communes.iloc[:2][["code", "geometry"]].to_json().encode()


def test_crs_notes_and_commit_summary_are_keyed(store):
    ds = store.load()
    li = layer_import.preview_layer("communes", two_communes_geojson(), "two.geojson", ds, crs="EPSG:4756")
    assert li.ok, li.problems
    keys = [n.key for n in li.notes]
    assert keys == ["data.note_crs_replaced", "data.note_vn2000"]
    for n in li.notes:
        vi, en = n.text("vi"), n.text("en")
        assert vi != en and en not in vi
    assert "EPSG:6960" in li.notes[1].text("vi")
    summary = layer_commit.commit_layer(store, li, ds, source="Sở TN&MT", licence="nội bộ", date="2025-06-30",
                                        quality="official")
    # two of 13 boundaries replaced: the layer stays as good as its weakest commune
    assert summary.text("en") == "13 features stored in commune boundaries (approximate)"
    assert summary.text("vi") == "13 đối tượng vào lớp ranh giới xã (gần đúng)"


def test_match_table_translates_headers_and_how_but_keeps_the_machine_frame():
    m = pd.DataFrame([{"row": 1, "field": "TEN", "value": "Ban Bo", "code": "03424", "name": "Xã Bản Bo",
                       "how": "name (fuzzy)"},
                      {"row": 2, "field": "TEN", "value": "Ha Noi", "code": "", "name": "", "how": "unmatched"}])
    vi = layer_import.match_table(m, "vi")
    assert list(vi.columns) == [i18n.t(f"data.match.{c}", "vi") for c in m.columns]
    assert vi[i18n.t("data.match.how", "vi")].tolist() == ["theo tên (gần đúng, cần kiểm tra)", "không tìm thấy"]
    assert layer_import.match_table(m, "en")["Matched by"].tolist() == ["name (fuzzy)", "unmatched"]
    assert list(m.columns) == ["row", "field", "value", "code", "name", "how"]


def test_mixed_geometry_counts_name_the_types_in_each_language(ds):
    c = ds.communes.geometry.iloc[0].representative_point()
    gdf = gpd.GeoDataFrame(geometry=[box(c.x, c.y, c.x + 0.01, c.y + 0.01), box(c.x, c.y, c.x + 0.02, c.y + 0.02),
                                     Point(c.x, c.y)], crs="EPSG:4326")
    _, problems, _ = layer_import.check_geometries(gdf, "z.geojson", "polygon")
    mixed = next(p for p in problems if p.key == "err.mixed_geometry")
    assert "(2 vùng (polygon), 1 điểm (point))" in mixed.sentence("vi")
    assert "2 polygon, 1 point" in mixed.sentence("en") and "2 polygon" not in mixed.sentence("vi")


def test_data_cli_lines_follow_lang(tmp_path, store, capsys, monkeypatch):
    good = tmp_path / "p.csv"
    good.write_bytes(csv_text([row(pid="CLI-1")]).encode())
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    assert main(["--lang", "vi", "import-projects", str(good)]) == 1
    out = capsys.readouterr().out
    assert "p.csv: mã hóa" in out and "1 dự án (1 mới, 0 thay đổi)" in out
    assert "chưa ghi gì" in out and "nothing written" not in out and "projects" not in out
    assert main(["--lang", "vi", "import-projects", str(good), "--yes"]) == 0
    assert "đã ghi: 1 mới, 0 cập nhật, 0 không đổi" in capsys.readouterr().out

    layer = tmp_path / "two.geojson"
    layer.write_bytes(two_communes_geojson())
    assert main(["--lang", "vi", "import-layer", "communes", str(layer), "--crs", "EPSG:4756", *PROV]) == 0
    out = capsys.readouterr().out
    assert "lưu ý: Đã chuyển VN-2000 sang WGS 84" in out and "note:" not in out
    assert "Cách đối chiếu" in out and "theo mã" in out
    assert "đã ghi: 13 đối tượng vào lớp ranh giới xã (gần đúng)" in out and "features stored" not in out
    assert main(["--lang", "vi", "template", "--out", str(tmp_path / "t.xlsx")]) == 0
    assert capsys.readouterr().out.startswith("đã ghi ")


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_data_page_layer_notes_matches_and_summary_in_the_ui_language(app_page, lang, store, signed_in):
    at = app_page("pages/data.py", lang, **signed_in())
    at.selectbox(key="layer_crs").set_value("EPSG:4756")
    at.file_uploader(key="data_layer_upload").set_value(("two.geojson", two_communes_geojson(),
                                                         "application/geo+json")).run()
    assert not at.exception, at.exception
    infos = [i.value for i in at.info]
    assert i18n.t("data.note_vn2000", lang) in infos
    other = "en" if lang == "vi" else "vi"
    assert i18n.t("data.note_vn2000", other) not in infos
    table = next(d.value for d in at.dataframe if i18n.t("data.match.how", lang) in d.value.columns)
    assert set(table[i18n.t("data.match.how", lang)]) == {i18n.t("data.how.code", lang)}
    at.text_input(key="prov_source").set_value("Sở TN&MT")
    at.text_input(key="prov_licence").set_value("nội bộ")
    at.button(key="confirm_layer").click().run()
    assert not at.exception, at.exception
    done = " ".join(s.value for s in at.success)
    quality = {"vi": "gần đúng", "en": "approximate"}  # 2 of 13 boundaries replaced
    assert f"13 {'đối tượng' if lang == 'vi' else 'features'}" in done and quality[lang] in done
    assert ("features stored" in done) == (lang == "en")


# --- 6. units that count ---------------------------------------------------------------------------------
def test_counted_units_are_singular_for_one_in_english():
    assert webmap.format_value("n_events", 1, "en") == "1 event"
    assert webmap.format_value("n_events", 2, "en") == "2 events"
    assert webmap.format_value("n_projects", 1, "en") == "1 project"
    assert webmap.format_value("n_events", 1, "vi") == "1 vụ" == webmap.format_value("n_events", 1.0, "vi")
    assert render.format_value("n_events", 1, "en") == "1 event"
    assert render.format_value("n_events", 3, "en") == "3 events"
    assert INDICATORS["ha_tea"].unit_for(1, "en") == "ha"  # only counted units inflect


def test_detail_panel_and_legend_say_1_event(ds):
    table = commune_indicators(ds)
    one = table.index[table["n_events"] == 1] if "code" not in table.columns else \
        table.loc[table["n_events"] == 1, "code"]
    code = list(one)[0]
    figures = dict(details.commune_detail(ds, table, code, "en").figures)
    assert figures[INDICATORS["n_events"].label("en")] == "1 event"
    from geo.analysis.classify import classify
    rows = webmap.legend_rows(classify([1, 2, 3, 4], "equal_interval", k=3), "n_events", "en")
    assert rows[0][1] == "1 event – 2 events"
