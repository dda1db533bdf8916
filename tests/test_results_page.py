"""The Projects and results page (issue 16 item 3): a project's description, beneficiaries and result indicators
in the reader's language; editors record them through the store (audited under their account); a viewer gets
no form (and the store refuses a viewer anyway: tests/test_store_contract.py)."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from geo.text.i18n import t

PAGE = "pages/results.py"


def _open(app_page, lang: str, state: dict, pid: str = "TD-001") -> AppTest:
    at = app_page(PAGE, lang, **state)
    assert not at.exception, at.exception
    at.selectbox(key="results_pid").set_value(pid).run()
    assert not at.exception, at.exception
    return at


def _text(at: AppTest) -> str:
    return "\n".join([*(m.value for m in at.markdown), *(c.value for c in at.caption)]).replace("\\", "")  # md escapes


def _input(at: AppTest, key: str, lang: str):
    return next(w for w in at.text_input if w.label == t(f"results.field.{key}", lang))


def _save(at: AppTest, lang: str, nth: int = 0) -> AppTest:
    return [b for b in at.button if b.label == t("results.save", lang)][nth].click().run()


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_a_project_without_results_says_not_recorded_and_a_viewer_gets_no_form(app_page, signed_in, lang):
    at = _open(app_page, lang, signed_in("viewer"))
    assert t("results.none_project", lang) in _text(at)
    assert t("results.read_only", lang) in _text(at)
    assert not [b for b in at.button if b.label == t("results.save", lang)]


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_an_editor_records_beneficiaries_and_an_indicator_and_reads_them_back(app_page, signed_in, store, lang):
    at = _open(app_page, lang, signed_in("admin"))
    _input(at, "households", lang).set_value("1.250" if lang == "vi" else "1,250")
    _input(at, "ethnic_groups", lang).set_value("Mông; Dao")
    _input(at, "women_percent", lang).set_value("52,5" if lang == "vi" else "52.5")
    at = _save(at, lang)
    assert not at.exception and not at.error, [e.value for e in at.error]
    rec = store.get_beneficiaries("TD-001")
    assert (rec.record["households"], rec.record["women_percent"], rec.record["people"]) == (1250, 52.5, None)
    assert store.results_history("TD-001")[0].user == "admin1"
    shown = _text(at)
    assert ("1.250 hộ" if lang == "vi" else "1,250 households") in shown
    assert ("Nữ: 52,5%" if lang == "vi" else "Women: 52.5%") in shown

    _input(at, "name_vi", lang).set_value("Km đường liên bản")
    _input(at, "name_en", lang).set_value("Km of inter-village road")
    next(s for s in at.selectbox if s.label == t("results.field.unit", lang)).set_value("km")
    _input(at, "baseline", lang).set_value("0")
    _input(at, "target", lang).set_value("12")
    _input(at, "actuals", lang).set_value("2023: 4; 2024: 9,5" if lang == "vi" else "2023: 4; 2024: 9.5")
    at = _save(at, lang, 1)
    assert not at.exception and not at.error, [e.value for e in at.error]
    ind = store.result_indicators("TD-001").iloc[0]
    assert ind["actuals"] == {2023: 4.0, 2024: 9.5} and ind["target"] == 12.0
    table = at.dataframe[0].value
    assert list(table[t("results.col.share", lang)]) == ["79,2%" if lang == "vi" else "79.2%"]


def test_a_bad_indicator_is_refused_naming_the_field_and_nothing_is_stored(app_page, signed_in, store):
    at = _open(app_page, "en", signed_in("admin"))
    _input(at, "name_vi", "en").set_value("Học sinh bán trú")
    _input(at, "target", "en").set_value("lots")
    at = _save(at, "en", 1)
    assert at.error and t("results.field.target", "en") in at.error[0].value
    assert store.result_indicators("TD-001").empty


def test_the_english_description_is_edited_on_the_data_page_and_read_on_the_results_page(app_page, signed_in, store):
    state = signed_in()
    at = app_page("pages/data.py", "en", **state)
    at.selectbox(key="data_pid").set_value("TD-001").run()
    assert not at.exception, at.exception
    next(a for a in at.text_area if a.label == "English description").set_value("Lining 9 km of field canals")
    at = next(b for b in at.button if b.label == t("data.save", "en")).click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert store.get_project("TD-001").project["description_en"] == "Lining 9 km of field canals"
    en = _open(app_page, "en", state)
    assert "Lining 9 km of field canals" in _text(en) and t("results.other_language", "en") not in _text(en)
    vi = _open(app_page, "vi", state)
    assert store.get_project("TD-001").project["description"].split(",")[0] in _text(vi)  # Vietnamese stays
