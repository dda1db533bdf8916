"""Map payload: the lean commune layer and whole map page vs naive full-precision GeoJSON, at 13, 1k, 10k communes.

Baseline (same run, same communes): ``GeoDataFrame.to_json()`` of code, name, value and the full geometry
(what a naive ``folium.GeoJson(gdf)`` embeds). Lean: the communes layer exactly as ``webmap.build_map`` embeds
it (``shapely.coverage_simplify`` at one pixel two zooms past the fitted view, 5-decimal coordinates), and the
whole map HTML the page sends (legend, labels, scripts included). Gzip sizes show what websocket compression
(``server.enableWebsocketCompression``) puts on the wire. Every case checks the simplified layer: same number
of communes, all valid, a valid coverage, union area = sum of areas (no gap), in the metric CRS.
``--quick``: 13 and 1k only.
"""

from __future__ import annotations

import argparse
import gzip
import json
import time

import geopandas as gpd
import numpy as np
import shapely

from benchmarks._common import human
from geo import synthetic
from geo.analysis.classify import classify
from geo.output.maps import webmap


def _case(label: str, communes: gpd.GeoDataFrame, metric: str) -> dict:
    communes = communes.assign(value=np.arange(len(communes), dtype="float64") * 1e6)[["code", "name", "value", "geometry"]]
    naive = communes.to_json().encode()
    t0 = time.perf_counter()
    lean = webmap.lean_communes(communes)
    t_simplify = time.perf_counter() - t0
    c = classify(communes["value"], "quantiles", k=5)
    t0 = time.perf_counter()
    m = webmap.build_map(communes.assign(gap=communes["value"]), "gap", c, "en", display_geometry=lean, metric_crs=metric)
    page = m.get_root().render().encode()
    t_build = time.perf_counter() - t0
    layer = next(el for el in webmap._walk(m) if getattr(el, "layer_name", "") == "communes")
    layer_bytes = json.dumps(layer.data, separators=(",", ":")).encode()
    # Checks: nothing lost, nothing overlapping, no gap opened.
    arr = lean.to_numpy()
    s = gpd.GeoSeries(arr, crs="EPSG:4326").to_crs(metric)
    ok = (len(arr) == len(communes) and bool(shapely.is_valid(arr).all()) and bool(shapely.coverage_is_valid(arr))
          and abs(s.union_all().area - s.area.sum()) <= 1e-6 * s.area.sum())
    return {"label": label, "n": len(communes), "naive": len(naive), "naive_gz": len(gzip.compress(naive, 6)),
            "layer": len(layer_bytes), "page": len(page), "page_gz": len(gzip.compress(page, 6)),
            "v_full": int(shapely.get_num_coordinates(communes.geometry.to_numpy()).sum()),
            "v_lean": int(shapely.get_num_coordinates(arr).sum()), "t_simplify": t_simplify, "t_build": t_build, "ok": ok}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.bench_payload")
    ap.add_argument("--quick", action="store_true")
    args, _ = ap.parse_known_args(argv)
    from geo.storage.store import BundledStore

    ds = BundledStore().load()
    cases = [("13 (Tam Đường)", ds.communes, ds.metric_crs), ("1k synthetic", synthetic.coverage(1000), synthetic.METRIC)]
    if not args.quick:
        cases.append(("10k synthetic", synthetic.coverage(10_000), synthetic.METRIC))
    print("| communes | naive GeoJSON | lean layer | layer/naive | whole map page | page/naive | gzip page/gzip naive "
          "| vertices full → sent | simplify s | build+render s | gaps/overlaps |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    status = 0
    for label, communes, metric in cases:
        r = _case(label, communes, metric)
        status |= 0 if r["ok"] else 1
        print(f"| {r['label']} | {human(r['naive'])} | {human(r['layer'])} | {r['layer'] / r['naive']:.1%} | "
              f"{human(r['page'])} | {r['page'] / r['naive']:.1%} | {r['page_gz'] / r['naive_gz']:.1%} | "
              f"{r['v_full']:,} → {r['v_lean']:,} | {r['t_simplify']:.2f} | {r['t_build']:.2f} | "
              f"{'none (checked)' if r['ok'] else 'FOUND'} |", flush=True)
    print("target: whole map page ≤ 10 % of naive GeoJSON at 10k communes; zero gaps/overlaps introduced")
    return status


if __name__ == "__main__":
    raise SystemExit(main())
