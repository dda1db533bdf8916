"""The official landslide-zoning map (issue 19): a risk-zone layer whose class field and values the user maps
(agencies spell them differently), replacing the illustrative buffers with the file's provenance; the risk share
per commune by class and the projects inside each class on the map, the funding page and the report."""

from __future__ import annotations

import io
import json

import geopandas as gpd
import openpyxl
import pytest
from shapely.geometry import box

from geo.analysis import exposure
from geo.cli.main import main
from geo.ingest.layer_import import preview_layer
from geo.model import schema
from geo.output.maps import details, webmap
from geo.output.reports import report
from geo.storage.layer_commit import commit_layer
from geo.text.i18n import t

PROV = dict(source="VIGMR, phân vùng cảnh báo nguy cơ trượt lở đất đá tỉnh Lai Châu 1:50.000",
            licence="cung cấp cho UBND tỉnh", date="2018-12-01", quality="official")


def zoning(ds, values: list[str], field: str = "CAP_NC") -> gpd.GeoDataFrame:
    """One zone per value, side by side across the first commune, spelled as the agency spells it.

    The first zone covers the commune's west half, the others strips of the east half: the first commune
    (its area measured in metres) then has a known share in the first class.
    """
    commune = ds.communes.iloc[[0]].to_crs(schema.METRIC_CRS)
    x0, y0, x1, y1 = commune.total_bounds
    mid = (x0 + x1) / 2
    width = (x1 - mid) / max(len(values) - 1, 1)
    shapes = [box(x0 - 10, y0 - 10, mid, y1 + 10)]
    shapes += [box(mid + i * width, y0 - 10, mid + (i + 1) * width, y1 + 10) for i in range(len(values) - 1)]
    return gpd.GeoDataFrame({field: values, "OBJECTID": range(1, len(values) + 1)}, geometry=shapes,
                            crs=schema.METRIC_CRS).to_crs(schema.GEOGRAPHIC_CRS)


def geojson(gdf: gpd.GeoDataFrame) -> bytes:
    return gdf.to_json().encode()


def prov_args() -> list[str]:
    return [x for k, v in PROV.items() for x in (f"--{k}", v)]


def test_vietnamese_class_names_map_themselves_and_a_code_needs_the_review_step(ds):
    li = preview_layer("risk", geojson(zoning(ds, ["Rất cao", "Nguy cơ cao", "3", "Thấp"])), "vigmr.geojson", ds)
    assert li.class_field == "CAP_NC"  # found by its values: the name says nothing
    assert dict(zip(li.classes["value"], li.classes["class"])) == {
        "Rất cao": "very_high", "Nguy cơ cao": "high", "3": "", "Thấp": "low"}
    assert not li.ok
    [p] = li.problems
    assert (p.row, p.column) == (3, "CAP_NC")
    assert "'3'" in p.text("vi") and "--map '3=high'" in p.text("en")
    li = preview_layer("risk", geojson(zoning(ds, ["Rất cao", "Nguy cơ cao", "3", "Thấp"])), "vigmr.geojson", ds,
                       class_map={"3": "medium"})
    assert li.ok, li.problems
    assert li.gdf["risk_level"].tolist() == ["very_high", "high", "medium", "low"]


def test_a_mapping_to_no_class_or_a_missing_field_is_refused_by_name(ds):
    data = geojson(zoning(ds, ["1", "2"], field="LEVEL_CODE"))
    li = preview_layer("risk", data, "z.geojson", ds, class_field="LEVEL_CODE", class_map={"1": "rất cao", "2": "bad"})
    assert not li.ok and "'bad'" in li.problems[0].text("en") and "very_high" in li.problems[0].text("en")
    li = preview_layer("risk", data, "z.geojson", ds, class_field="CAP")
    assert not li.ok and "LEVEL_CODE" in li.problems[0].text("vi")  # the fields it does have


def test_cli_refuses_an_unmapped_value_naming_the_row_and_changes_nothing(tmp_path, store, ds, capsys):
    path = tmp_path / "vigmr.geojson"
    path.write_bytes(geojson(zoning(ds, ["Rất cao", "Cao", "4", "V"])))
    before = store.load()
    assert main(["--lang", "vi", "import-layer", "risk", str(path), *prov_args(), "--map", "4=high"]) == 1
    err = capsys.readouterr().err
    assert "'V'" in err and "4" in err and "CAP_NC" in err
    after = store.load()
    assert after.risk_zones.equals(before.risk_zones) and after.provenance["risk_zones"] == before.provenance["risk_zones"]


def test_official_map_replaces_the_buffers_and_the_illustrative_label(tmp_path, store, ds, capsys):
    path = tmp_path / "vigmr.geojson"
    path.write_bytes(geojson(zoning(ds, ["Rất cao", "Cao", "4", "Rất thấp"])))
    assert main(["import-layer", "risk", str(path), *prov_args(), "--class-field", "CAP_NC",
                 "--map", "4=medium"]) == 0
    out = capsys.readouterr().out
    assert "CAP_NC" in out and "Very high" in out  # the review table is printed
    after = store.load()
    prov = after.provenance["risk_zones"]
    assert prov.quality is schema.Quality.OFFICIAL and prov.source == PROV["source"] and prov.date == "2018-12-01"
    assert sorted(after.risk_zones["risk_level"]) == sorted(["very_high", "high", "medium", "very_low"])
    # On the web map the legend no longer says "illustrative"; every class has its colour.
    overlays = webmap.Overlays(risk_zones=after.risk_zones, risk_quality=prov.quality)
    [legend] = webmap.overlay_legend(webmap.MapLayers(), overlays, "en")
    assert legend["title"] == t("map.legend_risk", "en")
    assert [r["label"] for r in legend["rows"]] == ["Very high", "High", "Medium", "Very low"]
    old = webmap.Overlays(risk_zones=ds.risk_zones, risk_quality=ds.provenance["risk_zones"].quality)
    assert "(illustrative)" in webmap.overlay_legend(webmap.MapLayers(), old, "en")[0]["title"]


def test_risk_share_by_class_is_measured_in_metres_and_the_higher_class_takes_overlaps(ds):
    commune = ds.communes.iloc[[0]]
    zones = zoning(ds, ["very_high", "medium", "low"])
    overlap = zones.iloc[[0]].assign(CAP_NC="low")  # a low zone under the very high one counts once, as very high
    zones = gpd.GeoDataFrame(
        {"risk_level": [*zones["CAP_NC"], "low"]}, geometry=[*zones.geometry, *overlap.geometry], crs=zones.crs)
    shares = exposure.class_shares(zones, commune, schema.METRIC_CRS).iloc[0]
    metric = commune.to_crs(schema.METRIC_CRS)
    x0, _, x1, _ = metric.total_bounds
    west = metric.geometry.iloc[0].intersection(box(x0 - 10, -1e7, (x0 + x1) / 2, 1e7)).area / metric.area.iloc[0]
    assert shares["very_high"] == pytest.approx(west, rel=1e-5)  # edges straight in metres, then in degrees
    assert shares["very_high"] + shares["medium"] + shares["low"] == pytest.approx(1.0, rel=1e-9)
    assert shares["high"] == 0.0 and shares["very_low"] == 0.0


def _import(store, ds, values):
    li = preview_layer("risk", geojson(zoning(ds, values)), "vigmr.geojson", ds)
    assert li.ok, li.problems
    commit_layer(store, li, ds, **PROV, user="Lan")
    return store.load()


def test_report_sheet_has_the_share_of_each_class_and_only_the_classes_the_map_uses(store, ds):
    after = _import(store, ds, ["Rất cao", "Trung bình", "Thấp"])
    wb = openpyxl.load_workbook(io.BytesIO(report.build_report(after, 2021, 2025, "vi")))
    ws = wb[t("report.sheet.exposure", "vi")]
    values = [[c.value for c in row] for row in ws.iter_rows()]
    header = next(r for r in values if r[0] == t("common.code", "vi"))
    for level in ("very_high", "medium", "low"):
        assert t(f"exposure.col.share_{level}", "vi") in header and t(f"exposure.col.n_{level}", "vi") in header
    assert t("exposure.col.share_high", "vi") not in header  # a class the map does not use has no column
    first = next(r for r in values if r[0] == ds.communes["code"].iloc[0])
    share = first[header.index(t("exposure.col.share_very_high", "vi"))]
    expected = exposure.class_shares(after.risk_zones, after.communes, after.metric_crs).iloc[0]["very_high"]
    assert share == pytest.approx(expected) and 0.3 < share < 0.7


def test_detail_panel_gives_the_commune_share_of_each_class(store, ds):
    after = _import(store, ds, ["Rất cao", "Cao"])
    from geo.analysis.indicators import commune_indicators

    code = after.communes["code"].iloc[0]
    d = details.commune_detail(after, commune_indicators(after), code, "en")
    table = d.exposure.set_index(t("exposure.col.level", "en"))
    assert table.index.tolist() == ["Very high", "High"]
    shares = exposure.class_shares(after.risk_zones, after.communes.iloc[[0]], after.metric_crs).iloc[0]
    from geo.text import fmt

    assert table.loc["Very high", t("exposure.col.share", "en")] == fmt.percent(shares["very_high"], "en")


def test_funding_page_shows_the_share_by_class_after_an_official_import(app_page, store, ds):
    _import(store, ds, ["Rất cao", "Cao", "Rất thấp"])
    at = app_page("pages/funding.py", "en")
    assert not at.exception
    frames = [df.value for df in at.dataframe]
    heads = [set(f.columns) for f in frames]
    assert any(t("exposure.col.share_very_high", "en") in h and t("exposure.col.n_very_low", "en") in h for h in heads)
    assert not any(t("exposure.col.n_medium", "en") in h for h in heads)
    assert any(t("exposure.shares_method", "en") in w.value for w in at.warning)  # how the shares are measured


def test_data_page_mapping_table_turns_an_unmapped_code_into_a_class(app_page, signed_in, store, ds):
    at = app_page("pages/data.py", "en", **signed_in())
    at.selectbox(key="layer_kind").set_value("risk").run()
    data = json.dumps(json.loads(zoning(ds, ["Rất cao", "3"]).to_json())).encode()
    at.file_uploader(key="data_layer_upload").set_value(("vigmr.geojson", data, "application/json")).run()
    assert not at.exception
    assert not any(b.label == t("data.confirm_layer", "en") for b in at.button)
    assert any("'3'" in e.value for e in at.error) or any("'3'" in m.value for m in at.markdown)
    at.selectbox(key="riskmap|vigmr.geojson||3").set_value("medium").run()
    assert not at.exception
    assert any(b.label == t("data.confirm_layer", "en") for b in at.button)


def test_print_map_legend_names_the_official_classes_without_the_illustrative_tag(store, ds):
    from geo.output.maps import render

    after = _import(store, ds, ["Rất cao", "Trung bình", "Rất thấp"])
    fig = render.render_map(after, "gap", lang="en", layers=("risk_zones",))
    [legend] = [a for a in fig.findobj() if a.get_gid() == "legend"]
    labels = [tx.get_text().replace("\n", " ") for tx in legend.get_texts()]
    risk = [lbl for lbl in labels if "landslide risk" in lbl]
    assert risk == ["Very high landslide risk", "Medium landslide risk", "Very low landslide risk"]  # highest first
    before = render.render_map(ds, "gap", lang="en", layers=("risk_zones",))
    [old] = [a for a in before.findobj() if a.get_gid() == "legend"]
    assert any("High landslide risk (illustrative)" in tx.get_text() for tx in old.get_texts())
