"""The app starts on the bundled data and its pages render in both languages (Streamlit AppTest)."""

import pytest
from streamlit.testing.v1 import AppTest

from geo.model import schema
from geo.text import fmt
from geo.text.i18n import t
from tests.helpers import APP


def test_app_starts_on_bundled_data():
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert at.title[0].value == t("app.title", "vi")
    # The first page is the map explorer: its map is on the first screen.
    assert [c.proto.component_name for c in at.get("component_instance")] == ["streamlit_folium.st_folium"]
    # The honesty banner is on the first screen.
    assert any("MINH HỌA" in w.value for w in at.warning)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_overview_shows_totals_and_13_communes(app_page, lang):
    at = app_page("pages/overview.py", lang)
    assert not at.exception
    assert at.title[0].value == t("app.title", lang)
    labels = [m.label for m in at.metric]
    assert t("overview.metric_gap", lang) in labels
    table = at.dataframe[0].value
    assert len(table) == 13


def test_language_switch_changes_labels():
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert at.title[0].value == t("app.title", "vi")
    at.sidebar.radio[0].set_value("en").run()
    assert at.title[0].value == t("app.title", "en")
    assert any("ILLUSTRATIVE" in w.value for w in at.warning)


def test_sources_page_lists_an_imported_basemap_with_its_licence_and_date(app_page):
    from geo.storage.store import default_store
    from tests.helpers import tiny_basemap

    default_store().replace_basemap(tiny_basemap())
    at = app_page("pages/sources.py", "vi")
    assert not at.exception
    card = next(m.value for m in at.markdown if m.value == "**Nền địa hình ngoại tuyến**")
    assert card and any("Giấy phép: Public domain" in m.value and "23/09/2014" in m.value for m in at.markdown)
    assert any(c.value.startswith("Nguồn: SRTM 1 arc") and "NASA/USGS" in c.value for c in at.caption)  # Markdown-escaped


def test_sources_page_lists_every_layer_with_quality(app_page, ds):
    at = app_page("pages/sources.py", "en")
    assert not at.exception
    cards = [m.value.split("  \n") for m in at.markdown if m.value.startswith("Data quality: ")]
    assert len(cards) == len(schema.LAYER_IDS)
    assert {c[0].removeprefix("Data quality: ") for c in cards} == {"official", "approximate", "illustrative"}
    # Licence and date of every layer, in its card (text, not a wide table's off-screen columns).
    assert all(c[1].startswith("Licence: ") and c[1] != "Licence: " and c[2].startswith("Date: ") for c in cards)
    # dates read the donor's way (26 Nov 2026), not as ISO text
    assert {c[2].removeprefix("Date: ") for c in cards} == {fmt.date(p.date, "en") for p in ds.provenance.values()}
