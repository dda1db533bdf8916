"""Rebuild the derived layers from ``communes.geojson`` and the fact tables.

Writes ``crop_zones.geojson``, ``landslide_events.geojson`` and ``risk_zones.geojson``.
Deterministic: the same inputs give byte-identical files.

- Crop zones: one zone per (crop, commune) the plan names, inside that commune.
  Its size is the reported area where a source gives one (Bản Bo tea, Tả Lèng
  ancient tea), otherwise a fixed illustrative share of the commune. Positions are
  invented: the plan names communes, not fields.
- Landslide events: the reported events (``landslide_events.csv``); events known
  only by commune sit at that commune's geocoded centroid and say so.
- Risk zones: ILLUSTRATIVE buffers around the events, clipped to the district,
  until a user loads an official risk map.

Run ``python data/build_layers.py`` (``--check`` exits 1 if a file would change).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely
from shapely.geometry import Point

DATA = Path(__file__).resolve().parent
METRIC = "EPSG:9205"

# (crop, commune code, reported ha or None, source of the figure); communes as named by the plan, section III.3.
CROP_ZONES: list[tuple[str, str, float | None, str | None]] = [
    ("tea", "03424", 800.0, "Trade press: Bản Bo has over 800 ha of tea (B)"),
    ("tea", "03413", None, None),
    ("tea", "03427", None, None),
    ("ancient_tea", "03400", 34.0, "Press: about 34 ha across 5 villages, 1,400–1,600 m (B)"),
    ("specialty_rice", "03400", None, None),
    ("specialty_rice", "03394", None, None),
    ("banana", "03412", None, None),
    ("banana", "03406", None, None),
    ("temperate_fruit", "03405", None, None),
    ("temperate_fruit", "03406", None, None),
    ("temperate_fruit", "03415", None, None),
]
#: Size of a zone without a reported figure, as a share of its commune (illustrative).
UNKNOWN_ZONE_SHARE = 0.04
HIGH_RISK_M, MEDIUM_RISK_M = 1500.0, 3000.0
DECIMALS = 6


def _zone(commune: shapely.Geometry, centre: Point, target_m2: float, taken: shapely.Geometry | None) -> shapely.Geometry:
    """Disc around ``centre`` clipped to the commune (minus zones already placed), grown to ``target_m2``."""
    room = commune if taken is None else commune.difference(taken)
    target = min(target_m2, room.area * 0.9)
    lo, hi = 0.0, math.sqrt(room.area)
    for _ in range(60):  # bisection on the radius
        mid = (lo + hi) / 2
        if centre.buffer(mid, 64).intersection(room).area < target:
            lo = mid
        else:
            hi = mid
    return shapely.make_valid(centre.buffer(hi, 64).intersection(room))


def build_crop_zones(communes: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    metric = communes.to_crs(METRIC).set_index("code")
    rows, placed = [], {}
    for crop, code, reported_ha, source in CROP_ZONES:
        poly = metric.geometry[code]
        k = sum(1 for c, cc, *_ in CROP_ZONES[: CROP_ZONES.index((crop, code, reported_ha, source))] if cc == code)
        # Different crops of one commune start from different sides of its centre.
        r = 0.3 * math.sqrt(poly.area / math.pi)
        angle = k * 2.4
        inner = poly.representative_point() if k == 0 else Point(
            poly.centroid.x + r * math.cos(angle), poly.centroid.y + r * math.sin(angle))
        if not poly.contains(inner):
            inner = poly.representative_point()
        target = (reported_ha * 10_000) if reported_ha else poly.area * UNKNOWN_ZONE_SHARE
        geom = _zone(poly, inner, target, placed.get(code))
        placed[code] = geom if code not in placed else placed[code].union(geom)
        rows.append({
            "zone_id": f"CZ-{code}-{crop}",
            "crop": crop,
            "commune_code": code,
            "area_ha_reported": reported_ha,
            "area_source": source,
            "geometry_note": "location invented; size = reported area" if reported_ha
            else f"location and size invented ({UNKNOWN_ZONE_SHARE:.0%} of the commune); no area found",
            "quality": "illustrative",
            "geometry": geom,
        })
    return gpd.GeoDataFrame(rows, crs=METRIC).to_crs("EPSG:4326")


def build_events(communes: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    events = pd.read_csv(DATA / "landslide_events.csv", dtype=str, keep_default_na=False)
    seeds = communes.set_index("code")
    geoms, accuracy = [], []
    for rec in events.to_dict("records"):
        if rec["lon"] and rec["lat"]:
            geoms.append(Point(float(rec["lon"]), float(rec["lat"])))
            accuracy.append(rec["location_accuracy"])
        else:
            seed = seeds.loc[rec["commune_code"]]
            geoms.append(Point(float(seed["centroid_lon"]), float(seed["centroid_lat"])))
            accuracy.append("commune_centroid")
    out = events.drop(columns=["lon", "lat"]).assign(location_accuracy=accuracy)
    for col in ("deaths", "injured"):
        out[col] = pd.to_numeric(out[col], errors="coerce").astype("Int64")
    return gpd.GeoDataFrame(out, geometry=geoms, crs="EPSG:4326")


def build_risk_zones(events: gpd.GeoDataFrame, communes: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    district = communes.to_crs(METRIC).union_all()
    pts = events.to_crs(METRIC)
    high = shapely.union_all([g.buffer(HIGH_RISK_M, 64) for g in pts.geometry]).intersection(district)
    medium = shapely.union_all([g.buffer(MEDIUM_RISK_M, 64) for g in pts.geometry]).intersection(district).difference(high)
    rows = [
        {"zone_id": "RZ-high", "risk_level": "high", "basis": f"{HIGH_RISK_M:.0f} m around reported events",
         "quality": "illustrative", "geometry": high},
        {"zone_id": "RZ-medium", "risk_level": "medium", "basis": f"{MEDIUM_RISK_M:.0f} m around reported events",
         "quality": "illustrative", "geometry": medium},
    ]
    return gpd.GeoDataFrame(rows, crs=METRIC).to_crs("EPSG:4326")


def to_geojson_text(gdf: gpd.GeoDataFrame, name: str) -> str:
    """Byte-stable GeoJSON: rounded coordinates, sorted keys order as given, UTF-8."""
    gdf = gdf.copy()
    gdf["geometry"] = shapely.set_precision(gdf.geometry.values, 10 ** -DECIMALS)
    data = json.loads(gdf.to_json(drop_id=True, na="null"))
    data = {"type": "FeatureCollection", "name": name, "crs": {"type": "name", "properties": {
        "name": "urn:ogc:def:crs:OGC:1.3:CRS84"}}, "features": data["features"]}
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"


def build() -> dict[str, str]:
    communes = gpd.read_file(DATA / "communes.geojson")
    communes["code"] = communes["code"].astype(str).str.zfill(5)
    events = build_events(communes)
    return {
        "crop_zones.geojson": to_geojson_text(build_crop_zones(communes), "crop_zones"),
        "landslide_events.geojson": to_geojson_text(events, "landslide_events"),
        "risk_zones.geojson": to_geojson_text(build_risk_zones(events, communes), "risk_zones"),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if a committed file differs")
    args = parser.parse_args(argv)
    changed = []
    for name, text in build().items():
        path = DATA / name
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            changed.append(name)
            if not args.check:
                path.write_text(text, encoding="utf-8")
    if args.check and changed:
        print("out of date: " + ", ".join(changed))
        return 1
    print("up to date" if args.check else f"wrote {', '.join(changed) or 'nothing (unchanged)'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
