"""Import layers (commune boundaries, crop zones, risk zones, project locations) from any GIS file.

:func:`preview_layer` reads GeoJSON, zipped Shapefile, GeoPackage or KML bytes,
settles the coordinate reference system, checks and repairs geometries and,
for commune boundaries, matches every feature to a GSO code. It writes nothing;
:func:`geo.storage.layer_commit.commit_layer` stores the result in one transaction with the
provenance the user gave (:func:`make_provenance`).

CRS rules
    * A file with no CRS is never guessed: coordinates that can only be VN-2000
      metres raise :class:`CRSNeeded` suggesting EPSG:9205 (TM-3 103°, Lai Châu's grid)
      or EPSG:3405 (UTM 48N); degrees raise it suggesting EPSG:4326. Pass ``crs=``.
    * A "degrees" file whose numbers are metres (a GeoJSON written in VN-2000) is
      refused the same way.
    * Any VN-2000 CRS is converted with the official EPSG:6960 shift written out
      explicitly (:data:`VN2000_TOWGS84`), so a ``.prj`` without TOWGS84 does not fall
      back to PROJ's "ballpark" conversion, which is about 220 m off in Tam Đường.
    * After conversion the layer must lie in or near the district, otherwise the
      CRS was wrong.

Geometry rules
    Empty, missing or NaN geometries are refused with their feature number. A layer
    must hold one family (polygons, or points for project locations). An invalid
    polygon is repaired with ``shapely.make_valid`` only when the result is still
    polygonal and its area changes by less than :data:`MAX_REPAIR_CHANGE` (1 %);
    the repair is reported. A figure-eight ("bow-tie") polygon is therefore
    refused: its two lobes have opposite orientation, so its signed area nearly
    cancels and any repair changes the area far more than 1 %.

``row`` in the problems is the feature number (1 = first feature).

Examples
--------
>>> is_vn2000(pyproj.CRS("EPSG:9205")), is_vn2000(pyproj.CRS("EPSG:32648"))
(True, False)
>>> guess_crs((520_000, 2_460_000, 540_000, 2_480_000))
['EPSG:9205', 'EPSG:3405']
"""

from __future__ import annotations

import functools
import io
import re
import tempfile
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from geo.ingest import limits, safe_gis
from geo.ingest.imports import commune_index
from geo.ingest.names import fold, nfc
from geo.ingest.textcheck import text_problems
from geo.ingest.validate import DataError, Note, Problem, catalog_label, per_language
from geo.model import schema
from geo.model.dataset import Dataset
from geo.text import fmt, i18n

#: Official VN-2000 → WGS 84 shift (EPSG:6960, Decision 05/2007/QĐ-BTNMT), as PROJ ``+towgs84``.
#: EPSG gives it in the coordinate-frame convention; ``+towgs84`` uses position-vector,
#: so the three rotations change sign.
VN2000_TOWGS84 = "-191.90441429,-39.30318279,-111.45032835,0.00928836,-0.01975479,0.00427372,0.252906278"
MAX_REPAIR_CHANGE = 0.01
MAX_LAYER_BYTES = limits.MAX_LAYER_BYTES
KINDS: dict[str, str | None] = {"communes": "communes", "crops": "crop_zones", "risk": "risk_zones",
                                "events": "landslide_events", "project-locations": None}
_FAMILY = {"Polygon": "polygon", "MultiPolygon": "polygon", "Point": "point", "MultiPoint": "point",
           "LineString": "line", "MultiLineString": "line"}
_CODE_FIELDS = {"code", "ma", "ma xa", "ma dvhc", "gso", "gso code", "commune code", "ma don vi", "maxa", "madvhc"}


class CRSNeeded(DataError):
    """The file's coordinates need a CRS from the user; ``suggestions`` lists EPSG codes to offer."""

    def __init__(self, file: str, key: str, suggestions: list[str], **params: object):
        self.suggestions = suggestions
        super().__init__([Problem.of(file, key, None, None, **params)])


@dataclass
class LayerImport:
    """A checked layer ready to store (EPSG:4326), or the reasons it cannot be."""

    kind: str
    file: str
    gdf: gpd.GeoDataFrame | None = None
    problems: list[Problem] = field(default_factory=list)
    repairs: list[Problem] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    matches: pd.DataFrame = field(default_factory=pd.DataFrame)
    source_crs: str = ""
    #: Risk zones only: the attribute fields, the one read as the class, and each of its values with its
    #: feature count and the class it maps to (``""`` when unmapped): the review step before a commit.
    fields: list[str] = field(default_factory=list)
    class_field: str = ""
    classes: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def ok(self) -> bool:
        return not self.problems and self.gdf is not None


# --- reading ----------------------------------------------------------------------------------------
def read_layer(data: bytes, filename: str) -> gpd.GeoDataFrame:
    """Read GeoJSON, zipped Shapefile, GeoPackage or KML bytes into a frame with the file's own CRS (or none)."""
    file = Path(filename).name
    if len(data) > MAX_LAYER_BYTES:
        raise DataError([Problem.of(file, "err.file_too_big", mb=per_language(lambda lang: fmt.number(len(data) / 2**20, lang, 1)),
                                          limit=MAX_LAYER_BYTES // 2**20)])
    ext = Path(filename).suffix.lower()
    if ext == ".shp":
        raise DataError([Problem.of(file, "err.shp_not_zipped")])
    if ext not in (".zip", ".kmz", ".geojson", ".json", ".gpkg", ".kml"):
        raise DataError([Problem.of(file, "err.unsupported_layer", ext=ext)])
    real = safe_gis.check_content(data, file, ext)  # what it really is, before GDAL sees a byte
    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        if real == "zip":
            target, real = _unzip(data, file, tmpdir)
        else:
            target = tmpdir / f"upload{ext}"
            target.write_bytes(data)
        return safe_gis.read_checked(target, real, file)


def _unzip(data: bytes, file: str, tmpdir: Path) -> tuple[Path, str]:
    """Extract the one Shapefile (its known parts only) or KML, each part checked for what it is.

    The directory is checked against :mod:`geo.ingest.limits` before anything is inflated, and each part
    is streamed to disk within the unpacked-size budget (never held whole in memory).
    """
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        names = zf.namelist()
    except (zipfile.BadZipFile, EOFError, OSError) as err:
        raise DataError([Problem.of(file, "err.bad_zip", error=str(err))]) from None
    limits.check_zip_directory(zf, file)
    budget = [limits.MAX_UNZIPPED_BYTES]
    for name in names:  # a VRT/GDALG beside the layer is refused even if nothing would open it
        if name.lower().endswith((".vrt", ".gdalg.json", ".gdalg")):
            kind = "vrt" if name.lower().endswith(".vrt") else "gdalg"
            raise DataError([Problem.of(file, "err.zip_member_is_reference", member=name,
                                        found=catalog_label(f"err.fmt.{kind}"))])
    kml = [n for n in names if n.lower().endswith(".kml")]
    shps = [n for n in names if n.lower().endswith(".shp") and not n.startswith("__MACOSX")]
    if not shps and kml:
        shps = kml
    if not shps:
        raise DataError([Problem.of(file, "err.zip_no_shp")])
    if len(shps) > 1:
        raise DataError([Problem.of(file, "err.zip_several", layers=", ".join(shps))])
    stem = shps[0][:-4]
    if shps[0].lower().endswith(".kml"):
        target = tmpdir / "layer.kml"
        limits.extract_member(zf, shps[0], target, file, budget)
        safe_gis.check_content(target.read_bytes(), file, ".kml", member=shps[0])
        return target, "kml"
    lower = {n.lower() for n in names}
    missing = [ext for ext in (".dbf", ".shx") if (stem + ext).lower() not in lower]
    if missing:
        raise DataError([Problem.of(file, "err.shp_incomplete", name=shps[0], missing=", ".join(missing))])
    for name in names:
        ext = name[len(stem):].lower()
        if name[:len(stem)] == stem and ext in safe_gis.SHAPEFILE_PARTS:
            target = tmpdir / f"layer{ext}"  # our names: nothing of the member's path reaches GDAL
            limits.extract_member(zf, name, target, file, budget)
            part = limits.head(target)
            if ext in (".prj", ".cpg") and not part.strip():
                target.unlink()
                continue  # an empty sidecar says nothing: the same as none (a missing .prj asks for the CRS)
            safe_gis.check_content(part, file, ext, member=name)
    return tmpdir / "layer.shp", "shp"


# --- CRS ----------------------------------------------------------------------------------------------
def is_vn2000(crs: pyproj.CRS) -> bool:
    """Whether a CRS uses the VN-2000 datum (by name, as .prj files spell it many ways)."""
    names = [crs.name]
    try:
        names += [crs.datum.name if crs.datum else "", crs.geodetic_crs.name if crs.geodetic_crs else ""]
    except Exception:
        pass
    return any(re.search(r"(vn|vietnam)\s*2000", fold(n)) for n in names if n)


def with_official_shift(crs: pyproj.CRS) -> pyproj.CRS:
    """The same CRS with the EPSG:6960 shift to WGS 84 made explicit (no-op for non-VN-2000 CRSs)."""
    if not is_vn2000(crs):
        return crs
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        proj4 = re.sub(r"\+towgs84=\S+", "", crs.to_proj4())
    return pyproj.CRS.from_proj4(f"{proj4} +towgs84={VN2000_TOWGS84}")


def guess_crs(bounds: tuple[float, float, float, float]) -> list[str]:
    """CRSs the coordinates could be in (empty when unknown). Used to ask, never to decide."""
    minx, miny, maxx, maxy = bounds
    if 100_000 <= minx and maxx <= 900_000 and 900_000 <= miny and maxy <= 2_700_000:
        return [schema.METRIC_CRS, schema.NATIONAL_CRS]
    if -180 <= minx and maxx <= 180 and -90 <= miny and maxy <= 90:
        return [schema.GEOGRAPHIC_CRS, "EPSG:4756"]
    return []


def to_wgs84(gdf: gpd.GeoDataFrame, file: str, crs: str | None, district_bounds,
             extent: tuple[float, float, float, float] = schema.PROVINCE_EXTENT,
             province: schema.Label = schema.Label("tỉnh Lai Châu", "Lai Châu province"),
             ) -> tuple[gpd.GeoDataFrame, list[Note]]:
    """Settle the CRS (see module rules) and return the layer in EPSG:4326 plus notes for the user.

    The converted layer must lie inside ``extent`` (the province's plausibility box, ``AtlasConfig.extent``).
    """
    notes: list[Note] = []
    b = shapely.bounds(gdf.geometry.to_numpy())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        bounds = (np.nanmin(b[:, 0]), np.nanmin(b[:, 1]), np.nanmax(b[:, 2]), np.nanmax(b[:, 3]))
    if crs:
        try:
            user_crs = pyproj.CRS.from_user_input(crs)
        except pyproj.exceptions.CRSError:
            raise DataError([Problem.of(file, "err.unknown_crs", crs=crs)]) from None
        if gdf.crs is not None and not gdf.crs.equals(user_crs):
            notes.append(Note.of("data.note_crs_replaced", old=gdf.crs.name, new=user_crs.name))
        gdf = gdf.set_crs(user_crs, allow_override=True)
    elif gdf.crs is None:
        options = guess_crs(bounds)
        if options == [schema.METRIC_CRS, schema.NATIONAL_CRS]:
            raise CRSNeeded(file, "err.crs_needed_metres", options)
        raise CRSNeeded(file, "err.crs_needed_degrees" if options else "err.crs_needed",
                        options or [schema.METRIC_CRS, schema.NATIONAL_CRS, schema.GEOGRAPHIC_CRS])
    elif gdf.crs.is_geographic and not (-180 <= bounds[0] and bounds[2] <= 180 and -90 <= bounds[1] <= 90):
        options = guess_crs(bounds)
        raise CRSNeeded(file, "err.crs_says_degrees", options or [schema.METRIC_CRS], crs=gdf.crs.name,
                        x=f"{bounds[2]:,.0f}", y=f"{bounds[3]:,.0f}")
    if is_vn2000(gdf.crs):
        gdf = gdf.set_crs(with_official_shift(gdf.crs), allow_override=True)
        notes.append(Note.of("data.note_vn2000"))
    out = gdf.to_crs(schema.GEOGRAPHIC_CRS)
    minx, miny, maxx, maxy = district_bounds
    got = out.geometry.dropna()
    got = got[~got.is_empty]
    if len(got):
        gx0, gy0, gx1, gy1 = got.total_bounds
        if gx1 < minx - 0.3 or gx0 > maxx + 0.3 or gy1 < miny - 0.3 or gy0 > maxy + 0.3:
            raise DataError([Problem.of(
                file, "err.outside_district", x0=f"{gx0:.3f}", x1=f"{gx1:.3f}", y0=f"{gy0:.3f}", y1=f"{gy1:.3f}",
                dx0=f"{minx:.2f}", dx1=f"{maxx:.2f}", dy0=f"{miny:.2f}", dy1=f"{maxy:.2f}")])
        ex0, ey0, ex1, ey1 = extent
        if gx0 < ex0 or gy0 < ey0 or gx1 > ex1 or gy1 > ey1:  # a world-sized "boundary" overlaps the district too
            raise DataError([Problem.of(
                file, "err.layer_outside_extent", x0=f"{gx0:.3f}", x1=f"{gx1:.3f}", y0=f"{gy0:.3f}", y1=f"{gy1:.3f}",
                province=province, dx0=f"{ex0:.2f}", dx1=f"{ex1:.2f}", dy0=f"{ey0:.2f}", dy1=f"{ey1:.2f}")])
    return out, notes


# --- geometry checks -------------------------------------------------------------------------------------
def check_geometries(gdf: gpd.GeoDataFrame, file: str, family: str) -> tuple[gpd.GeoDataFrame, list[Problem], list[Problem]]:
    """Refuse empty/NaN/wrong-type geometries; repair invalid polygons when safe. Returns (gdf, problems, repairs)."""
    problems: list[Problem] = []
    repairs: list[Problem] = []
    geoms = list(gdf.geometry)
    found = pd.Series([_FAMILY.get(g.geom_type, g.geom_type) for g in geoms if g is not None and not g.is_empty])
    if found.nunique() > 1:
        problems.append(Problem.of(file, "err.mixed_geometry", column="geometry",
                                   counts=geometry_counts(found.value_counts())))
    metric = pyproj.Transformer.from_crs(gdf.crs, schema.METRIC_CRS, always_xy=True)
    for i, g in enumerate(geoms):
        row = i + 1
        if g is None or g.is_empty:
            problems.append(Problem.of(file, "err.empty_or_missing_geometry", row, "geometry"))
            continue
        if np.isnan(shapely.get_coordinates(g)).any():
            problems.append(Problem.of(file, "err.nan_coordinates", row, "geometry"))
            continue
        fam = _FAMILY.get(g.geom_type, g.geom_type)
        if fam != family:
            problems.append(Problem.of(file, "err.wrong_geometry", row, "geometry", geom_type=g.geom_type,
                                           family=catalog_label(f"err.geom.{family}")))
            continue
        if family == "polygon" and not g.is_valid:
            reason = shapely.is_valid_reason(g)
            fixed = _polygonal(shapely.make_valid(g))
            before = shapely.transform(g, lambda xy: np.column_stack(metric.transform(xy[:, 0], xy[:, 1]))).area
            after = shapely.transform(fixed, lambda xy: np.column_stack(metric.transform(xy[:, 0], xy[:, 1]))).area \
                if fixed is not None else 0.0
            change = abs(after - before) / before if before > 0 else float("inf")
            if fixed is not None and change < MAX_REPAIR_CHANGE:
                geoms[i] = fixed
                repairs.append(Problem.of(file, "err.polygon_repaired", row, "geometry", reason=reason,
                                          pct=per_language(functools.partial(fmt.number, change * 100, decimals=2))))
            else:
                limit = f"{MAX_REPAIR_CHANGE * 100:.0f}"
                if np.isfinite(change):
                    problems.append(Problem.of(file, "err.polygon_not_repaired_area", row, "geometry",
                                               reason=reason, pct=f"{change * 100:.0f}", limit=limit))
                else:
                    problems.append(Problem.of(file, "err.polygon_not_repaired_zero", row, "geometry",
                                               reason=reason, limit=limit))
    out = gdf.copy()
    out["geometry"] = gpd.GeoSeries(geoms, index=gdf.index, crs=gdf.crs)
    return out, problems, repairs


def geometry_counts(counts: pd.Series) -> schema.Label:
    """``{family: n}`` as "3 polygon, 1 point" with the family names in each language.

    >>> geometry_counts(pd.Series({"polygon": 3, "point": 1}))("vi")
    '3 vùng (polygon), 1 điểm (point)'
    """
    def name(family: str, lang: str) -> str:
        key = f"err.geom.{family}"
        return i18n.t(key, lang) if key in i18n.CATALOG else family  # an exotic type keeps its GIS name

    vi, en = (", ".join(f"{n} {name(k, lang)}" for k, n in counts.items()) for lang in ("vi", "en"))
    return schema.Label(vi, en)


#: Machine columns of the review tables (commune matches of a layer or a project import) → catalog keys.
MATCH_HEADERS = {"row": "data.match.row", "field": "data.match.field", "value": "data.match.value",
                 "code": "data.match.code", "name": "data.match.name", "how": "data.match.how",
                 "exact": "data.match.exact"}


def match_table(matches: pd.DataFrame, lang: str) -> pd.DataFrame:
    """A commune-match review table for display: headers and "how" values in ``lang``.

    The input keeps its machine columns (``how`` is ``code``, ``name``, ``name (fuzzy)`` or ``unmatched``).

    >>> m = pd.DataFrame({"row": [1], "field": ["ten"], "value": ["Ban Bo"], "code": ["03424"],
    ...                   "name": ["Xã Bản Bo"], "how": ["name (fuzzy)"]})
    >>> match_table(m, "vi").iloc[0].to_dict()["Cách đối chiếu"]
    'theo tên (gần đúng, cần kiểm tra)'
    """
    out = matches.copy()
    if "how" in out.columns:
        out["how"] = out["how"].map(lambda h: i18n.t(f"data.how.{h}", lang) if f"data.how.{h}" in i18n.CATALOG else h)
    return out.rename(columns={c: i18n.t(k, lang) for c, k in MATCH_HEADERS.items()})


def _polygonal(g):
    if g.geom_type in ("Polygon", "MultiPolygon"):
        return g if not g.is_empty else None
    parts = [p for p in getattr(g, "geoms", []) if p.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else None


# --- the preview --------------------------------------------------------------------------------------
def preview_layer(kind: str, data: bytes, filename: str, ds: Dataset, crs: str | None = None,
                  class_field: str | None = None, class_map: dict[str, str] | None = None) -> LayerImport:
    """Read, convert and check a layer file for ``kind``; write nothing.

    Raises :class:`CRSNeeded` when the user must state the CRS and :class:`DataError` when
    the file cannot be read at all; otherwise problems are listed on the result.

    Risk zones: ``class_field`` names the attribute holding the risk class (default: the first field
    whose name or values look like one) and ``class_map`` maps the file's values to classes
    (keys of ``schema.RISK_LEVELS``), since agencies spell them differently; values named like the classes
    ("Rất cao", "very high", "high") map themselves. An unmapped value is a problem naming its row.
    """
    if kind not in KINDS:
        raise DataError([Problem.of(filename, "err.unknown_kind", kind=kind, kinds=", ".join(KINDS))])
    if kind != "risk" and (class_field or class_map):
        raise DataError([Problem.of(Path(filename).name, "err.class_options_risk_only")])
    if kind == "events":  # a table with lon/lat or a point layer: its own reader and checks
        from geo.ingest.events import preview_events

        return preview_events(data, filename, ds, crs)
    with warnings.catch_warnings():  # NaN coordinates are reported as problems, not as numpy warnings
        warnings.simplefilter("ignore", RuntimeWarning)
        return _preview_layer(kind, data, filename, ds, crs, class_field, class_map or {})


def _preview_layer(kind: str, data: bytes, filename: str, ds: Dataset, crs: str | None,
                   class_field: str | None = None, class_map: dict[str, str] | None = None) -> LayerImport:
    file = Path(filename).name
    raw = read_layer(data, filename)
    if raw.empty:
        raise DataError([Problem.of(file, "err.no_features")])
    li = LayerImport(kind, file, source_crs=raw.crs.to_string() if raw.crs is not None else "")
    family = "point" if kind == "project-locations" else "polygon"
    usable = raw[raw.geometry.notna() & ~raw.geometry.is_empty]
    if usable.empty:
        li.problems = [Problem.of(file, "err.empty_or_missing_geometry", i + 1, "geometry") for i in range(len(raw))]
        return li
    li.problems = _coordinate_problems(raw, file)
    if li.problems:  # an infinite coordinate is not a CRS question: say which feature, before any CRS check
        return li
    # CRS first (geometry checks measure area change in metres), on the usable features only for bounds.
    converted, li.notes = to_wgs84(raw, file, crs, ds.communes.total_bounds, ds.config.extent,
                                   ds.config.province)
    checked, li.problems, li.repairs = check_geometries(converted, file, family)
    for col in checked.columns:
        if col != "geometry" and checked[col].dtype == object:
            checked[col] = checked[col].map(lambda v: nfc(v) if isinstance(v, str) else v)
    if kind == "risk":
        li.fields = [c for c in checked.columns if c != "geometry"]
        gdf, problems, li.class_field, li.classes = _risk(checked, file, ds, class_field, class_map or {})
        matches = pd.DataFrame()
    else:
        builder = {"communes": _communes, "crops": _crops, "project-locations": _locations}[kind]
        gdf, problems, matches = builder(checked, file, ds)
    li.problems += problems
    li.matches = matches
    li.problems.sort(key=lambda p: (p.row or 0, p.column or ""))
    li.gdf = gdf if not li.problems else None
    return li


def _coordinate_problems(gdf: gpd.GeoDataFrame, file: str) -> list[Problem]:
    """Features with too many vertices or with infinite coordinates (NaN is reported by the geometry checks)."""
    geoms = gdf.geometry.to_numpy()
    counts = shapely.get_num_coordinates(geoms)
    total = int(counts.sum())
    if total > limits.MAX_LAYER_VERTICES:
        return [Problem.of(file, "err.limit.layer_vertices", n=total, limit=limits.MAX_LAYER_VERTICES)]
    problems = [Problem.of(file, "err.limit.vertices", i + 1, "geometry", n=int(n), limit=limits.MAX_VERTICES)
                for i, n in enumerate(counts) if n > limits.MAX_VERTICES]
    for i, g in enumerate(geoms):
        if g is not None and not g.is_empty and np.isinf(shapely.get_coordinates(g)).any():
            problems.append(Problem.of(file, "err.coords_not_finite", i + 1, "geometry"))
    return problems


def _field(gdf: gpd.GeoDataFrame, *names: str) -> str | None:
    """The first column matching ``names`` in their order of preference (case/accent-insensitive)."""
    cols = {fold(c): c for c in gdf.columns if c != "geometry"}
    return next((cols[fold(n)] for n in names if fold(n) in cols), None)


def _communes(gdf, file, ds):
    idx = commune_index(ds)
    fields = [c for c in gdf.columns if c != "geometry"]
    if not fields:
        return None, [Problem.of(file, "err.no_commune_attribute")], pd.DataFrame()
    # Code-like fields first, then the field that matches most features.
    def score(col):
        hits = sum(idx.match(v).code is not None for v in gdf[col] if isinstance(v, (str, int, float)) and str(v))
        return (fold(col) in _CODE_FIELDS, hits)

    order = sorted(fields, key=score, reverse=True)
    problems: list[Problem] = []
    rows: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for i, rec in enumerate(gdf.drop(columns="geometry").to_dict("records")):
        row = i + 1
        match, used = None, order[0]
        for col in order:
            v = rec[col]
            if v is None or (isinstance(v, float) and np.isnan(v)) or str(v).strip() == "":
                continue
            m = idx.match(str(int(v)) if isinstance(v, float) and v.is_integer() else v)
            if m.code is not None:
                match, used = m, col
                break
        if match is None:
            text = [c for c in order
                    if isinstance(rec[c], str) and rec[c].strip() and not rec[c].strip().isdigit()]
            used = text[0] if text else used
            tried = ", ".join(f"{c} = '{rec[c]}'" for c in order if rec[c] is not None and str(rec[c]).strip())
            problems.append(Problem.of(file, "err.no_commune_match", row, used, tried=tried))
            rows.append({"row": row, "field": used, "value": str(rec[used]), "code": "", "name": "",
                         "how": "unmatched"})
            continue
        how = "code" if re.fullmatch(r"\d{1,5}(\.0)?", str(match.query)) else ("name" if match.exact else "name (fuzzy)")
        value = rec[used]
        code = match.code or ""  # set: only matches were kept
        rows.append({"row": row, "field": used, "value": str(value), "code": code,
                     "name": idx.display.get(code, ""), "how": how})
        if code in seen:
            problems.append(Problem.of(file, "err.duplicate_commune_feature", row, used, code=code,
                                             first=seen[code], second=row))
        seen.setdefault(code, row)
    matches = pd.DataFrame(rows, columns=["row", "field", "value", "code", "name", "how"])
    if problems:
        return None, problems, matches
    by_code = {r["code"]: gdf.geometry.iloc[r["row"] - 1] for r in rows}
    out = ds.communes.copy()
    out["geometry"] = [by_code.get(c, g) for c, g in zip(out["code"], out.geometry)]
    out["boundary_quality"] = [("__new__" if c in by_code else q) for c, q in zip(out["code"], out["boundary_quality"])]
    return out, [], matches


def _crops(gdf, file, ds):
    return _zones(gdf, file, ds, "crop", {k: (k, lab.vi, lab.en) for k, lab in schema.CROPS.items()}, "CZ")


#: Field names a risk class is looked for under, after ``risk_level`` (folded: no accents, lower case).
RISK_FIELDS: tuple[str, ...] = ("muc do", "nguy co", "risk", "cap nguy co", "muc nguy co", "cap", "phan cap",
                                "class", "risk_class", "level")
#: Words agencies put before a class name ("Nguy cơ rất cao", "Cấp cao") that say nothing about the class.
_CLASS_PREFIX = re.compile(r"^(?:(?:muc|cap|vung)\s+)?(?:nguy\s+co\s+)?(?:(?:truot\s+lo|sat\s+lo)\s+)?")
#: Most distinct values a class field may have (a zoning map has five classes; more is not a class field).
MAX_CLASS_VALUES = 30


def class_value(v: object) -> str:
    """A class cell as the text the mapping uses: ``3.0`` and ``3`` are both ``"3"``, blanks ``""``.

    >>> class_value(3.0), class_value(" Rất cao "), class_value(None)
    ('3', 'Rất cao', '')
    """
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return nfc(str(v)).strip()


def risk_class_of(value: str) -> str | None:
    """The class a value names by itself (a key or a label in either language, with or without "nguy cơ").

    >>> risk_class_of("Nguy cơ rất cao"), risk_class_of("Very High"), risk_class_of("very_low"), risk_class_of("3")
    ('very_high', 'very_high', 'very_low', None)
    """
    lookup = {fold(t): k for k, lab in schema.RISK_LEVELS.items() for t in (k, k.replace("_", " "), lab.vi, lab.en)}
    folded = fold(value).replace("_", " ")
    return lookup.get(folded) or lookup.get(_CLASS_PREFIX.sub("", folded).strip())


def parse_class_map(pairs: list[str], file: str = "--map") -> dict[str, str]:
    """``VALUE=class`` options (the CLI's ``--map``) as a mapping; a pair without ``=`` is refused.

    >>> parse_class_map(["4=high", "Cấp IV = very_high"])
    {'4': 'high', 'Cấp IV': 'very_high'}
    """
    out: dict[str, str] = {}
    for pair in pairs:
        value, sep, target = pair.rpartition("=")
        if not sep or not value.strip():
            raise DataError([Problem.of(file, "err.class_map_syntax", pair=pair)])
        out[nfc(value).strip()] = target.strip()
    return out


def _risk(gdf, file, ds, class_field: str | None, class_map: dict[str, str]):
    """Risk zones with their class from ``class_field`` through ``class_map``; returns (gdf, problems, field,
    classes review table)."""
    fields = [c for c in gdf.columns if c != "geometry"]
    options = ", ".join(schema.RISK_LEVELS)
    problems: list[Problem] = []
    targets: dict[str, str] = {}
    for value, target in class_map.items():  # a target may be a key or a label ("rất cao")
        k = target if target in schema.RISK_LEVELS else risk_class_of(target)
        if k is None:
            problems.append(Problem.of(file, "err.class_map_target", value=value, target=target, options=options))
        else:
            targets[fold(value)] = k
    if class_field:
        col = next((c for c in fields if c == class_field), None) or _field(gdf, class_field)
        if col is None:
            problems.append(Problem.of(file, "err.class_field_missing", None, class_field, field=class_field,
                                       fields=", ".join(fields) or "—"))
    else:
        col = _field(gdf, "risk_level", *RISK_FIELDS) or next(
            (c for c in fields if gdf[c].map(lambda v: risk_class_of(class_value(v)) is not None).any()), None)
        if col is None:
            problems.append(Problem.of(file, "err.missing_field", field="risk_level", options=options))
    if col is None or problems:
        return None, problems, col or "", pd.DataFrame(columns=["value", "n", "class"])
    cells = [class_value(v) for v in gdf[col]]
    counts = pd.Series(cells).value_counts(sort=False)
    if len(counts) > MAX_CLASS_VALUES:
        return None, [Problem.of(file, "err.class_field_many_values", None, col, field=col, n=len(counts),
                                 limit=MAX_CLASS_VALUES)], col, pd.DataFrame(columns=["value", "n", "class"])
    mapped = {v: targets.get(fold(v)) or risk_class_of(v) or "" for v in counts.index}
    classes = pd.DataFrame({"value": list(counts.index), "n": counts.to_numpy().astype("int64"),
                            "class": [mapped[v] for v in counts.index]})
    levels = [mapped[v] for v in cells]
    for i, (v, k) in enumerate(zip(cells, levels, strict=True)):
        if not k:
            problems.append(Problem.of(file, "err.risk_class_unmapped", i + 1, col, value=v, options=options))
    renamed = gdf.drop(columns=[col]).assign(risk_level=levels)
    gdf_out, found, _ = _zones(renamed, file, ds, "risk_level", {k: (k,) for k in schema.RISK_LEVELS}, "RZ")
    found = [p for p in found if p.column != "risk_level"]  # an unmapped value is said once, under its own column
    return gdf_out, problems + found, col, classes


#: Machine columns of the risk-class review table → catalogue keys.
CLASS_HEADERS = {"value": "data.class.value", "n": "data.class.n", "class": "data.class.class"}


def class_table(classes: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The risk-class review table for display: each value of the file, its features, the class it maps to.

    >>> c = pd.DataFrame({"value": ["Rất cao", "X"], "n": [3, 1], "class": ["very_high", ""]})
    >>> class_table(c, "en").to_dict("records")[1]
    {'Value in the file': 'X', 'Features': 1, 'Risk class': '(not mapped)'}
    """
    out = classes.copy()
    out["class"] = out["class"].map(lambda k: schema.RISK_LEVELS[k](lang) if k else i18n.t("data.class.unmapped", lang))
    return out.rename(columns={c: i18n.t(k, lang) for c, k in CLASS_HEADERS.items()})


def _zones(gdf, file, ds, key_col, labels, prefix):
    problems = []
    col = _field(gdf, key_col, *[t for texts in labels.values() for t in texts[:1]], "cay trong", "loai cay")
    if col is None:
        return None, [Problem.of(file, "err.missing_field", field=key_col, options=", ".join(labels))], pd.DataFrame()
    lookup = {fold(t): k for k, texts in labels.items() for t in texts}
    values = []
    for i, v in enumerate(gdf[col]):
        k = lookup.get(fold(str(v))) if v is not None else None
        if k is None:
            problems.append(Problem.of(file, "err.not_one_of", i + 1, col, value=v, options=", ".join(labels)))
        values.append(k)
    id_col = _field(gdf, "zone_id", "id", "ma vung")
    ids = [str(v) for v in gdf[id_col]] if id_col else [f"{prefix}-{i + 1:03d}" for i in range(len(gdf))]
    if id_col:
        for i, v in enumerate(ids):
            problems += text_problems(v, file, i + 1, id_col)
    for dup in sorted({x for x in ids if ids.count(x) > 1}):
        rows = [str(i + 1) for i, x in enumerate(ids) if x == dup]
        problems.append(Problem.of(file, "err.duplicate_id", int(rows[1]), id_col, id=dup, rows=", ".join(rows)))
    out = gpd.GeoDataFrame({"zone_id": ids, key_col: values}, geometry=gdf.geometry.to_numpy(), crs=gdf.crs)
    # Commune of each zone: a code/name field if present, else where the zone's inside point falls.
    idx = commune_index(ds)
    ccol = _field(gdf, "commune_code", "commune", "xa", "ma xa")
    if ccol:
        codes = [idx.match(v).code or "" for v in gdf[ccol].astype(str)]
    else:
        pts = gpd.GeoDataFrame(geometry=out.geometry.representative_point(), crs=out.crs)
        joined = gpd.sjoin(pts, ds.communes[["code", "geometry"]], how="left", predicate="within")
        codes = joined.groupby(level=0)["code"].first().reindex(pts.index).fillna("").tolist()
    out.insert(2, "commune_code", codes)
    for extra in ("area_ha_reported", "area_source", "basis"):
        src = _field(gdf, extra)
        if src:
            cells: Any = gdf[src].to_numpy()
            if extra == "area_ha_reported":
                cells, found = _hectares(cells, file, src)
                problems += found
            else:
                for i, v in enumerate(cells):
                    problems += text_problems(v, file, i + 1, src, multi_line=extra == "basis")
            out.insert(len(out.columns) - 1, extra, cells)
    out.insert(len(out.columns) - 1, "quality", "__new__")
    return out, problems, pd.DataFrame()


def _hectares(values, file: str, column: str) -> tuple[np.ndarray, list[Problem]]:
    """Reported areas as float hectares (blank = unknown); "50 ha", inf or a negative area is a problem."""
    out = np.full(len(values), np.nan)
    problems = []
    for i, v in enumerate(values):
        if v is None or (isinstance(v, float) and np.isnan(v)) or (isinstance(v, str) and not v.strip()):
            continue
        try:
            number = float(str(v).strip().replace(",", ".")) if isinstance(v, str) else float(v)
        except (TypeError, ValueError):
            problems.append(Problem.of(file, "err.area_not_number", i + 1, column, value=str(v)[:60]))
            continue
        if not np.isfinite(number) or not 0 <= number <= schema.MAX_ZONE_HA:
            problems.append(Problem.of(file, "err.area_range", i + 1, column, value=str(v)[:60],
                                       limit=f"{schema.MAX_ZONE_HA:.0f}"))
            continue
        out[i] = number
    return out, problems


def _locations(gdf, file, ds):
    col = _field(gdf, "project_id", "ma du an", "id")
    if col is None:
        return None, [Problem.of(file, "err.missing_project_field")], pd.DataFrame()
    known = set(ds.projects["project_id"])
    problems: list[Problem] = []
    rows: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for i, (pid, g) in enumerate(zip(gdf[col].astype(str).str.strip(), gdf.geometry)):
        row = i + 1
        found = text_problems(pid, file, row, col)
        if found:
            problems += found
        elif pid not in known:
            problems.append(Problem.of(file, "err.unknown_project", row, col, pid=pid))
        elif pid in seen:
            problems.append(Problem.of(file, "err.duplicate_project", row, col, pid=pid, first=seen[pid],
                                                 second=row))
        seen.setdefault(pid, row)
        pt = g.centroid if g is not None and not g.is_empty else None
        rows.append({"row": row, "project_id": pid, "lon": round(pt.x, 6) if pt else None,
                     "lat": round(pt.y, 6) if pt else None})
    return gpd.GeoDataFrame(rows, geometry=gdf.geometry.to_numpy(), crs=gdf.crs), problems, pd.DataFrame(rows)


# --- committing -----------------------------------------------------------------------------------------
def make_provenance(ds: Dataset, layer: str, source: str, licence: str, date: str, quality: str,
                    method: str = "", file: str = "provenance", title: schema.Label | None = None) -> schema.Provenance:
    """Provenance for an imported layer; every field is required (the user states it). ``title``: for a
    layer the dataset has no provenance of yet (the basemap)."""
    problems = []
    for name, value in (("source", source), ("licence", licence), ("date", date), ("quality", quality)):
        if not str(value or "").strip():
            problems.append(Problem.of(file, "err.provenance_required", None, name))
    if date and not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", str(date).strip()):
        problems.append(Problem.of(file, "err.bad_date", None, "date", date=date))
    if quality and quality not in {q.value for q in schema.Quality}:
        problems.append(Problem.of(file, "err.bad_quality", None, "quality", quality=quality))
    if problems:
        raise DataError(problems)
    return schema.Provenance(layer=layer, title=title or ds.provenance[layer].title, source=nfc(source.strip()), licence=nfc(licence.strip()),
                             date=date.strip(), quality=schema.Quality(quality), method=nfc(method.strip()),
                             notes={})
