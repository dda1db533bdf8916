"""Scale (issue 9): another district from configuration alone, synthetic coverages, the lean-map
simplifier and the country-scale aggregation, each checked against independently derived answers."""

from __future__ import annotations

from dataclasses import replace

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from geo import synthetic
from geo.analysis import aggregate, funding
from geo.analysis.classify import classify
from geo.analysis.indicators import commune_indicators, with_geometry
from geo.ingest.atlas_toml import load_config
from geo.ingest.validate import DataError
from geo.model.config import DEFAULT, AtlasConfig
from geo.model.schema import Label
from geo.output.maps import webmap
from geo.storage.store import BUNDLED_DATA_DIR, BundledStore


def assert_clean_coverage(original: np.ndarray, shown: np.ndarray, metric: str, rel: float = 1e-6) -> None:
    """Every polygon present and valid, a valid coverage (no overlaps), and no gap: the union's area
    equals the sum of the areas (both in a metric CRS)."""
    assert len(shown) == len(original)
    assert not shapely.is_empty(shown).any()
    assert shapely.is_valid(shown).all()
    assert shapely.coverage_is_valid(shown)
    s = gpd.GeoSeries(shown, crs="EPSG:4326").to_crs(metric)
    union = s.union_all()
    assert union.area == pytest.approx(s.area.sum(), rel=rel)
    # No hole opened inside the footprint: the union has exactly the holes the original had.
    o = gpd.GeoSeries(original, crs="EPSG:4326").to_crs(metric).union_all()
    holes = lambda g: sum(len(p.interiors) for p in getattr(g, "geoms", [g]))  # noqa: E731
    assert holes(union) == holes(o)


# --- synthetic coverages ----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def cov1k() -> gpd.GeoDataFrame:
    return synthetic.coverage(1000, seed=3)


def test_synthetic_coverage_tiles_its_box_without_gaps_or_overlaps(cov1k):
    g = cov1k.geometry.to_numpy()
    assert len(cov1k) == 1000 and cov1k["code"].is_unique
    assert cov1k["code"].str.fullmatch(r"\d{5}").all() and cov1k["name"].is_unique
    assert_clean_coverage(g, g, synthetic.METRIC)
    # Shared borders, not just touching: interior neighbours share edges of many vertices.
    first = shapely.get_coordinates(g[500])
    shared = [c for c in g if c is not g[500] and shapely.intersection(c.boundary, g[500].boundary).length > 0]
    assert 3 <= len(shared) <= 12
    assert len(first) > 60  # wiggly, densified borders (~200 vertices per commune)


def test_synthetic_data_is_deterministic_by_seed():
    a, b, c = synthetic.coverage(50, seed=1), synthetic.coverage(50, seed=1), synthetic.coverage(50, seed=2)
    assert a.geometry.geom_equals_exact(b.geometry, 0).all()
    assert not a.geometry.geom_equals_exact(c.geometry, 1e-9).all()
    pa, fa = synthetic.projects(a, 200, seed=5)
    pb, fb = synthetic.projects(a, 200, seed=5)
    pd.testing.assert_frame_equal(pa, pb)
    pd.testing.assert_frame_equal(fa, fb)


def test_synthetic_projects_lie_in_their_commune_and_funding_is_consistent(cov1k):
    p, f = synthetic.projects(cov1k, 500, seed=2)
    assert len(p) == 500 and p["project_id"].is_unique
    geoms = dict(zip(cov1k["code"], cov1k.geometry))
    assert all(geoms[c].covers(shapely.Point(x, y)) for c, x, y in zip(p["commune_code"], p["lon"], p["lat"]))
    assert set(f["project_id"]) == set(p["project_id"])
    assert not f.duplicated(["project_id", "source"]).any()
    assert ((0 <= f["disbursed"]) & (f["disbursed"] <= f["committed"]) & (f["need"] > 0)).all()


# --- the lean-map simplifier --------------------------------------------------------------------------
@pytest.mark.parametrize("which", ["bundled", "synthetic"])
def test_simplified_display_geometry_is_a_clean_coverage_with_every_commune(which, ds, cov1k):
    communes = ds.communes if which == "bundled" else cov1k
    lean = webmap.lean_communes(communes, height_px=600, detail_zooms=0)
    assert list(lean.index) == list(communes["code"])  # every commune, same codes
    assert_clean_coverage(communes.geometry.to_numpy(), lean.to_numpy(), ds.metric_crs, rel=1e-6)
    # Coordinates rounded to 5 decimals.
    xy = shapely.get_coordinates(lean.to_numpy())
    assert np.allclose(xy, np.round(xy, 5), atol=1e-9)
    # The outline barely moves: the footprint changes by far less than a commune's area.
    full = communes.to_crs(ds.metric_crs).union_all().area
    shown = gpd.GeoSeries(lean.to_numpy(), crs="EPSG:4326").to_crs(ds.metric_crs).union_all().area
    assert abs(shown - full) < 0.05 * full / len(communes)
    if which == "synthetic":  # dense borders lose most vertices
        assert shapely.get_num_coordinates(lean.to_numpy()).sum() < 0.5 * shapely.get_num_coordinates(
            communes.geometry.to_numpy()).sum()


def test_a_layer_with_overlaps_is_still_simplified_polygon_by_polygon():
    from shapely.geometry import box

    overlapping = gpd.GeoSeries([box(0, 0, 1, 1), box(0.5, 0, 1.5, 1)], crs="EPSG:4326")
    lean = webmap.lean_geometry(overlapping, 0.01)
    assert lean.is_valid.all() and [g.area for g in lean] == [1.0, 1.0]


def test_map_sends_simplified_rounded_geometry_but_indicators_use_full_geometry(cov1k):
    from geo.model.dataset import Dataset

    p, f = synthetic.projects(cov1k, 300, seed=4)
    metric_area = cov1k.to_crs(synthetic.METRIC).area.to_numpy() / 1e6
    table = pd.DataFrame({"code": cov1k["code"], "gap": 1.0})
    layer = cov1k[["code", "name", "geometry"]].merge(table, on="code")
    m = webmap.build_map(layer, "gap", classify(layer["gap"], "equal_interval", k=2), "en")
    (communes,) = [el for el in webmap._walk(m) if getattr(el, "layer_name", "") == "communes"]
    sent = sum(shapely.get_num_coordinates(shapely.from_geojson(__import__("json").dumps(ft["geometry"])))
               for ft in communes.data["features"])
    assert len(communes.data["features"]) == 1000
    assert sent < 0.5 * shapely.get_num_coordinates(cov1k.geometry.to_numpy()).sum()
    ds = Dataset(cov1k, p.assign(unit_version="2021"), f, cov1k.iloc[0:0], cov1k.iloc[0:0], cov1k.iloc[0:0],
                 synthetic.units_2025(cov1k), {}, config=replace(DEFAULT, metric_crs=synthetic.METRIC))
    area = commune_indicators(ds)["area_km2"].to_numpy()
    assert np.allclose(area, metric_area.round(2))  # full geometry, in the config's CRS


# --- aggregation at scale ------------------------------------------------------------------------------
def test_aggregation_matches_brute_force_including_points_on_borders():
    communes = synthetic.coverage(60, seed=9)
    p, f = synthetic.projects(communes, 400, seed=9)
    # Points exactly on shared vertices and on the outer edge, plus one far outside.
    verts = shapely.get_coordinates(communes.geometry.iloc[30])[:5]
    extra = pd.DataFrame({"project_id": ["V0", "V1", "V2", "V3", "V4", "OUT"],
                          "lon": [*verts[:, 0], 0.0], "lat": [*verts[:, 1], 0.0]})
    p = pd.concat([p[["project_id", "lon", "lat"]], extra], ignore_index=True)
    f = pd.concat([f, pd.DataFrame({"project_id": extra["project_id"], "source": "ngo", "need": 7,
                                    "committed": 9, "disbursed": 1})], ignore_index=True)
    got = aggregate.aggregate_projects(p, f, communes.sample(frac=1, random_state=1))  # order must not matter

    # Brute force: every point against every polygon; on a border the lowest code wins.
    order = sorted(zip(communes["code"], communes.geometry))
    home = {}
    for pid, x, y in zip(p["project_id"], p["lon"], p["lat"]):
        pt = shapely.Point(x, y)
        home[pid] = next((code for code, g in order if g.intersects(pt)), None)
    assert home["OUT"] is None
    expected = {code: {"n_projects": 0, "need": 0, "committed": 0, "disbursed": 0, "gap": 0} for code, _ in order}
    for code in home.values():
        if code:
            expected[code]["n_projects"] += 1
    for rec in f.to_dict("records"):
        code = home[rec["project_id"]]
        if code:
            for col in ("need", "committed", "disbursed"):
                expected[code][col] += int(rec[col])
            expected[code]["gap"] += max(0, int(rec["need"]) - int(rec["committed"]))
    assert got.sort_index().to_dict("index") == dict(sorted(expected.items()))
    assert got["n_projects"].sum() == len(p) - 1


def test_aggregation_agrees_with_the_indicator_table(ds):
    """On the bundled district: located projects summed by point equal the per-code totals where they agree."""
    projects = ds.projects[ds.projects["lon"].notna()]
    got = aggregate.aggregate_projects(projects, ds.funding, ds.communes)
    from geo.analysis import joins

    located = joins.assign_projects(projects, ds.communes)
    same = located[~located["location_mismatch"]]
    lines = ds.funding[ds.funding["project_id"].isin(same["project_id"])]
    by_code = funding.totals_by(same, lines, ["commune_code"])
    mismatched_codes = set(located.loc[located["location_mismatch"], "located_code"])
    for code in set(by_code.index) - mismatched_codes:
        assert got.loc[code, "need"] == by_code.loc[code, "need"]
        assert got.loc[code, "gap"] == by_code.loc[code, "gap"]


# --- another district from configuration alone ------------------------------------------------------------
OTHER = AtlasConfig(id="demo-delta", name=Label("Huyện Thử", "Demo district"), province=Label("Tỉnh Thử", "Demo province"),
                    title=Label("Bản đồ Đầu tư Huyện Thử", "Demo District Investment Atlas"), metric_crs="EPSG:3405",
                    detail_zooms=1)


@pytest.fixture
def other_bundle(tmp_path, monkeypatch):
    """Three communes near 106.4° E (Red River delta) laid out in VN-2000 / UTM 48N, projects and a config."""
    communes = synthetic.coverage(3, seed=11, cell_m=3_000, origin=(650_000.0, 2_260_000.0))
    p, f = synthetic.projects(communes, 12, seed=11)
    path = synthetic.write_bundle(tmp_path / "bundle", communes, p, f, OTHER, seed=11)
    monkeypatch.setenv("ATLAS_BUNDLE_DIR", str(path))
    return path, communes, p, f


def test_config_of_the_bundled_district(ds):
    cfg = load_config(BUNDLED_DATA_DIR)
    assert (cfg.id, cfg.metric_crs, cfg.title.vi) == ("tam-duong", "EPSG:9205", "Bản đồ Đầu tư Tam Đường")
    assert ds.metric_crs == "EPSG:9205"
    lo_x, lo_y, hi_x, hi_y = cfg.bbox
    bx = ds.communes.total_bounds
    assert lo_x <= bx[0] and lo_y <= bx[1] and hi_x >= bx[2] and hi_y >= bx[3]  # the initial view shows it all


def test_bad_config_names_the_file_and_key(tmp_path):
    (tmp_path / "atlas.toml").write_text('[crs]\nmetric = "EPSG:4326"\n[map]\nbbox = [1, 2]\n', encoding="utf-8")
    with pytest.raises(DataError) as e:
        load_config(tmp_path)
    cols = {p.column for p in e.value.problems}
    assert cols == {"crs.metric", "map.bbox"} and all(p.file == "atlas.toml" for p in e.value.problems)
    assert "không phải hệ tọa độ phẳng" in e.value.problems[0].text("vi")


def test_another_district_loads_from_its_folder_without_code_changes(other_bundle, atlas_data_dir):
    from geo.storage.store import default_store

    path, communes, p, f = other_bundle
    store = default_store()
    assert store.path.name == "atlas-demo-delta.gpkg"  # never mixed with Tam Đường's store
    ds = store.load()
    assert ds.config == OTHER and ds.metric_crs == "EPSG:3405"
    assert sorted(ds.communes["code"]) == sorted(communes["code"])
    table = commune_indicators(ds)
    # Areas in the configured CRS, derived here independently; EPSG:9205 (central meridian 103° E,
    # 3.4° away) would differ by ~0.3 %.
    in_3405 = communes.to_crs("EPSG:3405").set_index("code").area / 1e6
    in_9205 = communes.to_crs("EPSG:9205").set_index("code").area / 1e6
    assert np.allclose(table["area_km2"], in_3405.reindex(table.index).round(2), atol=0.006)
    assert (abs(in_9205 - in_3405) / in_3405).min() > 0.002
    # Money: the bundle's own funding lines, summed by the projects' codes.
    need = f.merge(p[["project_id", "commune_code"]]).groupby("commune_code")["need"].sum()
    live = p.loc[~p["status"].isin(["rejected", "cancelled"]), "project_id"]  # rejected and cancelled: not counted
    need_live = f[f["project_id"].isin(live)].merge(p[["project_id", "commune_code"]]).groupby("commune_code")["need"].sum()
    assert table["need"].sum() in (need.sum(), need_live.sum())
    # The web map draws the three communes, fitted to them, with no remote asset.
    layer = with_geometry(ds, table)
    m = webmap.build_map(layer, "need", classify(layer["need"], "equal_interval", k=2), "en",
                         metric_crs=ds.metric_crs, detail_zooms=ds.config.detail_zooms)
    assert set(webmap.commune_colors(m)) == set(communes["code"]) and webmap.non_local_links(m) == []
    # Tam Đường's data is untouched and still the default without the variable.
    assert BundledStore().load().config.id == "tam-duong"


def test_each_seeded_store_remembers_its_config(other_bundle, atlas_data_dir, monkeypatch):
    from geo.storage.gpkg_store import GpkgStore

    path, *_ = other_bundle
    copy = GpkgStore(atlas_data_dir / "x.gpkg", seed_dir=path)
    assert copy.load().config == OTHER
    assert GpkgStore(atlas_data_dir / "y.gpkg").load().config == load_config(BUNDLED_DATA_DIR)


def test_benchmark_harness_imports_and_lists_its_benchmarks(capsys):
    from benchmarks.__main__ import main

    assert main(["--dry-run"]) == 0
    out = capsys.readouterr().out
    for name in ("bench_payload", "bench_click", "bench_aggregate", "bench_memory", "bench_load", "bench_render"):
        assert name in out


def test_map_page_shows_the_other_district_from_its_config(app_page, other_bundle):
    import json

    _, communes, _, _ = other_bundle
    at = app_page("pages/map.py", "en")
    assert not at.exception
    assert at.title[0].value == "Demo District Investment Atlas"
    (component,) = [c for c in at.get("component_instance") if c.proto.component_name.endswith("st_folium")]
    script = json.loads(component.proto.json_args)["script"]
    assert all(code in script for code in communes["code"]) and "03390" not in script  # not Tam Đường


def test_overview_and_banner_speak_of_the_other_district_and_its_own_data_quality(app_page, other_bundle):
    at = app_page("pages/overview.py", "en")
    assert not at.exception
    assert at.title[0].value == "Demo District Investment Atlas"
    assert "Demo district, Demo province" in at.caption[0].value and "Tam Đường" not in at.caption[0].value
    banner = " ".join(w.value for w in at.warning)
    assert "ILLUSTRATIVE" in banner and "APPROXIMATE" not in banner  # the synthetic bundle says illustrative
