"""The map's detail panel (geo/details.py) on a tiny hand-made dataset with known answers."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Point

from geo.analysis.funding import Filters
from geo.analysis.indicators import commune_indicators
from geo.model import schema
from geo.model.dataset import Dataset
from geo.output.maps import details

XSS = "<img src=x onerror=alert(1)>"


@pytest.fixture
def tiny_ds(tiny_communes, tiny_projects) -> Dataset:
    communes = tiny_communes.to_crs(schema.GEOGRAPHIC_CRS)
    communes["full_name"] = ["Xã Một", "Xã Hai"]
    communes["population_reported"] = [1000, None]
    projects, funding = tiny_projects
    projects = projects.assign(name_vi=["Dự án A", XSS, "Dự án C"], name_en=["Project A", "", "Project C"],
                               lon=None, lat=None)
    centre = tiny_communes.geometry.iloc[0].centroid
    events = gpd.GeoDataFrame(
        {"event_id": ["E1"], "date": [""], "commune_code": [""], "description_vi": ["Lũ quét"],
         "description_en": ["Flash flood"], "deaths": [6], "injured": [None], "location_accuracy": ["commune"],
         "source": ["press"]}, geometry=[Point(centre.x, centre.y)], crs=tiny_communes.crs).to_crs(schema.GEOGRAPHIC_CRS)
    empty = gpd.GeoDataFrame({"crop": [], "risk_level": []}, geometry=[], crs=schema.GEOGRAPHIC_CRS)
    prov = {k: schema.Provenance(k, schema.Label(k, k), "src", "CC BY 4.0", "2025", schema.Quality.ILLUSTRATIVE)
            for k in details.DETAIL_LAYERS}
    return Dataset(communes, projects, funding, empty, empty, events, pd.DataFrame(), prov)


def test_projects_of_the_commune_with_money_summed_from_lines(tiny_ds):
    d = details.commune_detail(tiny_ds, commune_indicators(tiny_ds), "00001", "en")
    # Commune 00001 has A (committed) and B (proposal); C is elsewhere and cancelled.
    assert d.projects["Code"].tolist() == ["A", "B"]
    assert d.projects["Project"].tolist() == ["Project A", XSS]  # no English name → Vietnamese, kept as text
    assert d.projects["Need"].tolist() == ["VND 1,200", "VND 500"]
    assert d.projects["Gap"].tolist() == ["VND 400", "VND 500"]
    assert d.projects["Status"].tolist() == ["Committed", "Proposal"]
    assert d.name == "Xã Một"
    # A narrow panel shows the first columns: the money a donor asks about must come right after the name.
    assert list(d.projects.columns[:4]) == ["Project", "Need", "Committed", "Gap"]


def test_filters_narrow_the_projects_and_the_sources(tiny_ds):
    table = commune_indicators(tiny_ds)
    only_ideas = details.commune_detail(tiny_ds, table, "00001", "en", Filters(statuses=("proposal",)))
    assert only_ideas.projects["Code"].tolist() == ["B"]
    only_oda = details.commune_detail(tiny_ds, table, "00001", "vi", Filters(sources=("oda_grant",)))
    assert only_oda.projects["Mã"].tolist() == ["A"]
    assert only_oda.projects["Nhu cầu vốn"].tolist() == ["1.000 ₫"]  # the state-budget line is filtered out
    assert only_oda.by_source["Nguồn vốn"].tolist() == ["Viện trợ không hoàn lại (ODA)"]


def test_funding_by_source_sums_the_lines(tiny_ds):
    d = details.commune_detail(tiny_ds, commune_indicators(tiny_ds), "00001", "en")
    assert d.by_source.to_dict("list") == {
        "Funding source": ["ODA grant", "NGO", "State budget"],
        "Need": ["VND 1,000", "VND 500", "VND 200"],
        "Committed": ["VND 600", "VND 0", "VND 200"],
        "Disbursed": ["VND 100", "VND 0", "VND 50"],
        "Gap": ["VND 400", "VND 500", "VND 0"],
    }


def test_events_located_by_their_point_and_figures_formatted(tiny_ds):
    table = commune_indicators(tiny_ds)
    one = details.commune_detail(tiny_ds, table, "00001", "en")
    two = details.commune_detail(tiny_ds, table, "00002", "en")
    assert one.events["Event"].tolist() == ["Flash flood"] and one.events["Date"].tolist() == ["date unknown"]
    assert two.events.empty
    figures = dict(one.figures)
    assert figures["Funding gap"] == "VND 900"
    assert figures["Number of projects"] == "2 projects"
    assert figures["Reported landslide events"] == "1 event"  # singular in English
    assert figures["Population"] == "1,000"
    assert len(one.provenance) == len(details.DETAIL_LAYERS)
    assert set(one.crops["Crop"]) == {c.en for c in schema.CROPS.values()}


def test_empty_commune_has_empty_tables(tiny_ds):
    d = details.commune_detail(tiny_ds, commune_indicators(tiny_ds), "00002", "vi")
    assert d.projects.empty and d.by_source.empty
