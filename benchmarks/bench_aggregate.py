"""Aggregating geocoded projects into communes: ``geo.analysis.aggregate`` vs a bare ``geopandas.sjoin`` on the same data.

Same run, same data: synthetic communes (EPSG:4326) and projects with ~2 funding lines each.
* baseline: ``geopandas.sjoin(points, communes, predicate="intersects")`` alone (points GeoDataFrame built
  beforehand and not timed; no sums), i.e. the cheapest thing a GeoPandas user would write first;
* ``geo.analysis.aggregate.aggregate_projects``: builds the points, one STRtree query, border ties resolved to the
  lowest code, then exact int64 sums of need/committed/disbursed/gap and project counts per commune.
Medians of ``--runs`` runs. Full: 10k communes × 1e5 and 1e6 projects; ``--quick``: 1k communes × 1e5.
"""

from __future__ import annotations

import argparse

import geopandas as gpd

from benchmarks._common import timed
from geo import synthetic
from geo.analysis import aggregate


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.bench_aggregate")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--runs", type=int, default=3)
    args, _ = ap.parse_known_args(argv)
    n_communes, sizes = (1_000, [100_000]) if args.quick else (10_000, [100_000, 1_000_000])
    communes = synthetic.coverage(n_communes, seed=0)
    print(f"{n_communes:,} communes; median of {args.runs} runs")
    print("| projects | funding lines | bare sjoin s | geo.analysis.aggregate s (incl. sums) | ratio | time vs smallest |")
    print("|---|---|---|---|---|---|")
    first = None
    status = 0
    for n in sizes:
        p, f = synthetic.projects(communes, n, seed=1)
        pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy(p["lon"], p["lat"]), crs=communes.crs)
        t_sj, joined = timed(lambda pts=pts: gpd.sjoin(pts, communes[["code", "geometry"]], predicate="intersects"), args.runs)
        t_ag, out = timed(lambda p=p, f=f: aggregate.aggregate_projects(p, f, communes), args.runs)
        # Same answer as the join (every synthetic point is inside one commune, none on a border).
        agree = int(out["n_projects"].sum()) == n and joined["code"].value_counts().reindex(
            out.index, fill_value=0).equals(out["n_projects"].rename("count"))
        status |= 0 if agree else 1
        first = first or (n, t_ag)
        scale = f"{t_ag / first[1]:.1f}× for {n / first[0]:.0f}× data" if n != first[0] else "—"
        print(f"| {n:,} | {len(f):,} | {t_sj:.2f} | {t_ag:.2f} | {t_ag / t_sj:.2f}× | {scale} |"
              + ("" if agree else " (COUNTS DIFFER from sjoin)"), flush=True)
    print("target: ≤ 2× the bare sjoin; 10× the data in ≤ 12× the time")
    return status


if __name__ == "__main__":
    raise SystemExit(main())
