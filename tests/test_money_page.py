"""Dated money records on the data page (issue 16): listed with "date unknown" for the former totals, added and
edited through the store's checks (field errors by name, stale revisions refused), audited under the account."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from geo.text import fmt
from geo.text.i18n import t


@pytest.fixture
def page(app_page, signed_in):
    def open_page(lang: str = "en", role: str = "admin", communes: tuple[str, ...] = ()) -> AppTest:
        at = app_page("pages/data.py", lang, **signed_in(role, communes))
        assert not at.exception, at.exception
        at.selectbox(key="data_pid").set_value("TD-001").run()
        assert not at.exception, at.exception
        return at

    return open_page


def _records(at: AppTest, lang: str):
    return next(d.value for d in at.dataframe if t("money.field.kind", lang) in d.value.columns)


def _field(at: AppTest, widgets, key: str, lang: str):
    return next(w for w in widgets if w.label == t(f"money.field.{key}", lang))


def _save(at: AppTest, lang: str) -> AppTest:
    return next(b for b in at.button if b.label == t("money.save", lang)).click().run()


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_former_totals_are_listed_as_date_unknown(page, store, lang):
    at = page(lang)
    table = _records(at, lang)
    expected = store.money_records("TD-001")
    assert len(table) == len(expected) > 0
    assert set(table[t("money.field.date", lang)]) == {t("money.undated", lang)}
    assert fmt.vnd(int(expected["amount"].iloc[0]), lang) in set(table[t("money.field.amount", lang)])


def test_a_dated_disbursement_is_saved_with_the_signed_in_account(page, store):
    at = page("en")
    _field(at, at.number_input, "amount", "en").set_value(2_500_000)
    _field(at, at.text_input, "date", "en").set_value("2024-03-15")
    _field(at, at.text_input, "note", "en").set_value("đợt 1")
    at = _save(at, "en")
    assert not at.exception and not at.error
    dated = store.money_records("TD-001").query("date != ''")
    assert dated[["kind", "amount", "date", "note"]].to_dict("records") == [
        {"kind": "disbursement", "amount": 2_500_000, "date": "2024-03-15", "note": "đợt 1"}]
    assert store.money_history(dated["record_id"].iloc[0])[0].user == "admin1"
    assert fmt.date("2024-03-15", "en") in set(_records(at, "en")[t("money.field.date", "en")])


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_a_bad_date_is_refused_naming_the_field_and_nothing_is_saved(page, store, lang):
    before = store.money_records()
    at = page(lang)
    _field(at, at.number_input, "amount", lang).set_value(10)
    _field(at, at.text_input, "date", lang).set_value("31/12/2024")
    at = _save(at, lang)
    assert not at.exception
    text = " ".join(e.value for e in at.error)
    assert t("data.field", lang, field=t("money.field.date", lang)) in text and "31/12/2024" in text
    assert len(store.money_records()) == len(before)


def test_editing_a_record_someone_changed_meanwhile_is_refused(page, store):
    at = page("en")
    rid = store.money_records("TD-001")["record_id"].iloc[0]
    at.selectbox(key=next(s.key for s in at.selectbox if s.label == t("money.pick", "en"))).set_value(rid).run()
    _field(at, at.text_input, "date", "en").set_value("2023-06-30")
    cur = store.get_money(rid)
    store.update_money(rid, dict(cur.record, note="theirs"), cur.revision, "admin1")  # another session
    at = _save(at, "en")
    assert any("money record" in e.value and "changed by someone else" in e.value for e in at.error)
    assert store.get_money(rid).record["date"] == "" and store.get_money(rid).record["note"] == "theirs"


def test_a_record_is_deleted_only_once_confirmed_and_the_page_stays_whole(page, store):
    at = page("en")
    rid = store.money_records("TD-001")["record_id"].iloc[0]
    at.selectbox(key=next(s.key for s in at.selectbox if s.label == t("money.pick", "en"))).set_value(rid).run()
    delete = next(b for b in at.button if b.label == t("money.delete", "en"))
    assert delete.disabled
    next(c for c in at.checkbox if c.label == t("money.delete_confirm", "en")).check().run()
    at = next(b for b in at.button if b.label == t("money.delete", "en")).click().run()
    assert not at.exception
    assert store.get_money(rid) is None and store.money_history(rid)[-1].user == "admin1"
    assert any(t("money.deleted", "en", rid=rid) in s.value for s in at.success)


def test_a_viewer_sees_no_money_form(app_page, signed_in, store):
    at = app_page("pages/data.py", "en", **signed_in("viewer"))
    assert not at.exception
    assert not any(b.label == t("money.save", "en") for b in at.button)
