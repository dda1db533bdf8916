"""Reported landslides and flash floods (issue 19): a CSV/Excel table with lon/lat or a point layer → the
``landslide_events`` layer, every bad cell named by row and column.

Each event needs coordinates (WGS 84 degrees in a table; a point layer in any CRS, settled as in
:mod:`geo.ingest.layer_import`), a type (:data:`geo.model.schema.EVENT_KINDS`, Vietnamese or English names
accepted) and a source. A date is ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``, or blank when the source gives none
(kept unknown, never guessed); casualties are whole numbers ≥ 0, or blank for unknown. Events must lie in the
province box (``AtlasConfig.extent``); each gets the commune its point falls in (none outside the district).

``row`` in the problems is the file's row for a table (the header is row 1) and the feature number for a layer.

Examples
--------
>>> event_kind("Sạt lở đất"), event_kind("lu quet"), event_kind("flood")
('landslide', 'flash_flood', None)
>>> clean_date("2020-7-3"), clean_date("2020"), clean_date("3/7/2020")
('2020-07-03', '2020', None)
"""

from __future__ import annotations

import datetime as dt
import math
import re
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.analysis import joins
from geo.ingest import imports, layer_import
from geo.ingest.names import fold, nfc
from geo.ingest.textcheck import text_problems
from geo.ingest.validate import DataError, Problem
from geo.model import schema
from geo.model.dataset import Dataset

TABLE_SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx", ".xlsm")
#: Header names (folded) of each column; the first found is used.
FIELDS: dict[str, tuple[str, ...]] = {
    "lon": ("lon", "lng", "long", "longitude", "x", "kinh do", "kinh_do"),
    "lat": ("lat", "latitude", "y", "vi do", "vi_do"),
    "event_id": ("event_id", "id", "ma", "ma su kien"),
    "date": ("date", "ngay", "ngay xay ra", "thoi gian"),
    "kind": ("type", "kind", "loai", "loai thien tai", "hien tuong"),
    "deaths": ("deaths", "killed", "so nguoi chet", "chet", "tu vong", "so nguoi tu vong"),
    "injured": ("injured", "bi thuong", "so nguoi bi thuong"),
    "source": ("source", "nguon", "nguon tin"),
    "place": ("place", "dia diem", "vi tri", "noi xay ra"),
    "description": ("description", "mo ta"),
    "description_vi": ("description_vi", "mo ta (tieng viet)"),
    "description_en": ("description_en",),
    "location_accuracy": ("location_accuracy", "accuracy", "do chinh xac"),
    "reliability": ("reliability", "do tin cay"),
}
_KIND_ALIASES = {
    "landslide": ("sat lo", "truot lo", "truot lo dat", "sat lo dat", "landslip"),
    "mudslide": ("sat lo bun", "mud slide"),
    "rockslide": ("da lo", "lo da", "da roi", "rock fall", "rockfall"),
    "debris_flow": ("lu bun da", "debris flow"),
    "flash_flood": ("lu quet", "lu ong", "flash flood"),
}
MAX_CASUALTIES = 100_000  # more than any landslide on record: a typo or a wrong column


def event_kind(value: str) -> str | None:
    """The event type a cell names (a key, a label in either language, or a common alias), else None."""
    f = fold(value).replace("_", " ").strip()
    for key, label in schema.EVENT_KINDS.items():
        if f in {fold(key).replace("_", " "), fold(label.vi), fold(label.en), *_KIND_ALIASES.get(key, ())}:
            return key
    return None


def clean_date(value: str) -> str | None:
    """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` (zero-padded) for a real date, else None."""
    m = re.fullmatch(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?", value.strip())
    if not m:
        return None
    y, mo, d = m.group(1), m.group(2), m.group(3)
    try:
        dt.date(int(y), int(mo or 1), int(d or 1))
    except ValueError:
        return None
    return "-".join([y, *[f"{int(x):02d}" for x in (mo, d) if x]])


def _columns(header: list[str]) -> dict[str, str]:
    """Our column → the file's header (first match per :data:`FIELDS`)."""
    folded = {fold(h).strip(): h for h in header if h}
    return {ours: next(folded[n] for n in names if n in folded)
            for ours, names in FIELDS.items() if any(n in folded for n in names)}


def preview_events(data: bytes, filename: str, ds: Dataset, crs: str | None = None) -> layer_import.LayerImport:
    """Read and check an events file; write nothing (``commit_layer`` stores it as ``landslide_events``)."""
    file = Path(filename).name
    li = layer_import.LayerImport("events", file)
    if Path(filename).suffix.lower() in TABLE_SUFFIXES:
        raw = imports.read_raw(data, filename)
        cols = _columns(raw.header)
        if "lon" not in cols or "lat" not in cols:
            raise DataError([Problem.of(file, "err.events_no_coords")])
        index = {h: i for i, h in enumerate(raw.header)}
        records = [(n, {ours: (cells[index[theirs]] if index[theirs] < len(cells) else "")
                        for ours, theirs in cols.items()}) for n, cells in raw.rows]
        lonlat, problems = [], []
        for n, rec in records:
            xy = []
            for ours, lo, hi in (("lon", -180.0, 180.0), ("lat", -90.0, 90.0)):
                text = str(rec[ours]).strip()
                try:
                    v = float(text.replace(",", "."))
                except ValueError:
                    v = math.nan
                if not lo <= v <= hi:
                    problems.append(Problem.of(file, "err.events_bad_coord", n, cols[ours], value=text[:60]))
                xy.append(v)
            lonlat.append(xy)
        geometry = gpd.points_from_xy([p[0] for p in lonlat], [p[1] for p in lonlat])
        gdf = gpd.GeoDataFrame(pd.DataFrame([r for _, r in records]), geometry=geometry, crs=schema.GEOGRAPHIC_CRS)
        rows = [n for n, _ in records]
        li.source_crs = schema.GEOGRAPHIC_CRS
        if not records:
            raise DataError([Problem.of(file, "err.no_features")])
    else:
        layer = layer_import.read_layer(data, filename)
        if layer.empty:
            raise DataError([Problem.of(file, "err.no_features")])
        li.source_crs = layer.crs.to_string() if layer.crs is not None else ""
        layer, li.notes = layer_import.to_wgs84(layer, file, crs, ds.communes.total_bounds, ds.config.extent,
                                                ds.config.province)
        layer, problems, _ = layer_import.check_geometries(layer, file, "point")
        cols = _columns([c for c in layer.columns if c != "geometry"])
        gdf = gpd.GeoDataFrame({ours: layer[theirs].to_numpy() for ours, theirs in cols.items()},
                               geometry=layer.geometry.to_numpy(), crs=layer.crs)
        rows = list(range(1, len(gdf) + 1))
    out, found = _clean(gdf, cols, rows, file, ds, skip={r for p in problems if (r := p.row) is not None})
    li.problems = sorted(problems + found, key=lambda p: (p.row or 0, p.column or ""))
    li.gdf = out if not li.problems else None
    return li


def _text(v: object) -> str:
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return nfc(str(v)).strip()


def _count(v: object, file: str, row: int, column: str, problems: list[Problem]) -> float:
    """A casualty count: whole and ≥ 0, NaN when blank (unknown)."""
    text = _text(v)
    if not text:
        return math.nan
    try:
        number = float(text.replace(",", "."))
    except ValueError:
        number = math.nan
    if not (np.isfinite(number) and number.is_integer() and 0 <= number <= MAX_CASUALTIES):
        problems.append(Problem.of(file, "err.events_bad_count", row, column, value=text[:60]))
        return math.nan
    return number


def _clean(gdf: gpd.GeoDataFrame, cols: dict[str, str], rows: list[int], file: str, ds: Dataset,
           skip: set[int]) -> tuple[gpd.GeoDataFrame, list[Problem]]:
    problems: list[Problem] = []
    for ours in ("kind", "source"):
        if ours not in cols:
            problems.append(Problem.of(file, "err.events_missing_column", field=ours,
                                       names=", ".join(FIELDS[ours][:4])))
    if problems:
        return gdf, problems
    today = dt.date.today().isoformat()
    x0, y0, x1, y1 = ds.config.extent
    out: dict[str, list] = {c: [] for c in schema.EVENT_COLUMNS}
    ids: dict[str, int] = {}
    for i, (row, rec) in enumerate(zip(rows, gdf.drop(columns="geometry").to_dict("records"), strict=True)):
        get = {k: _text(rec.get(k)) for k in FIELDS}
        for k, v in get.items():
            if k in cols and k not in ("lon", "lat"):
                problems += text_problems(v, file, row, cols[k], multi_line=k.startswith("description"))
        g = gdf.geometry.iloc[i]
        if row not in skip and g is not None and not g.is_empty and not (x0 <= g.x <= x1 and y0 <= g.y <= y1):
            problems.append(Problem.of(file, "err.events_outside", row, cols.get("lon", "geometry"),
                                       x=f"{g.x:.4f}", y=f"{g.y:.4f}", province=ds.config.province))
        kind = event_kind(get["kind"])
        if kind is None:
            problems.append(Problem.of(file, "err.events_bad_kind", row, cols["kind"], value=get["kind"][:60],
                                       options=", ".join(schema.EVENT_KINDS)))
        if not get["source"]:
            problems.append(Problem.of(file, "err.events_no_source", row, cols["source"]))
        date = ""
        if get["date"]:
            date = clean_date(get["date"]) or ""
            if not date:
                problems.append(Problem.of(file, "err.bad_date", row, cols["date"], date=get["date"][:60]))
            elif date > today:
                problems.append(Problem.of(file, "err.events_future", row, cols["date"], date=date))
        eid = get["event_id"] or f"EV-{row:04d}"
        if eid in ids:
            problems.append(Problem.of(file, "err.duplicate_id", row, cols.get("event_id"), id=eid,
                                       rows=f"{ids[eid]}, {row}"))
        ids.setdefault(eid, row)
        label = schema.EVENT_KINDS[kind] if kind else schema.Label("", "")
        described = [p for p in (get["place"],) if p]
        out["event_id"].append(eid)
        out["date"].append(date)
        out["kind"].append(kind or "")
        out["place"].append(get["place"])
        out["location_accuracy"].append(get["location_accuracy"])
        out["deaths"].append(_count(rec.get("deaths"), file, row, cols.get("deaths", "deaths"), problems))
        out["injured"].append(_count(rec.get("injured"), file, row, cols.get("injured", "injured"), problems))
        # No description in the file: the type and place say what happened (nothing is made up).
        out["description_vi"].append(get["description_vi"] or get["description"] or " – ".join([label.vi, *described]))
        out["description_en"].append(get["description_en"] or get["description"] or " – ".join([label.en, *described]))
        out["source"].append(get["source"])
        out["reliability"].append(get["reliability"])
        out["commune_code"].append("")
    events = gpd.GeoDataFrame(out, geometry=gdf.geometry.to_numpy(), crs=schema.GEOGRAPHIC_CRS)
    if not problems:
        events["commune_code"] = joins.locate_points(events, ds.communes).fillna("").astype(str).to_numpy()
    return events, problems


def landslide_points(events: gpd.GeoDataFrame) -> tuple[list[float], list[float]]:
    """Longitudes and latitudes of the landslides among ``events`` (flash floods left out), for the screening."""
    if events is None or events.empty:
        return [], []
    slides = events[events["kind"].isin(schema.LANDSLIDE_EVENT_KINDS)]
    slides = slides[slides.geometry.notna() & ~slides.geometry.is_empty]
    return slides.geometry.x.tolist(), slides.geometry.y.tolist()
