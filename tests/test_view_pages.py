"""One view across pages and in the link (AppTest): filters survive a page change, a link opens its view,
the address bar follows every change, and a bad link opens what it can and says what it ignored."""

from __future__ import annotations

from geo.analysis import units
from geo.model.filters import Filters
from geo.text import fmt


def _headline_need(ds, filters: Filters, lang: str) -> str:
    layer = units.view(ds, "2021", filters)
    return fmt.vnd_short(units.district_totals(layer, units.unallocated_projects(ds, filters))["need"], lang)


def test_filters_set_on_one_page_hold_on_the_next(app_page, ds):
    at = app_page("pages/funding.py", "en")
    at.sidebar.multiselect(key="f_areas").set_value([3]).run()
    at.switch_page("pages/overview.py").run()
    assert not at.exception and not at.error
    assert at.sidebar.multiselect(key="f_areas").value == [3]
    need = at.metric[0].value
    assert need == _headline_need(ds, Filters(content_areas=(3,)), "en")
    assert need != _headline_need(ds, Filters(), "en")  # the filter really narrows the headline
    assert any(c.value.startswith("Filtered: Content area: 3") for c in at.caption)
    at.switch_page("pages/funding.py").run()
    assert at.sidebar.multiselect(key="f_areas").value == [3]


def test_a_shared_link_opens_its_view(app_page, ds):
    from streamlit.testing.v1 import AppTest

    from tests.helpers import APP

    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params.update({"lang": "en", "area": "3", "commune": "03424", "indicator": "need",
                            "hide": "crop_zones"})
    at.run()
    assert not at.exception and not at.error
    assert at.sidebar.radio(key="lang").value == "en"
    assert at.sidebar.multiselect(key="f_areas").value == [3]
    assert at.selectbox(key="map_commune").value == "03424"
    assert at.toggle(key="map_layer_crop_zones").value is False
    assert at.toggle(key="map_layer_risk_zones").value is True
    assert "Xã Bản Bo" in [h.value for h in at.subheader]
    assert "Filtered: Content area: 3" in [c.value for c in at.caption]  # the panel says it is filtered


def test_the_address_bar_follows_each_change(app_page):
    at = app_page("pages/funding.py", "en")
    at.sidebar.multiselect(key="f_sources").set_value(["ngo"]).run()
    at.sidebar.radio(key="units").set_value("2025").run()
    q = dict(at.query_params)
    assert q["source"] in ("ngo", ["ngo"]) and q["units"] in ("2025", ["2025"])
    at.sidebar.multiselect(key="f_sources").set_value([]).run()
    assert "source" not in dict(at.query_params)


def test_a_stale_link_opens_what_it_can_and_names_the_rest(app_page):
    from streamlit.testing.v1 import AppTest

    from tests.helpers import APP

    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params.update({"area": ["3", "99"], "commune": "99999", "years": "2030-2020"})
    at.run()
    assert not at.exception and not at.error
    assert at.sidebar.multiselect(key="f_areas").value == [3]
    assert at.selectbox(key="map_commune").value is None  # no such commune: nothing selected, no error
    toasts = " ".join(t.value for t in at.toast)
    assert "area=99" in toasts and "years=2030-2020" in toasts
    assert "bỏ qua" in toasts  # said in the link's language (Vietnamese by default)
