"""A corpus of bad inputs: each is refused with a clear message naming file/row/column, and the store
file stays byte-for-byte the same. Files are generated small into tmp_path (see ``CASES``).

Documented repairs (not errors) are tested at the end: a polygon with a tiny self-intersection is
repaired (< 1 % area change); a bow-tie is refused (its signed area cancels, see geo/layer_import.py).
"""

from __future__ import annotations

import hashlib
import io
import json
import warnings
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import LineString, Point, Polygon, box

from geo.cli.main import main
from geo.storage.store import BundledStore
from tests.test_imports import csv_text, row

DS = BundledStore().load()
CODES = dict(zip(DS.communes["name"], DS.communes["code"]))
PROV = ["--source", "Sở TN&MT Lai Châu", "--licence", "nội bộ", "--date", "2025-06-30", "--quality", "official"]


# --- file builders ----------------------------------------------------------------------------------
def _csv(*rows: dict, **kw) -> bytes:
    return csv_text(list(rows), **kw).encode("utf-8")


def _geojson(gdf: gpd.GeoDataFrame) -> bytes:
    return gdf.to_json().encode()


def _metric_communes() -> gpd.GeoDataFrame:
    return DS.communes[["code", "name", "geometry"]].to_crs("EPSG:9205")


def _shp_zip(gdf: gpd.GeoDataFrame, tmp: Path, keep=(".shp", ".shx", ".dbf", ".prj"), crs_name=None) -> bytes:
    d = tmp / "shp"
    d.mkdir(exist_ok=True)
    gdf.to_file(d / "layer.shp")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for ext in keep:
            if (d / f"layer{ext}").exists():
                zf.write(d / f"layer{ext}", f"layer{ext}")
    return buf.getvalue()


def _poly(code_name: str = "Bản Bo") -> Polygon:
    c = DS.communes.set_index("name").loc[code_name, "geometry"].representative_point()
    return box(c.x - 0.005, c.y - 0.005, c.x + 0.005, c.y + 0.005)


def _bowtie() -> Polygon:
    c = _poly().centroid
    d = 0.01
    return Polygon([(c.x - d, c.y - d), (c.x + d, c.y + d), (c.x + d, c.y - d), (c.x - d, c.y + d)])


def _zones(geoms, **cols) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(cols, geometry=list(geoms), crs="EPSG:4326")


def _two_layer_gpkg(tmp: Path) -> bytes:
    path = tmp / "two.gpkg"
    _zones([_poly()], crop=["tea"]).to_file(path, layer="a")
    _zones([_poly()], crop=["tea"]).to_file(path, layer="b")
    return path.read_bytes()


def _nan_gpkg(tmp: Path) -> bytes:
    path = tmp / "nan.gpkg"
    p = _poly()
    x0, y0, x1, y1 = p.bounds
    with np.errstate(invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        bad = Polygon([(x0, y0), (np.nan, y0), (x1, y1), (x0, y1)])
    _zones([p, bad], crop=["tea", "banana"]).to_file(path)
    return path.read_bytes()


# --- the corpus: (id, command, filename, builder, expected text in the error, extra CLI args) ---------
P = "import-projects"
CASES = [
    ("unknown-commune", P, "p.csv", lambda t: _csv(row(commune="Hà Nội")), "row 2, column 'Xã, thị trấn'", []),
    ("negative-amount", P, "p.csv", lambda t: _csv(row(need="-5")), "amount -5 is negative", []),
    ("text-amount", P, "p.csv", lambda t: _csv(row(need="1 tỷ")), "'1 tỷ' is not a whole number", []),
    ("over-commit-unconfirmed", P, "p.csv", lambda t: _csv(row(need="10", committed="20")), "allow-overcommit", []),
    ("disbursed-above-committed", P, "p.csv", lambda t: _csv(row(committed="5", disbursed="9")),
     "disbursed exceeds committed", []),
    ("bad-status", P, "p.csv", lambda t: _csv(row(status="done-ish")), "column 'Trạng thái'", []),
    ("content-area-11", P, "p.csv", lambda t: _csv(row(content_area="11")), "'11' is not a valid content area", []),
    ("year-1999", P, "p.csv", lambda t: _csv(row(start_year="1999")), "year '1999' outside", []),
    ("end-before-start", P, "p.csv", lambda t: _csv(row(start_year="2025", end_year="2023")),
     "end year before start year", []),
    ("missing-id-column", P, "p.csv", lambda t: b"name_vi,commune_code\nA,03424\n", "missing column 'Mã dự án'", []),
    ("empty-required-name", P, "p.csv", lambda t: _csv(row(name="")), "row 2, column 'Tên dự án (tiếng Việt)'", []),
    ("source-twice", P, "p.csv", lambda t: _csv(row(), row()), "listed twice", []),
    ("rows-disagree", P, "p.csv", lambda t: _csv(row(), row(source="state_budget", commune="Nà Tăm")),
     "differs from row 2", []),
    ("oversized", P, "big.csv", lambda t: b"a" * (20 * 2**20 + 1), "the limit is 20 MB", []),
    ("pdf", P, "p.pdf", lambda t: b"%PDF-1.4", "unsupported file type '.pdf'", []),
    ("old-xls", P, "p.xls", lambda t: b"\xd0\xcf\x11\xe0", "not supported", []),
    ("corrupt-xlsx", P, "p.xlsx", lambda t: b"PK\x03\x04 not really excel", "not a readable Excel file", []),
    ("unknown-encoding", P, "p.csv", lambda t: b"project_id\n\x81\x8d\x8e\n", "encoding", []),
    ("template-example-row", P, "p.csv", lambda t: _csv(row(pid="VD-001")), "template's example row", []),
    ("header-only", P, "p.csv", lambda t: csv_text([]).encode(), "no data rows", []),
    ("empty-file", P, "p.csv", lambda t: b"", "no header row", []),
    ("point-outside-district", P, "p.csv", lambda t: _csv(row(lon="105.8", lat="21.0")), "outside Tam Đường", []),
    ("bad-source", P, "p.csv", lambda t: _csv(row(source="lottery")), "'lottery' is not a valid funding source", []),
    # --- layers ---
    ("corrupt-zip", "communes", "b.zip", lambda t: b"PK\x03\x04garbage", "not a valid zip", []),
    ("zip-without-shp", "communes", "b.zip",
     lambda t: (lambda b: (zipfile.ZipFile(b, "w").writestr("readme.txt", "hi"), b.getvalue())[1])(io.BytesIO()),
     "no .shp", []),
    ("zip-without-dbf", "communes", "b.zip", lambda t: _shp_zip(_metric_communes(), t, keep=(".shp", ".shx", ".prj")),
     "missing .dbf", []),
    ("no-prj-vn2000-metres", "communes", "b.zip",
     lambda t: _shp_zip(_metric_communes(), t, keep=(".shp", ".shx", ".dbf")), "look like VN-2000 metres", []),
    ("no-prj-degrees", "communes", "b.zip",
     lambda t: _shp_zip(DS.communes[["code", "geometry"]], t, keep=(".shp", ".shx", ".dbf")), "has no CRS", []),
    ("geojson-in-metres", "communes", "b.geojson",
     lambda t: json.dumps(json.loads(_metric_communes().to_json()) | {"crs": None}).encode(), "look like metres", []),
    ("wrong-crs-given", "communes", "b.zip",
     lambda t: _shp_zip(_metric_communes(), t, keep=(".shp", ".shx", ".dbf")), "wrong CRS?",
     ["--crs", "EPSG:3405"]),
    ("bow-tie", "crops", "z.geojson", lambda t: _geojson(_zones([_bowtie()], crop=["tea"])),
     "row 1, column 'geometry': invalid polygon", []),
    ("empty-geometry", "crops", "z.geojson",
     lambda t: json.dumps({"type": "FeatureCollection", "features": [
         json.loads(_geojson(_zones([_poly()], crop=["tea"])))["features"][0],
         {"type": "Feature", "properties": {"crop": "tea"}, "geometry": None}]}).encode(),
     "row 2, column 'geometry': empty or missing geometry", []),
    ("nan-geometry", "crops", "z.gpkg", _nan_gpkg, "row 2, column 'geometry': coordinates are not numbers", []),
    ("mixed-geometry", "crops", "z.geojson",
     lambda t: _geojson(_zones([_poly(), _poly().centroid], crop=["tea", "tea"])), "mixed geometry types", []),
    ("line-for-polygon", "risk", "z.geojson",
     lambda t: _geojson(_zones([LineString(_poly().exterior.coords)], risk_level=["high"])),
     "LineString where a polygon is needed", []),
    ("duplicate-commune-codes", "communes", "b.geojson",
     lambda t: _geojson(_zones([_poly(), _poly("Nà Tăm")], code=[CODES["Bản Bo"], CODES["Bản Bo"]])),
     f"duplicate code {CODES['Bản Bo']}", []),
    ("unknown-commune-boundary", "communes", "b.geojson",
     lambda t: _geojson(_zones([_poly()], ten_xa=["Hà Nội"])), "row 1, column 'ten_xa': no commune of Tam Đường matches this feature", []),
    ("unknown-crop", "crops", "z.geojson", lambda t: _geojson(_zones([_poly()], crop=["coffee"])),
     "'coffee' is not one of", []),
    ("missing-crop-field", "crops", "z.geojson", lambda t: _geojson(_zones([_poly()], kind=["tea"])),
     "missing field 'crop'", []),
    ("duplicate-zone-ids", "risk", "z.geojson",
     lambda t: _geojson(_zones([_poly(), _poly("Nà Tăm")], zone_id=["R1", "R1"], risk_level=["high", "cao"])),
     "duplicate id 'R1'", []),
    ("unknown-project-location", "project-locations", "p.geojson",
     lambda t: _geojson(_zones([_poly().centroid], project_id=["XX-999"])), "unknown project 'XX-999'", []),
    ("not-gis", "crops", "z.geojson", lambda t: b"<html>oops</html>", "cannot be read", []),
    ("bare-shp", "crops", "z.shp", lambda t: b"\x00\x00\x27\x0a", "zip the .shp", []),
    ("dwg", "crops", "z.dwg", lambda t: b"AC1027", "unsupported file type '.dwg'", []),
    ("gpkg-two-layers", "crops", "z.gpkg", _two_layer_gpkg, "several layers", []),
    ("missing-provenance", "crops", "z.geojson", lambda t: _geojson(_zones([_poly()], crop=["tea"])),
     "column 'source': required", ["--no-prov"]),
]


def fingerprint(store) -> tuple[str, int]:
    store.checkpoint()
    wal = Path(str(store.path) + "-wal")
    return hashlib.sha256(store.path.read_bytes()).hexdigest(), (wal.stat().st_size if wal.exists() else 0)


def test_corpus_has_at_least_30_cases():
    assert len(CASES) >= 30 and len({c[0] for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_bad_input_is_refused_clearly_and_store_unchanged(case, tmp_path, store, capsys):
    name, command, filename, build, expected, extra = case
    path = tmp_path / filename
    path.write_bytes(build(tmp_path))
    store.load()
    before = fingerprint(store)
    version = store.version()
    if command == P:
        argv = [P, str(path), "--yes", *extra]
    else:
        prov = [] if "--no-prov" in extra else PROV
        argv = ["import-layer", command, str(path), *[a for a in extra if a != "--no-prov"], *prov]
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and filename in err, err
    assert expected in err, err
    assert store.version() == version
    assert fingerprint(store) == before


# --- documented repairs and accepted edge cases -------------------------------------------------------
def test_small_self_intersection_is_repaired_and_reported(tmp_path, store, capsys):
    p = _poly()
    x0, y0, x1, y1 = p.bounds
    w = (x1 - x0) / 200  # a tiny loop at one corner: < 1 % of the area
    loop = Polygon([(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0 + w, y0 - w), (x0 - w, y0 + w), (x0, y0)])
    assert not loop.is_valid
    f = tmp_path / "z.geojson"
    f.write_bytes(_geojson(_zones([loop], crop=["tea"])))
    assert main(["import-layer", "crops", str(f), *PROV]) == 0
    out = capsys.readouterr().out
    assert "repaired" in out and "row 1" in out
    stored = store.load().crop_zones
    assert len(stored) == 1 and stored.geometry.iloc[0].is_valid
    assert abs(stored.geometry.iloc[0].area - p.area) / p.area < 0.01


def test_formula_and_html_in_names_are_kept_as_text_and_neutralised_on_export(tmp_path, store):
    evil = "=HYPERLINK(\"http://x\",\"<b>click</b>\")"
    f = tmp_path / "p.csv"
    f.write_bytes(_csv(row(name=evil, lead_agency="<script>alert(1)</script>")))
    assert main([P, str(f), "--yes"]) == 0
    rec = store.get_project("IM-1")
    assert rec.project["name_vi"] == evil and rec.project["lead_agency"] == "<script>alert(1)</script>"
    out = tmp_path / "e.csv"
    assert main(["export", "--format", "csv", "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert "'=HYPERLINK" in text and ",=HYPERLINK" not in text
