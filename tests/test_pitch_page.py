"""The Donor pitch page (Streamlit AppTest): tabs, matching that follows the donor, audited edits, pack builds,
presentation mode without editing controls."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from geo.ingest import donors
from geo.output.pitch import pack as pitch
from geo.storage.gpkg_store import open_default
from geo.text.i18n import t

INPUTS = ("selectbox", "multiselect", "text_input", "text_area", "number_input", "slider", "select_slider", "radio",
          "checkbox", "toggle", "date_input", "color_picker")


def frame_with(at: AppTest, column: str):
    return next(d.value for d in at.dataframe if column in d.value.columns)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_page_renders_tabs_profiles_and_illustrative_labels(app_page, lang):
    at = app_page("pages/pitch.py", lang)
    assert not at.exception
    assert [tab.label for tab in at.tabs] == [t(f"pitch.tab_{k}", lang) for k in ("profiles", "matching", "pack")]
    profiles = frame_with(at, t("pitch.col_quality", lang))
    assert len(profiles) == len(donors.bundled_frame())
    assert set(profiles[t("pitch.col_quality", lang)]) == {t("pitch.quality_illustrative", lang)}
    assert any(t("gaps.illustrative_tag", lang) in c.value for c in at.caption)


def test_matching_ranking_follows_the_chosen_donor(app_page):
    at = app_page("pages/pitch.py", "en")
    col, match = t("gaps.col.project_id", "en"), t("pitch.col_match", "en")

    def ranking():
        return frame_with(at, match)[col].tolist()

    at.selectbox(key="match_donor").set_value("jica").run()
    jica = ranking()
    at.selectbox(key="match_donor").set_value("unicef").run()
    unicef = ranking()
    assert jica and unicef and jica != unicef
    # UNICEF's core areas are education, health and gender: its best match is one of them.
    top = unicef[0]
    from geo.storage.store import BundledStore

    area = BundledStore().load().projects.set_index("project_id").loc[top, "content_area"]
    assert area in (5, 7, 8)


def test_confirming_priorities_on_the_page_is_audited(app_page, signed_in):
    at = app_page("pages/pitch.py", "en", **signed_in(display_name="Lò Thị Lan"))
    at.selectbox(key="edit_donor").set_value("ifad").run()
    at.button(key="confirm_ifad_1").click().run()
    assert not at.exception
    rec = open_default().get_donor("ifad")
    assert rec.donor["priorities_quality"].startswith("confirmed by Lò Thị Lan on ")
    assert open_default().donor_history("ifad")[-1].user == "admin1"  # the account's login
    assert any("confirmed by Lò Thị Lan" in s.value for s in at.success)


def test_pack_is_built_only_on_click_and_offers_both_downloads(app_page):
    at = app_page("pages/pitch.py", "en", pack_kind="theme", pack_theme=6, pack_top=1)
    assert not at.exception
    assert "pack_built" not in at.session_state
    at.button(key="pack_build").click().run()
    assert not at.exception
    key, slides, pdfs = at.session_state["pack_built"]
    assert slides[:2] == b"PK" and pdfs[:2] == b"PK"
    assert [b.label for b in at.get("download_button")] == [
        t("pitch.download_deck", "en"), t("pitch.download_pdfs", "en", n=1)]


def test_presentation_mode_has_only_navigation_and_steps_through(app_page):
    args = {"pack_kind": "donor", "pack_donor": "jica", "pack_top": 3, "pack_lang": "en"}
    at = app_page("pages/pitch.py", "vi", present=True, present_i=0, present_args=args)
    assert not at.exception
    for kind in INPUTS:
        assert len(at.main.get(kind)) == 0, kind
    assert {b.key for b in at.main.button} == {"present_prev", "present_next", "present_exit"}
    assert not at.tabs  # no editing tabs on screen
    first = [m.value for m in at.markdown if "<h1" in m.value]
    at.button(key="present_next").click().run()
    second = [m.value for m in at.markdown if "<h1" in m.value]
    assert first and second and first != second and "2. " in second[0]
    at.button(key="present_exit").click().run()
    assert [tab.label for tab in at.tabs][0] == t("pitch.tab_profiles", "vi")
    assert at.session_state["pack_donor"] == "jica"  # the pack settings came back


def test_presentation_uses_the_same_opportunities_as_the_deck(app_page, ds):
    jica = donors.by_id(donors.profiles_from_frame(donors.bundled_frame()))["jica"]
    pack = pitch.build_pack(ds, pitch.Target("donor", donor=jica), lang="en", top=3)
    args = {"pack_kind": "donor", "pack_donor": "jica", "pack_top": 3, "pack_lang": "en"}
    at = app_page("pages/pitch.py", "en", present=True, present_i=2, present_args=args)
    heading = next(m.value for m in at.markdown if "<h1" in m.value)
    assert f"3. {pack.opportunities[2].title}" in heading


def _opportunity_steps(at: AppTest) -> list[str]:
    return frame_with(at, t("pitch.col_opportunity", "en"))[t("gaps.col.status", "en")].tolist()


def test_the_pack_takes_only_approved_projects_by_default_and_others_when_added(app_page, ds):
    at = app_page("pages/pitch.py", "en", pack_kind="theme", pack_theme=3, pack_top=15)
    assert not at.exception
    assert at.multiselect(key="pack_stages").value == ["approved", "committed", "implementing", "completed"]
    steps = _opportunity_steps(at)
    assert steps and set(steps) <= {"Approved for pitching", "Committed", "Implementing"}
    said = " ".join(i.value for i in at.info)
    assert "only projects approved for pitching or later" in said and "left out: " in said
    assert not at.warning or all(t("pitch.stages_not_default", "en") not in w.value for w in at.warning)
    at.multiselect(key="pack_stages").set_value(["proposal", "approved", "committed", "implementing"]).run()
    assert not at.exception
    assert "Proposal" in _opportunity_steps(at) and len(_opportunity_steps(at)) > len(steps)
    assert any(t("pitch.stages_not_default", "en") in w.value for w in at.warning)


def test_presentation_mode_keeps_the_packs_workflow_steps(app_page, ds):
    args = {"pack_kind": "theme", "pack_theme": 3, "pack_top": 15, "pack_lang": "en"}
    default = pitch.build_pack(ds, pitch.Target("theme", theme=3), lang="en", top=15)
    with_proposals = pitch.build_pack(ds, pitch.Target("theme", theme=3), lang="en", top=15,
                                      stages=("proposal", *default.stages))
    assert len(with_proposals.opportunities) > len(default.opportunities)
    for pack, extra in ((default, {}), (with_proposals, {"pack_stages": ["proposal", *default.stages]})):
        at = app_page("pages/pitch.py", "en", present=True, present_i=len(pack.opportunities) - 1,
                      present_args={**args, **extra})
        heading = next(m.value for m in at.markdown if "<h1" in m.value)
        assert f"{len(pack.opportunities)}. {pack.opportunities[-1].title}" in heading


def _ticket_boxes(at: AppTest, lang: str):
    lo = next(e for e in at.text_input if e.label == t("pitch.ticket_min_bn", lang))
    hi = next(e for e in at.text_input if e.label == t("pitch.ticket_max_bn", lang))
    return lo, hi


@pytest.mark.parametrize(("lang", "unicef_min", "adb_max"), [("vi", "0,5", "3.000"), ("en", "0.5", "3,000")])
def test_ticket_sizes_are_shown_in_the_language_not_as_0_point_0(app_page, signed_in, lang, unicef_min, adb_max):
    at = app_page("pages/pitch.py", lang, **signed_in())
    assert [e.value for e in _ticket_boxes(at, lang)] == ["0", "0"]  # a new donor: "0", never "0.0"
    at.selectbox(key="edit_donor").set_value("unicef").run()
    assert _ticket_boxes(at, lang)[0].value == unicef_min  # 500 million = half a billion
    at.selectbox(key="edit_donor").set_value("adb").run()
    assert _ticket_boxes(at, lang)[1].value == adb_max  # 3,000 billion with the language's digit groups


def test_a_ticket_typed_the_vietnamese_way_is_saved_and_a_bad_one_refused(app_page, signed_in):
    at = app_page("pages/pitch.py", "vi", **signed_in())
    at.selectbox(key="edit_donor").set_value("unicef").run()
    lo, hi = _ticket_boxes(at, "vi")
    lo.set_value("1,5")
    hi.set_value("mười")
    next(b for b in at.button if b.label == t("pitch.save", "vi")).click().run()
    assert not at.exception
    assert any("'mười'" in e.value and t("pitch.ticket_max_bn", "vi") in e.value for e in at.error)
    assert open_default().get_donor("unicef").donor["ticket_min"] == 500_000_000  # nothing changed
    lo, hi = _ticket_boxes(at, "vi")
    hi.set_value("40")
    next(b for b in at.button if b.label == t("pitch.save", "vi")).click().run()
    saved = open_default().get_donor("unicef").donor
    assert (saved["ticket_min"], saved["ticket_max"]) == (1_500_000_000, 40_000_000_000)
    assert _ticket_boxes(at, "vi")[0].value == "1,5"


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_donor_history_shows_local_time_words_and_before_after_per_field(app_page, signed_in, lang):
    from geo.output.exports import audit_export
    from geo.text import fmt

    store = open_default()
    rec = store.get_donor("unicef")
    store.save_donor(dict(rec.donor, ticket_max=40_000_000_000, donor_type="ingo"), rec.revision, "admin1")
    at = app_page("pages/pitch.py", lang, **signed_in())
    at.selectbox(key="edit_donor").set_value("unicef").run()
    assert not at.exception
    hist = frame_with(at, t("audit.col_changes", lang))
    last = hist.iloc[-1]
    change = last[t("audit.col_changes", lang)]
    assert f"{t('pitch.ticket_max_label', lang)}: {fmt.vnd(30_000_000_000, lang)} → {fmt.vnd(40_000_000_000, lang)}" in change
    assert f"→ {audit_export.donor_cell('donor_type', 'ingo', lang)}" in change and "ingo" not in change
    assert last[t("data.col_action", lang)] == t("audit.action.donor-update", lang)
    assert last[t("data.col_when", lang)] == fmt.timestamp(store.donor_history("unicef")[-1].ts, lang)
    assert "rev" not in hist.columns and "T" not in last[t("data.col_when", lang)]
