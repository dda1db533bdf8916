"""The data-management page (Streamlit AppTest): validation names the field, imports preview before
writing, conflicts show both versions, history restores."""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from geo.ingest.imports import COLUMN_LABELS
from geo.text import fmt
from geo.text.i18n import t
from tests.helpers import csv_text, row


@pytest.fixture
def page(app_page, signed_in):
    """``page(lang)``: the data page signed in as an admin (``admin1``), which must render without an exception."""
    def open_page(lang: str = "en") -> AppTest:
        at = app_page("pages/data.py", lang, **signed_in())
        assert not at.exception, at.exception
        return at

    return open_page


def by_label(elements, label):
    return next(e for e in elements if e.label == label)


def save(at: AppTest) -> AppTest:
    return by_label(at.button, t("data.save", at.session_state["lang"])).click().run()


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_page_renders_with_tabs_and_honesty_banner(page, lang):
    at = page(lang)
    assert at.title[0].value == t("data.heading", lang)
    assert [tab.label for tab in at.tabs] == [t(k, lang) for k in (
        "data.tab_projects", "data.tab_import", "iati.tab", "data.tab_layer", "data.tab_export", "data.tab_log")]
    assert any(t("common.notice_illustrative", lang, layers="")[:20] in w.value for w in at.warning)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_validation_error_names_the_field_and_writes_nothing(page, lang, store):
    v0 = store.version()
    at = page(lang)
    by_label(at.text_input, COLUMN_LABELS["project_id"](lang)).set_value("NEW-9")
    # name left empty; end year before start year
    by_label(at.number_input, COLUMN_LABELS["start_year"](lang)).set_value(2025)
    by_label(at.number_input, COLUMN_LABELS["end_year"](lang)).set_value(2022)
    at = save(at)
    assert not at.exception
    text = " ".join(e.value for e in at.error)
    assert t("data.field", lang, field=COLUMN_LABELS["name_vi"](lang)) in text
    assert t("data.field", lang, field=COLUMN_LABELS["end_year"](lang)) in text
    assert store.version() == v0 and store.get_project("NEW-9") is None


def test_new_project_is_saved_and_logged_with_the_signed_in_account(page, store):
    at = page("en")
    by_label(at.text_input, "Project ID").set_value("NEW-9")
    by_label(at.text_input, "Name (Vietnamese)").set_value("<b>Nhà</b> văn hóa bản")
    at = save(at)
    assert not at.exception and not at.error
    rec = store.get_project("NEW-9")
    assert rec.project["name_vi"] == "<b>Nhà</b> văn hóa bản"  # stored as typed
    assert store.history("NEW-9")[0].user == "admin1"  # the signed-in account, not a typed name
    # User text is never rendered as markdown/HTML on the page.
    assert not any("<b>Nhà</b>" in m.value for m in at.markdown)


def test_conflicting_edit_shows_both_versions_and_lets_the_user_choose(page, store):
    at = page("en")
    at.selectbox(key="data_pid").set_value("TD-001").run()
    by_label(at.text_input, "Donor").set_value("Mine")
    # Meanwhile another session saves TD-001.
    rec = store.get_project("TD-001")
    store.update_project("TD-001", dict(rec.project, donor="Theirs"), rec.funding, rec.revision, "admin1")
    at = save(at)
    assert any(t("data.conflict", "en") in w.value for w in at.warning)
    tables = [d.value for d in at.dataframe]
    shown = " ".join(tbl.to_string() for tbl in tables)
    assert "Mine" in shown and "Theirs" in shown
    assert store.get_project("TD-001").project["donor"] == "Theirs"  # nothing overwritten silently
    at = by_label(at.button, t("data.keep_mine", "en")).click().run()
    assert store.get_project("TD-001").project["donor"] == "Mine"


def test_history_restores_an_earlier_version(page, store):
    rec = store.get_project("TD-004")
    store.update_project("TD-004", dict(rec.project, name_vi="Tên sai"), rec.funding, rec.revision, "Lan")
    at = page("en")
    at.selectbox(key="data_pid").set_value("TD-004").run()
    at.selectbox(key="restore_pick_TD-004_2").set_value(store.versions("TD-004")[0][:2]).run()
    at = by_label(at.button, t("data.restore", "en")).click().run()
    assert not at.exception
    assert store.get_project("TD-004").project["name_vi"] == rec.project["name_vi"]
    assert [e.action for e in store.history("TD-004")] == ["update", "update"]


def test_import_preview_lists_problems_by_row_and_column_and_writes_nothing(page, store):
    v0 = store.version()
    at = page("en")
    bad = csv_text([row(pid="IM-1", commune="Hà Nội"), row(pid="IM-2", need="-5")]).encode()
    at.file_uploader(key="data_table_upload").set_value(("bad.csv", bad, "text/csv")).run()
    assert not at.exception
    assert any(t("data.problems", "en") in e.value for e in at.error)
    problems = next(d.value for d in at.dataframe if t("data.col_problem", "en") in d.value.columns)
    rows = set(zip(problems[t("data.col_row", "en")], problems[t("data.col_column", "en")]))
    assert (2, "Xã, thị trấn") in rows and (3, "Nhu cầu vốn (VND)") in rows
    assert not any(b.label == t("data.confirm_import", "en") for b in at.button)
    assert store.version() == v0


def test_import_writes_only_after_confirm(page, store):
    at = page("en")
    good = csv_text([row(pid="IM-1"), row(pid="IM-2", commune="Nà Tăm")]).encode()
    at.file_uploader(key="data_table_upload").set_value(("good.csv", good, "text/csv")).run()
    assert not at.exception and not at.error
    assert any(t("data.nothing_written", "en") in i.value for i in at.info)
    assert store.get_project("IM-1") is None
    at = by_label(at.button, t("data.confirm_import", "en")).click().run()
    assert not at.exception
    assert store.get_project("IM-1") is not None and store.get_project("IM-2") is not None
    assert any("2 created" in s.value for s in at.success)


def test_layer_upload_without_crs_asks_for_the_grid(page, store):
    ds = store.load()
    at = page("en")
    metric = ds.communes[["code", "geometry"]].to_crs("EPSG:9205")
    # GeoJSON in metres without a "crs" member: readers assume degrees, which is wrong.
    data = json.dumps(json.loads(metric.to_json()) | {"crs": None}).encode()
    at.file_uploader(key="data_layer_upload").set_value(("b.geojson", data, "application/json")).run()
    assert not at.exception
    assert any("EPSG:9205" in w.value for w in at.warning)
    at.selectbox(key="layer_crs").set_value("EPSG:9205").run()
    assert any("EPSG:6960" in i.value for i in at.info)
    assert any(b.label == t("data.confirm_layer", "en") for b in at.button)


def test_export_tab_offers_a_download(page):
    at = page("en")
    assert not at.exception
    assert any(d.label == t("data.download", "en") for d in at.get("download_button"))


def test_import_refused_at_confirm_is_shown_as_an_error_not_a_success(page, store):
    """Someone else creates the same project between preview and confirm: the import is refused."""
    at = page("en")
    good = csv_text([row(pid="IM-9")]).encode()
    at.file_uploader(key="data_table_upload").set_value(("good.csv", good, "text/csv")).run()
    rec = row(pid="IM-9")
    project = {k: rec[k] for k in ("project_id", "name_vi", "name_en", "description", "content_area", "status",
                                   "start_year", "end_year", "lead_agency", "donor", "quality")}
    project.update(commune_code="03424", content_area=1, start_year=2024, end_year=2025, lon=None, lat=None)
    store.create_project(project, [{"source": "ngo", "need": 5, "committed": 0, "disbursed": 0}], "admin1")
    v_before = store.version()
    at = by_label(at.button, t("data.confirm_import", "en")).click().run()
    assert not at.exception
    assert at.error and not at.success
    assert store.version() == v_before


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_history_reads_in_the_users_language_with_what_changed(page, store, lang):
    # It showed update/create, "rev", None and UTC ISO timestamps, and no difference per field.
    rec = store.get_project("TD-004")
    lines = [dict(rec.funding[0], need=rec.funding[0]["need"] + 1_000_000), *rec.funding[1:]]
    store.update_project("TD-004", dict(rec.project, donor="Irish Aid"), lines, rec.revision, "Lan")
    at = page(lang)
    at.selectbox(key="data_pid").set_value("TD-004").run()
    hist = next(d.value for d in at.dataframe if t("audit.col_changes", lang) in d.value.columns)
    assert list(hist[t("data.col_action", lang)]) == [t("audit.action.update", lang)]
    change = hist[t("audit.col_changes", lang)].iloc[0]
    assert f"{COLUMN_LABELS['donor'](lang)}: {rec.project['donor'] or '–'} → Irish Aid" in change
    from geo.text import fmt

    before, after = rec.funding[0]["need"], rec.funding[0]["need"] + 1_000_000
    assert f"{fmt.vnd(before, lang)} → {fmt.vnd(after, lang)}" in change
    when = hist[t("data.col_when", lang)].iloc[0]
    assert "T" not in when and "+00:00" not in when and when == fmt.timestamp(store.history("TD-004")[-1].ts, lang)
    assert "rev" not in hist.columns and "None" not in hist.to_string()


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_an_import_with_errors_counts_rows_and_shows_the_valid_ones(page, store, lang):
    # It said "0 dự án — 0 mới" and showed nothing of the rows that were fine.
    v0 = store.version()
    at = page(lang)
    mixed = csv_text([row(pid="IM-1"), row(pid="IM-2", commune="Hà Nội"), row(pid="IM-3", name="Trường bản Sin Câu")])
    at.file_uploader(key="data_table_upload").set_value(("mixed.csv", mixed.encode(), "text/csv")).run()
    assert not at.exception
    summary = " ".join(m.value for m in at.markdown)
    assert t("data.preview_with_problems", lang, file="mixed.csv", enc="UTF-8", n=3, bad=1, good=2) in summary
    valid = next(d.value for d in at.dataframe if list(d.value.columns[:2]) == [t("data.col_row", lang),
                                                                         COLUMN_LABELS["project_id"](lang)])
    assert list(valid[t("data.col_row", lang)]) == [2, 4]  # file rows 2 and 4: the header is row 1
    assert "Trường bản Sin Câu" in set(valid[COLUMN_LABELS["name_vi"](lang)])
    assert store.version() == v0 and store.get_project("IM-1") is None  # nothing written


def test_a_third_save_during_the_conflict_view_shows_the_new_conflict_not_a_traceback(page, store):
    at = page("en")
    at.selectbox(key="data_pid").set_value("TD-001").run()
    by_label(at.text_input, "Donor").set_value("Mine")
    rec = store.get_project("TD-001")
    store.update_project("TD-001", dict(rec.project, donor="Second"), rec.funding, rec.revision, "admin1")
    at = save(at)
    assert any(t("data.conflict", "en") in w.value for w in at.warning)
    # While this user reads both versions, a third person saves too.
    rec = store.get_project("TD-001")
    store.update_project("TD-001", dict(rec.project, donor="Third"), rec.funding, rec.revision, "admin1")
    at = by_label(at.button, t("data.keep_mine", "en")).click().run()
    assert not at.exception and not any("unexpected" in e.value for e in at.error)
    assert store.get_project("TD-001").project["donor"] == "Third"  # not overwritten unseen
    assert any(t("data.conflict", "en") in w.value for w in at.warning)
    assert "Third" in " ".join(d.value.to_string() for d in at.dataframe)  # the new version is shown


def _lines_editor(at: AppTest):
    return next(d for d in at.dataframe if "need" in d.value.columns and "source" in d.value.columns)


@pytest.mark.parametrize(("lang", "amount"), [("vi", "18.000.000.000"), ("en", "18,000,000,000")])
def test_funding_line_amounts_are_shown_with_the_languages_digit_groups(page, store, lang, amount):
    at = page(lang)
    pid = store.load().projects["project_id"].iloc[0]
    at.selectbox(key="data_pid").set_value(pid).run()
    lines = _lines_editor(at).value
    need = {ln["source"]: ln["need"] for ln in store.get_project(pid).funding}
    assert lines["need"].tolist() == [fmt.number(v, lang) for v in need.values()]
    assert amount in lines["need"].tolist()  # never the bare 18000000000


def test_an_amount_typed_with_vietnamese_digit_groups_is_saved(page, store):
    at = page("vi")
    pid = store.load().projects["project_id"].iloc[0]
    at.selectbox(key="data_pid").set_value(pid).run()
    rec = store.get_project(pid)
    at.session_state[f"lines_{pid}_{rec.revision}"] = {
        "edited_rows": {0: {"need": "19.500.000.000"}}, "added_rows": [], "deleted_rows": []}
    at = save(at.run())
    assert not at.exception and not at.error
    assert store.get_project(pid).funding[0]["need"] == 19_500_000_000


@pytest.mark.parametrize(("lang", "fmt_key"), [("vi", "3w"), ("en", "fts")])
def test_export_tab_offers_the_3w_and_funding_flow_tables_in_the_users_language(page, lang, fmt_key):
    at = page(lang)
    radio = next(r for r in at.radio if r.key == "export_fmt")
    assert t(f"data.fmt.{fmt_key}", lang) in radio.options  # the labels AppTest sees
    radio.set_value(fmt_key).run()
    assert not at.exception, at.exception
    button = next(d for d in at.get("download_button") if d.key == "export_download")
    assert button.proto.label == t("data.download", lang)
