"""Open only what we mean to open: uploaded GIS bytes are checked before GDAL sees them.

GDAL picks a driver from a file's *content*, and some drivers open other files or URLs
(an OGR VRT or a GDALG pipeline pointing at ``/etc/passwd`` through the CSV driver, a
``/vsicurl/`` source that makes the server fetch a URL). An upload is therefore:

1. **sniffed** (:func:`sniff`): magic bytes or the first non-space characters say what it
   really is; a name that claims one format over content of another is refused, naming
   the file (and the archive member), before any GIS library parses it;
2. **checked** for active content GDAL would otherwise act on: a GeoJSON whose CRS is a
   link, XML with a DTD, a GeoPackage with views, triggers or virtual tables beyond its
   spatial index (:func:`check_gpkg`, read with SQLite read-only and immutable);
3. **opened** by a GDAL that only has :data:`ALLOWED_DRIVERS` registered and whose
   network and directory-listing features are turned off (:func:`lock_down_gdal`), and
   only when the driver GDAL chose is the one the content showed (:func:`read_checked`).

Examples
--------
>>> sniff(b'  {"type": "FeatureCollection", "features": []}')
'geojson'
>>> sniff(b'<OGRVRTDataSource><OGRVRTLayer name="x"/></OGRVRTDataSource>')
'vrt'
>>> sniff(b'{"type": "gdal_streamed_alg", "command_line": "gdal vector read x"}')
'gdalg'
>>> sniff(b'<?xml version="1.0"?><kml xmlns="http://www.opengis.net/kml/2.2"></kml>')
'kml'
"""

from __future__ import annotations

import json
import re
import sqlite3
import struct
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

from geo.ingest import limits
from geo.ingest.validate import DataError, Problem, catalog_label
from geo.model import schema

#: The only GDAL vector drivers this process keeps (the formats uploads may be in; the store is SQLite).
#: LIBKML reads KML's ExtendedData attributes (the plain KML driver drops them); NetworkLinks are refused.
ALLOWED_DRIVERS = ("GeoJSON", "ESRI Shapefile", "GPKG", "KML", "LIBKML")
#: Formats (as :func:`sniff` names them) → the GDAL drivers that may open them.
DRIVER_OF = {"geojson": ("GeoJSON",), "shp": ("ESRI Shapefile",), "gpkg": ("GPKG",), "kml": ("LIBKML", "KML")}
#: GDAL settings for every read: no directory listing, no network, no SQL access to other files.
GDAL_CONFIG = {
    "GDAL_DISABLE_READDIR_ON_OPEN": "EMPTY_DIR",
    "CPL_VSIL_CURL_ALLOWED_EXTENSIONS": ".atlas-no-network",
    "GDAL_HTTP_PROXY": "127.0.0.1:9",  # the discard port: any HTTP attempt fails at once
    "GDAL_HTTP_TIMEOUT": "1",
    "GDAL_HTTP_MAX_RETRY": "0",
    "CPL_VSIL_CURL_USE_HEAD": "NO",
    "OGR_SQLITE_ALLOW_EXTERNAL_ACCESS": "NO",
    "GDAL_VRT_ENABLE_PYTHON": "NO",
    "PROJ_NETWORK": "OFF",
    "LIBKML_RESOLVE_STYLE": "NO",
}
#: Format names (``sniff`` results) that make GDAL open other files or URLs.
REFERENCING = {"vrt", "gdalg", "kml-link"}
#: Bigger JSON is not parsed in Python to sniff it (memory); its head says what it is.
MAX_JSON_PARSE = 4 * 1024 * 1024
_TOP_TYPE = re.compile(r'^\s*\{[^\[]*?"type"\s*:\s*"(FeatureCollection|Feature)"')
_TAIL_TYPE = re.compile(r'"type"\s*:\s*"FeatureCollection"\s*\}\s*$')
_CRS_MEMBER = re.compile(r'"crs"\s*:\s*\{')
_CRS_TYPE = re.compile(r'"type"\s*:\s*"([^"]*)"')
_GEOJSON_TYPES = {"FeatureCollection", "Feature", "Point", "MultiPoint", "LineString", "MultiLineString",
                  "Polygon", "MultiPolygon", "GeometryCollection"}
_EXPECTED = {".geojson": "geojson", ".json": "geojson", ".kml": "kml", ".gpkg": "gpkg", ".zip": "zip",
             ".kmz": "zip", ".shp": "shp", ".shx": "shp", ".dbf": "dbf", ".prj": "prj", ".cpg": "text"}
#: Sidecars of a Shapefile that are extracted from a zip (everything else in it is never written to disk).
SHAPEFILE_PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg")
_DBF_VERSIONS = {0x02, 0x03, 0x04, 0x05, 0x30, 0x31, 0x32, 0x43, 0x63, 0x83, 0x8B, 0x8E, 0xCB, 0xE5, 0xF5, 0xFB}
_WKT = re.compile(r"\s*[A-Z][A-Z0-9_]*\s*\[")
#: Triggers the GeoPackage standard and GDAL create (spatial index, tile-matrix checks, feature counts).
#: They only fire on writes, and the file is read read-only; any other trigger is refused.
_STANDARD_TRIGGER = re.compile(r"rtree_.+_(insert|update\d*|delete)|gpkg_(tile_matrix|metadata)\w*_(insert|update)"
                               r"|trigger_(insert|delete)_feature_count_.+")
_XML_PROLOG = re.compile(r"\s*(<\?xml[^>]*\?>\s*)?((<!--.*?-->)\s*)*", re.S)

_locked = False


def lock_down_gdal() -> None:
    """Keep only :data:`ALLOWED_DRIVERS` registered and apply :data:`GDAL_CONFIG` (idempotent, process-wide).

    ``GDAL_SKIP`` is read when drivers are registered, so drivers are registered again after setting it.
    """
    global _locked
    pyogrio.set_gdal_config_options(GDAL_CONFIG)
    if _locked:
        return
    skip = [d for d in pyogrio.list_drivers() if d not in ALLOWED_DRIVERS]
    if skip:
        pyogrio.set_gdal_config_options({"GDAL_SKIP": ",".join(skip)})  # commas: some names have spaces
        from pyogrio import _ogr  # registering again is how GDAL applies GDAL_SKIP

        _ogr._register_drivers()
    left = set(pyogrio.list_drivers()) - set(ALLOWED_DRIVERS)
    if left:  # a pyogrio that no longer re-registers: still safe (content is sniffed), but say so loudly
        raise RuntimeError(f"GDAL drivers could not be disabled: {sorted(left)}")
    _locked = True


# --- what the bytes are -----------------------------------------------------------------------------
def _text_start(data: bytes, n: int = 4096) -> str:
    head = data[:n]
    for bom in (b"\xef\xbb\xbf",):
        if head.startswith(bom):
            head = head[len(bom):]
    return head.decode("utf-8", errors="replace").lstrip()


def sniff(data: bytes) -> str:
    """What ``data`` is: ``geojson``, ``kml``, ``gpkg``, ``zip``, ``shp``, ``dbf``, ``prj``, or what it is
    instead (``vrt``, ``gdalg``, ``json``, ``xml``, ``sqlite``, ``text``, ``empty``, ``unknown``)."""
    if not data.strip():
        return "empty"
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "zip"
    if data.startswith(b"SQLite format 3\x00"):
        app_id = data[68:72] if len(data) >= 72 else b""
        return "gpkg" if app_id in (b"GPKG", b"GP10", b"GP11") else "sqlite"
    if len(data) >= 100 and struct.unpack(">i", data[:4])[0] == 9994:
        return "shp"
    text = _text_start(data)
    if text.startswith("{"):
        return _sniff_json(data)
    if text.startswith("<"):
        return _sniff_xml(text, data)
    if _WKT.match(text):
        return "prj"
    if data[0] in _DBF_VERSIONS and len(data) >= 32 and data[2] <= 12 and data[3] <= 31:
        return "dbf"
    if "OGRVRTDataSource" in text or "gdal_streamed_alg" in text:
        return "vrt" if "OGRVRTDataSource" in text else "gdalg"
    try:
        data[:4096].decode("utf-8")
        return "text"
    except UnicodeDecodeError:
        return "unknown"


def _sniff_json(data: bytes) -> str:
    head = _text_start(data, 65536)
    if "gdal_streamed_alg" in head:
        return "gdalg"
    if len(data) > MAX_JSON_PARSE:  # a big file is judged by its head (GDAL opens it with the GeoJSON driver only)
        tail = data[-4096:].decode("utf-8", errors="replace")
        return "geojson" if _TOP_TYPE.search(head) or _TAIL_TYPE.search(tail) else "json"
    try:
        obj = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        return "json"
    if isinstance(obj, dict) and obj.get("type") in _GEOJSON_TYPES:
        return "geojson"
    return "json"


def _sniff_xml(text: str, data: bytes) -> str:
    """``vrt``, ``kml``, ``kml-link`` (a KML that loads another file or URL), ``xml-dtd`` or ``xml``."""
    rest = text[_XML_PROLOG.match(text).end():]  # type: ignore[union-attr]  # the pattern matches ""
    m = re.match(r"<([A-Za-z_][\w.:-]*)", rest)
    root = m.group(1).split(":")[-1] if m else ""
    if root in ("OGRVRTDataSource", "VRTDataset"):
        return "vrt"
    if rest.startswith("<!") or "<!ENTITY" in text:  # a DTD can pull in other files
        return "xml-dtd"
    if root == "kml":
        return "kml-link" if re.search(rb"<(\w+:)?NetworkLink\b", data) else "kml"  # bytes: no 50 MB decode
    return "xml"


def _found(kind: str):
    return catalog_label(f"err.fmt.{kind}" if f"err.fmt.{kind}" in _FMT_KEYS else "err.fmt.unknown")


_FMT_KEYS = {f"err.fmt.{k}" for k in ("vrt", "gdalg", "kml-link", "json", "xml", "xml-dtd", "sqlite", "text", "empty",
                                       "unknown", "zip", "gpkg", "geojson", "kml", "shp", "dbf", "prj")}


def check_content(data: bytes, file: str, ext: str, member: str | None = None) -> str:
    """The format of ``data`` when it is what extension ``ext`` claims; else a refusal naming the file/member."""
    expected = _EXPECTED.get(ext.lower())
    got = sniff(data)
    if expected == "text" and got in ("text", "empty"):
        return got
    if got in REFERENCING or got == "xml-dtd":
        key = "err.zip_member_is_reference" if member else "err.layer_is_reference"
        raise DataError([Problem.of(file, key, member=member or "", found=_found(got))])
    if expected is None or got != expected:
        key = "err.zip_member_wrong_content" if member else "err.layer_wrong_content"
        raise DataError([Problem.of(file, key, member=member or "", found=_found(got),
                                    expected=_found(expected or "unknown"))])
    if got == "geojson":
        _check_geojson_crs(data, file)
    return got


def _check_geojson_crs(data: bytes, file: str) -> None:
    """Refuse a ``crs`` member of any type but ``name``/``EPSG``: GDAL fetches a ``link``'s address.

    Searched in the text (no parse: a 50 MB GeoJSON parsed in Python takes ten times that in memory).
    """
    text = data.decode("utf-8-sig", errors="replace")
    for m in _CRS_MEMBER.finditer(text):
        kind = _CRS_TYPE.search(text, m.end(), m.end() + 400)
        name = kind.group(1) if kind else "?"
        if name.lower() not in ("name", "epsg"):
            raise DataError([Problem.of(file, "err.geojson_crs_link", kind=name)])


# --- GeoPackage: nothing in it may run ----------------------------------------------------------------
def check_gpkg(path: Path, file: str) -> None:
    """Refuse a GeoPackage holding views, triggers (but its R-tree index's) or virtual tables (but R-trees).

    Read through SQLite read-only and ``immutable`` so nothing in the file runs and no journal is written.
    """
    try:
        con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
        try:
            rows = con.execute("SELECT type, name, coalesce(sql, '') FROM sqlite_master").fetchall()
        finally:
            con.close()
    except sqlite3.Error as err:
        raise DataError([Problem.of(file, "err.gpkg_unreadable", error=str(err)[:200])]) from None
    active = []
    for typ, name, sql in rows:
        virtual = typ == "table" and re.match(r"\s*CREATE\s+VIRTUAL\s+TABLE", sql, re.I)
        if typ == "view" or (typ == "trigger" and not _STANDARD_TRIGGER.fullmatch(name)) \
                or (virtual and not re.search(r"USING\s+rtree\s*\(", sql, re.I)):
            active.append(f"{name} ({typ})")
    if active:
        raise DataError([Problem.of(file, "err.gpkg_active_content", names=", ".join(active[:5]))])


# --- opening ------------------------------------------------------------------------------------------
def read_checked(target: Path, fmt: str, file: str) -> gpd.GeoDataFrame:
    """Read ``target`` (already sniffed as ``fmt``) with GDAL locked down, refusing any other driver."""
    lock_down_gdal()
    if fmt == "gpkg":
        check_gpkg(target, file)
    opts = {"IMMUTABLE": "YES", "LIST_ALL_TABLES": "NO"} if fmt == "gpkg" else {}
    try:
        layers = pyogrio.list_layers(target)
        driver = pyogrio.read_info(target, layer=str(layers[0][0]), **opts)["driver"] if len(layers) else ""
    except Exception as err:
        raise DataError([Problem.of(file, "err.not_gis", error=_gdal_message(err))]) from None
    if driver not in DRIVER_OF[fmt]:
        raise DataError([Problem.of(file, "err.layer_wrong_content", member="", found=schema.Label(driver, driver),
                                    expected=_found(fmt))])
    return _read_layers(target, fmt, file, layers, opts)


def _read_layers(target: Path, fmt: str, file: str, layers, opts) -> gpd.GeoDataFrame:
    spatial = [str(name) for name, gtype in layers if gtype is not None]
    if not spatial:
        raise DataError([Problem.of(file, "err.no_spatial_layer")])
    if len(spatial) > 1 and fmt != "kml":
        raise DataError([Problem.of(file, "err.several_layers", layers=", ".join(spatial))])
    try:
        counts = [pyogrio.read_info(target, layer=name, **opts).get("features", 0) for name in spatial]
    except Exception as err:
        raise DataError([Problem.of(file, "err.cannot_read", error=_gdal_message(err))]) from None
    total = sum(max(int(c), 0) for c in counts)
    if total > limits.MAX_FEATURES:  # before any feature is read (a count of -1 means "unknown": read, then count)
        raise DataError([Problem.of(file, "err.limit.features", n=total, limit=limits.MAX_FEATURES)])
    try:
        frames = [gpd.read_file(target, layer=name, **opts) for name in spatial]
    except Exception as err:
        raise DataError([Problem.of(file, "err.cannot_read", error=_gdal_message(err))]) from None
    gdf = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    if len(gdf) > limits.MAX_FEATURES:
        raise DataError([Problem.of(file, "err.limit.features", n=len(gdf), limit=limits.MAX_FEATURES)])
    return gpd.GeoDataFrame(gdf, geometry="geometry", crs=frames[0].crs)


def _gdal_message(err: Exception) -> str:
    return str(err).splitlines()[0][:200] if str(err) else type(err).__name__


def read_local(path: Path) -> gpd.GeoDataFrame:
    """A layer file of a data folder, checked like an upload (a manifest may name any file)."""
    path = Path(path)
    file = path.name
    try:
        data = path.read_bytes()
    except OSError as err:
        raise DataError([Problem.of(file, "err.cannot_read", error=str(err)[:200])]) from None
    fmt = check_content(data, file, path.suffix)
    if fmt not in DRIVER_OF:  # a zip is for uploads; a data folder holds the files themselves
        raise DataError([Problem.of(file, "err.layer_wrong_content", member="", found=_found(fmt),
                                    expected=_found("geojson"))])
    return read_checked(path, fmt, file)
