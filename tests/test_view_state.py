"""A view and its link: what a planner sends must reopen the same view; a bad link opens the closest one."""

from __future__ import annotations

import pytest

from geo.analysis.classify import SCHEMES
from geo.analysis.indicators import INDICATORS
from geo.model import schema
from geo.model.filters import Filters
from geo.model.view import LAYERS, ViewState, from_query, to_query
from geo.text.filters_text import filters_line

VIEWS = [
    ViewState(),
    ViewState(lang="en"),
    ViewState(unit_version="2025", commune="03424"),
    ViewState(filters=Filters(content_areas=(1, 3, 10), sources=("oda_grant", "ngo"), statuses=("proposal", "committed"),
                              years=(2022, 2024), donors=("JICA", "Quỹ Hy vọng, chi nhánh 2"), high_risk=True)),
    ViewState(indicator="need", scheme="equal_interval", hidden_layers=("crop_zones", "labels"), online_basemap=True),
    ViewState(terrain=True),  # the offline terrain basemap switched on
]


@pytest.mark.parametrize("v", VIEWS, ids=range(len(VIEWS)))
def test_a_link_reopens_exactly_its_view(v):
    back, ignored = from_query(to_query(v), indicators=INDICATORS, schemes=SCHEMES)
    assert back == v and ignored == []


def test_the_default_view_is_the_bare_address():
    assert to_query(ViewState()) == {}


def test_a_donor_name_with_commas_survives_as_one_value():
    q = to_query(ViewState(filters=Filters(donors=("A, B", "C"))))
    assert q["donor"] == ["A, B", "C"]
    assert from_query(q)[0].filters.donors == ("A, B", "C")


@pytest.mark.parametrize("query, bad", [
    ({"area": ["3", "99"]}, "area=99"),
    ({"area": "<script>"}, "area=<script>"),
    ({"source": "oda"}, "source=oda"),
    ({"status": "done"}, "status=done"),
    ({"years": "2025-2021"}, "years=2025-2021"),
    ({"years": "2021"}, "years=2021"),
    ({"years": "9999-99999"}, "years=9999-99999"),
    ({"lang": "fr"}, "lang=fr"),
    ({"units": "2030"}, "units=2030"),
    ({"commune": "<img src=x onerror=alert(1)>"}, "commune=<img src=x onerror=alert(1)>"),
    ({"indicator": "gdp"}, "indicator=gdp"),
    ({"scheme": "jenks2"}, "scheme=jenks2"),
    ({"hide": ["crop_zones", "roads"]}, "hide=roads"),
    ({"online": "yes"}, "online=yes"),
    ({"terrain": "on"}, "terrain=on"),
    ({"risk": "low"}, "risk=low"),
    ({"donor": "JICA\x00"}, "donor=JICA\x00"),
    ({"utm_source": "zalo"}, "utm_source=zalo"),
])
def test_a_link_part_not_understood_is_named_and_the_rest_kept(query, bad):
    v, ignored = from_query({**query, "area": query.get("area", "5")} if "area" not in query else query,
                            indicators=INDICATORS, schemes=SCHEMES)
    assert bad in ignored
    if "area" not in query:
        assert v.filters.content_areas == (5,)  # the understood part still applies
    if "hide" in query:
        assert v.hidden_layers == ("crop_zones",)


def test_a_bad_part_falls_back_to_the_default():
    v, _ = from_query({"lang": "fr", "units": "1999", "years": "x", "commune": "a b"})
    assert (v.lang, v.unit_version, v.filters.years, v.commune) == ("vi", ViewState().unit_version, None, None)


def test_every_layer_a_link_can_hide_is_a_map_layer():
    from geo.output.maps.webmap import MapLayers

    assert set(LAYERS) <= set(MapLayers.__dataclass_fields__)


def test_the_filters_line_names_each_filter_in_the_readers_language():
    f = Filters(content_areas=(3,), sources=("oda_grant",), statuses=("proposal",), years=(2022, 2024), donors=("JICA",))
    vi, en = filters_line(f, "vi"), filters_line(f, "en")
    src, status = schema.SOURCE_BY_KEY["oda_grant"], schema.STATUS_BY_KEY["proposal"]
    assert vi == (f"Nội dung thu hút: 3 · Nguồn vốn: {src('vi')} · Trạng thái: {status('vi')} · Năm 2022–2024"
                  " · Nhà tài trợ: JICA")
    assert en == f"Content area: 3 · Funding source: {src('en')} · Status: {status('en')} · Years 2022–2024 · Donor: JICA"
    assert filters_line(Filters(), "en") == "All projects except rejected and cancelled"
