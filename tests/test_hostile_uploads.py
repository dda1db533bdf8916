"""Hostile layer uploads (issue 13, "open only what we mean to open").

Every case is a file that would make GDAL open something else — an OGR VRT or GDALG pipeline
reading a local "secret" CSV or fetching a URL, a KML NetworkLink or entity, a GeoJSON CRS link,
a GeoPackage with a view, trigger or virtual table — disguised under every accepted extension
and inside zips. Each must be refused with a message naming the file (and the archive member),
without a traceback, without the secret's marker anywhere in the output or the problems,
without a request reaching the local web server the payload points at, and with the store
file byte-for-byte unchanged. Run through the CLI and through the ingest function.
"""

from __future__ import annotations

import http.server
import io
import json
import sqlite3
import threading
import uuid
import zipfile
from pathlib import Path

import geopandas as gpd
import pyogrio
import pytest
from shapely.geometry import box

from geo.cli.main import main
from geo.ingest import safe_gis
from geo.ingest.layer_import import preview_layer
from geo.ingest.validate import DataError
from geo.storage.store import BundledStore
from tests.helpers import PROV
from tests.hostile import INSIDE, fingerprint, vrt_csv

DS = BundledStore().load()

MARKER = f"ATLAS-SECRET-{uuid.uuid4().hex[:12]}"
# A polygon inside Tam Đường, so a leaked row would pass the CRS checks and show in the match table.


class _Counter(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self):  # noqa: N802 (http.server's name)
        _Counter.hits.append(self.path)
        body = b'{"type": "FeatureCollection", "features": []}'
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_HEAD = do_GET

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def web():
    """A loopback web server the payloads point at; it records every request it gets."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Counter)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def secret(tmp_path):
    path = tmp_path / "secret.csv"
    path.write_text(f"id,name\n1,{MARKER}\n2,{MARKER}-2\n")
    return path


# --- payloads: what the file really is ----------------------------------------------------------------
def vrt_path(secret: Path, url: str) -> bytes:
    return (f'<?xml version="1.0"?>\n<!-- a layer -->\n<OGRVRTDataSource><OGRVRTLayer name="secret">'
            f'<SrcDataSource relativeToVRT="0">{secret}</SrcDataSource></OGRVRTLayer></OGRVRTDataSource>').encode()


def vrt_vsicurl(secret: Path, url: str) -> bytes:
    return (f'<OGRVRTDataSource><OGRVRTLayer name="x"><SrcDataSource>/vsicurl/{url}/x.geojson</SrcDataSource>'
            '</OGRVRTLayer></OGRVRTDataSource>').encode()


def gdalg_csv(secret: Path, url: str) -> bytes:
    return json.dumps({"type": "gdal_streamed_alg", "command_line":
                       f"gdal vector pipeline ! read CSV:{secret} ! sql --sql \"SELECT name, '{INSIDE}' AS wkt "
                       "FROM secret\"", "relative_paths_relative_to_this_file": False}).encode()


def gdalg_vsicurl(secret: Path, url: str) -> bytes:
    return json.dumps({"type": "gdal_streamed_alg",
                       "command_line": f"gdal vector pipeline ! read /vsicurl/{url}/x.geojson"}).encode()


PAYLOADS = {"vrt-csv": vrt_csv, "vrt-path": vrt_path, "vrt-vsicurl": vrt_vsicurl, "gdalg-csv": gdalg_csv,
            "gdalg-vsicurl": gdalg_vsicurl}
FOUND = {"vrt": "an OGR VRT", "gdalg": "a GDALG pipeline"}


# --- disguises: what the name says -------------------------------------------------------------------
def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def _shapefile_parts(tmp: Path) -> dict[str, bytes]:
    d = tmp / "real_shp"
    d.mkdir(exist_ok=True)
    gpd.GeoDataFrame({"code": ["03424"]}, geometry=[box(103.6, 22.3, 103.61, 22.31)], crs="EPSG:4326") \
        .to_file(d / "ranh_gioi.shp")
    return {f.name: f.read_bytes() for f in d.iterdir()}


def as_file(payload: bytes, tmp: Path) -> tuple[bytes, str | None]:
    return payload, None


def zip_as_shp(payload: bytes, tmp: Path) -> tuple[bytes, str | None]:
    parts = _shapefile_parts(tmp)
    parts["ranh_gioi.shp"] = payload
    return _zip(parts), "ranh_gioi.shp"


def zip_as_dbf(payload: bytes, tmp: Path) -> tuple[bytes, str | None]:
    parts = _shapefile_parts(tmp)
    parts["ranh_gioi.dbf"] = payload
    return _zip(parts), "ranh_gioi.dbf"


def zip_as_kml(payload: bytes, tmp: Path) -> tuple[bytes, str | None]:
    return _zip({"doc.kml": payload}), "doc.kml"


def zip_beside(payload: bytes, tmp: Path) -> tuple[bytes, str | None]:
    name = "ranh_gioi.vrt" if payload.startswith(b"<") else "ranh_gioi.gdalg.json"
    return _zip({**_shapefile_parts(tmp), name: payload}), name


DISGUISES = {"geojson": ("ranh_gioi.geojson", as_file), "json": ("ranh_gioi.json", as_file),
             "kml": ("ranh_gioi.kml", as_file), "gpkg": ("ranh_gioi.gpkg", as_file),
             "zip-shp": ("ranh_gioi.zip", zip_as_shp), "zip-dbf": ("ranh_gioi.zip", zip_as_dbf),
             "zip-kml": ("ranh_gioi.zip", zip_as_kml), "kmz-kml": ("ranh_gioi.kmz", zip_as_kml),
             "zip-beside": ("ranh_gioi.zip", zip_beside)}


# --- other active content ------------------------------------------------------------------------------
def _geojson_crs_link(secret: Path, url: str) -> bytes:
    return json.dumps({"type": "FeatureCollection", "crs": {"type": "link", "properties": {"href": f"{url}/crs"}},
                       "features": []}).encode()


def _geojson_crs_file(secret: Path, url: str) -> bytes:
    return json.dumps({"type": "FeatureCollection", "crs": {"type": "link", "properties": {"href": str(secret)}},
                       "features": []}).encode()


def _kml(body: str, prolog: str = "") -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8"?>{prolog}<kml xmlns="http://www.opengis.net/kml/2.2">'
            f"<Document>{body}</Document></kml>").encode()


def _kml_network_link(secret: Path, url: str) -> bytes:
    return _kml(f"<NetworkLink><Link><href>{url}/x.kml</href></Link></NetworkLink>")


def _kml_network_link_file(secret: Path, url: str) -> bytes:
    return _kml(f"<NetworkLink><Link><href>{secret}</href></Link></NetworkLink>")


def _kml_entity(secret: Path, url: str) -> bytes:
    return _kml("<Placemark><name>&s;</name><Point><coordinates>103.6,22.3</coordinates></Point></Placemark>",
                f'<!DOCTYPE kml [<!ENTITY s SYSTEM "file://{secret}">]>')


def _kml_entity_http(secret: Path, url: str) -> bytes:
    return _kml("<Placemark><name>&s;</name><Point><coordinates>103.6,22.3</coordinates></Point></Placemark>",
                f'<!DOCTYPE kml [<!ENTITY s SYSTEM "{url}/e">]>')


def _gpkg(tmp: Path, sql: list[str], writable_schema: list[tuple] = ()) -> bytes:
    path = tmp / f"g{uuid.uuid4().hex[:6]}.gpkg"
    gpd.GeoDataFrame({"crop": ["tea"]}, geometry=[box(103.6, 22.3, 103.61, 22.31)], crs="EPSG:4326") \
        .to_file(path, layer="zones")
    con = sqlite3.connect(path)
    for stmt in sql:
        con.execute(stmt)
    if writable_schema:  # a virtual table whose module only GDAL has: written into the schema directly
        con.execute("PRAGMA writable_schema=ON")
        con.executemany("INSERT INTO sqlite_master(type, name, tbl_name, rootpage, sql) VALUES (?, ?, ?, 0, ?)",
                        writable_schema)
    con.commit()
    con.close()
    return path.read_bytes()


def _gpkg_view(secret: Path, url: str) -> bytes:
    return _gpkg(secret.parent, ["CREATE VIEW leak AS SELECT fid, geom, crop FROM zones",
                                 "INSERT INTO gpkg_contents(table_name, data_type, identifier, srs_id) "
                                 "VALUES ('leak', 'features', 'leak', 4326)"])


def _gpkg_trigger(secret: Path, url: str) -> bytes:
    return _gpkg(secret.parent, ["CREATE TABLE log(x)",
                                 "CREATE TRIGGER sneak AFTER UPDATE ON zones BEGIN INSERT INTO log VALUES (1); END"])


def _gpkg_virtual_ogr(secret: Path, url: str) -> bytes:
    return _gpkg(secret.parent, [], [("table", "leak", "leak", f"CREATE VIRTUAL TABLE leak USING VirtualOGR('{secret}')")])


def _sqlite_not_gpkg(secret: Path, url: str) -> bytes:
    path = secret.parent / "plain.sqlite"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE t(wkt)")
    con.execute("INSERT INTO t VALUES (?)", (INSIDE,))
    con.commit()
    con.close()
    return path.read_bytes()


SPECIAL = [
    ("geojson-crs-link-url", "crops", "vung.geojson", _geojson_crs_link, None, "CRS as a link"),
    ("geojson-crs-link-file", "crops", "vung.json", _geojson_crs_file, None, "CRS as a link"),
    ("kml-networklink-url", "project-locations", "diem.kml", _kml_network_link, None, "NetworkLink"),
    ("kml-networklink-file", "project-locations", "diem.kml", _kml_network_link_file, None, "NetworkLink"),
    ("kmz-networklink", "project-locations", "diem.kmz",
     lambda s, u: _zip({"doc.kml": _kml_network_link(s, u)}), "doc.kml", "NetworkLink"),
    ("kml-entity-file", "project-locations", "diem.kml", _kml_entity, None, "DTD"),
    ("kml-entity-url", "project-locations", "diem.kml", _kml_entity_http, None, "DTD"),
    ("gpkg-view", "crops", "vung.gpkg", _gpkg_view, None, "leak (view)"),
    ("gpkg-trigger", "crops", "vung.gpkg", _gpkg_trigger, None, "sneak (trigger)"),
    ("gpkg-virtualogr", "crops", "vung.gpkg", _gpkg_virtual_ogr, None, "leak (table)"),
    ("sqlite-as-gpkg", "crops", "vung.gpkg", _sqlite_not_gpkg, None, "not a GeoPackage"),
    ("vrt-in-gpkg-zip", "crops", "vung.zip", lambda s, u: _zip({"vung.gpkg": vrt_csv(s, u)}), None, "no .shp"),
]


def _cases():
    out = []
    for pname, payload in PAYLOADS.items():
        for dname, (filename, wrap) in DISGUISES.items():
            out.append((f"{pname}-as-{dname}", "communes", filename, payload, wrap, pname.split("-")[0]))
    for cid, kind, filename, build, member, expected in SPECIAL:
        out.append((cid, kind, filename, build, member, expected))
    return out


CASES = _cases()


def test_corpus_has_at_least_30_hostile_uploads():
    assert len(CASES) >= 30 and len({c[0] for c in CASES}) == len(CASES)


def _build(case, tmp_path, secret, web) -> tuple[bytes, str | None, str]:
    cid, kind, filename, build, wrap, expected = case
    if callable(wrap):  # a payload in a disguise
        data, member = wrap(build(secret, web), tmp_path)
        return data, member, FOUND[expected]
    return build(secret, web), wrap, expected


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_hostile_upload_is_refused_by_name_and_reads_nothing(case, tmp_path, secret, web, store, capsys):
    cid, kind, filename, *_ = case
    data, member, expected = _build(case, tmp_path, secret, web)
    path = tmp_path / filename
    path.write_bytes(data)
    hits_before = len(_Counter.hits)
    store.load()
    before, version = fingerprint(store), store.version()

    # The CLI, as a user runs it.
    assert main(["import-layer", kind, str(path), *PROV]) == 1
    out, err = capsys.readouterr()
    assert err.startswith(f"error: {filename}: "), err
    assert expected in err, err
    if member:
        assert f"'{member}'" in err, err
    assert "Traceback" not in out + err
    assert MARKER not in out + err

    # The ingest function the pages call: a DataError whose every problem names the file, in both languages.
    with pytest.raises(DataError) as refused:
        preview_layer(kind, data, filename, store.load())
    texts = [p.text(lang) for p in refused.value.problems for lang in ("vi", "en")]
    assert texts and all(filename in t for t in texts)
    assert not any(MARKER in t for t in texts)

    assert _Counter.hits[hits_before:] == []  # the server fetched no URL
    assert store.version() == version and fingerprint(store) == before


def test_only_the_upload_drivers_are_left_and_gdal_itself_refuses_a_vrt(tmp_path, secret, web):
    """Second line of defence: were the sniffer fooled, GDAL has no VRT, CSV or HTTP driver to follow."""
    safe_gis.lock_down_gdal()
    assert set(pyogrio.list_drivers()) <= set(safe_gis.ALLOWED_DRIVERS)
    path = tmp_path / "upload.geojson"
    path.write_bytes(vrt_csv(secret, web))
    with pytest.raises(DataError) as refused:
        safe_gis.read_checked(path, "geojson", "x.geojson")
    assert MARKER not in str(refused.value)
    path.write_bytes(vrt_vsicurl(secret, web))
    hits = len(_Counter.hits)
    with pytest.raises(DataError):
        safe_gis.read_checked(path, "geojson", "x.geojson")
    assert _Counter.hits[hits:] == []


@pytest.mark.parametrize("data, fmt", [
    (b'\xef\xbb\xbf {"type": "Feature", "geometry": null, "properties": {}}', "geojson"),
    (b'{"type": "Topology", "objects": {}}', "json"),
    (b'{"type": "FeatureCollection", "features": [', "json"),
    (b"<kml:kml xmlns:kml='http://www.opengis.net/kml/2.2'/>", "kml"),
    (b"<gml:FeatureCollection/>", "xml"),
    (b"<!DOCTYPE html><html></html>", "xml-dtd"),
    (b"  <VRTDataset rasterXSize='1'/>", "vrt"),
    (b"WKT,name\nPOINT(1 2),a\n", "text"),
    (b"\x00\xff\xfe\x01" * 10, "unknown"),
    (b"   \n", "empty"),
    (b'GEOGCS["WGS 84",DATUM["WGS_1984"]]', "prj"),
])
def test_sniff_names_what_the_bytes_are(data, fmt):
    assert safe_gis.sniff(data) == fmt


def test_a_clean_geopackage_and_geojson_still_import(tmp_path):
    """The checks refuse active content, not GeoPackages as GDAL writes them (R-tree triggers included)."""
    data = _gpkg(tmp_path, [])
    li = preview_layer("crops", data, "vung.gpkg", DS)
    assert li.ok, li.problems
    gj = gpd.GeoDataFrame({"crop": ["tea"]}, geometry=[box(103.6, 22.3, 103.61, 22.31)], crs="EPSG:4326").to_json()
    assert preview_layer("crops", gj.encode(), "vung.json", DS).ok


@pytest.mark.parametrize("layer_file", ["communes.geojson", "crop_zones.geojson"])
def test_a_data_folder_layer_that_is_a_vrt_is_refused_by_name(layer_file, tmp_path, secret, web):
    """A manifest may name any file: the data folder's layers go through the same checks as uploads."""
    import shutil

    from geo.model.config import BUNDLED_DATA_DIR
    from geo.storage.store import load_dataset

    folder = tmp_path / "data"
    shutil.copytree(BUNDLED_DATA_DIR, folder)
    (folder / layer_file).write_bytes(vrt_csv(secret, web))
    with pytest.raises(DataError) as refused:
        load_dataset(folder)
    text = "\n".join(p.text(lang) for p in refused.value.problems for lang in ("vi", "en"))
    assert layer_file in text and "OGR VRT" in text
    assert MARKER not in text


def test_an_empty_prj_is_treated_as_missing_not_as_hostile(tmp_path):
    from geo.ingest.layer_import import CRSNeeded

    parts = _shapefile_parts(tmp_path)
    parts = {n: d for n, d in parts.items() if not n.endswith(".prj")} | {"ranh_gioi.prj": b""}
    data = _zip({n: d for n, d in parts.items()})
    with pytest.raises(CRSNeeded):
        preview_layer("crops", data, "vung.zip", DS)


def test_a_prj_that_is_a_vrt_is_refused_naming_the_member(tmp_path, secret, web):
    parts = _shapefile_parts(tmp_path) | {"ranh_gioi.prj": vrt_csv(secret, web)}
    with pytest.raises(DataError) as refused:
        preview_layer("crops", _zip(parts), "vung.zip", DS)
    text = refused.value.text("en")
    assert "vung.zip" in text and "'ranh_gioi.prj'" in text and "OGR VRT" in text and MARKER not in text


@pytest.mark.parametrize("type_first", [True, False])
def test_a_big_geojson_is_sniffed_by_its_head_or_tail(type_first):
    """Over MAX_JSON_PARSE bytes the JSON is not parsed in Python (memory); "type" may come first or last."""
    feature = {"type": "Feature", "properties": {"a": "x" * 100}, "geometry": {"type": "Point", "coordinates": [1, 2]}}
    features = [feature] * (safe_gis.MAX_JSON_PARSE // 150)
    obj = {"type": "FeatureCollection", "features": features} if type_first else \
        {"features": features, "type": "FeatureCollection"}
    data = json.dumps(obj).encode()
    assert len(data) > safe_gis.MAX_JSON_PARSE
    assert safe_gis.sniff(data) == "geojson"
    crs = json.dumps({"type": "FeatureCollection", "crs": {"type": "link", "properties": {"href": "http://x/"}},
                      "features": features}).encode()
    with pytest.raises(DataError, match="CRS as a link"):
        safe_gis.check_content(crs, "big.geojson", ".geojson")


@pytest.mark.parametrize("cid", ["vrt-csv-as-geojson", "gdalg-csv-as-zip-shp", "gpkg-virtualogr", "kml-entity-file"])
def test_python_m_geo_import_layer_refuses_in_a_fresh_process(cid, tmp_path, secret, web, store, atlas_data_dir):
    """The real command in its own process: GDAL is locked down there too, from its first read."""
    import os
    import subprocess
    import sys

    case = next(c for c in CASES if c[0] == cid)
    data, member, expected = _build(case, tmp_path, secret, web)
    path = tmp_path / case[2]
    path.write_bytes(data)
    store.load()
    before, hits = fingerprint(store), len(_Counter.hits)
    run = subprocess.run([sys.executable, "-m", "geo", "import-layer", case[1], str(path), *PROV],
                         capture_output=True, text=True, timeout=120, cwd=Path(__file__).resolve().parent.parent,
                         env={**os.environ, "ATLAS_DATA_DIR": str(atlas_data_dir)})
    assert run.returncode == 1, run.stdout + run.stderr
    assert run.stderr.startswith(f"error: {case[2]}: ") and expected in run.stderr, run.stderr
    assert "Traceback" not in run.stdout + run.stderr and MARKER not in run.stdout + run.stderr
    assert _Counter.hits[hits:] == [] and fingerprint(store) == before
