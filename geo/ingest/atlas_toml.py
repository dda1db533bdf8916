"""Reading and writing ``atlas.toml``, the district's configuration (see :mod:`geo.model.config`).

A data folder (the bundled ``data/``, or any folder named by ``$ATLAS_BUNDLE_DIR``)
holds the layers, their provenance manifest (``layers.json``) and ``atlas.toml``:
the district's name, the metric CRS every area is computed in, the initial map
view and the title. Another district or a whole province is another folder; no
code changes.

Examples
--------
>>> cfg = load_config(BUNDLED_DATA_DIR)
>>> cfg.id, cfg.metric_crs, cfg.title("en")
('tam-duong', 'EPSG:9205', 'Tam Đường Investment Atlas')
>>> parse_config({"district": {"id": "x"}, "crs": {"metric": "EPSG:4326"}}, "atlas.toml")
Traceback (most recent call last):
...
geo.ingest.validate.DataError: atlas.toml, column 'crs.metric': EPSG:4326 is not a projected CRS in metres; areas need one (e.g. EPSG:9205)
"""

from __future__ import annotations

import math
import os
import re
import tomllib
from pathlib import Path

import pyproj

from geo.ingest.textcheck import text_problems
from geo.ingest.validate import DataError, Problem
from geo.model import schema
from geo.model.config import BUNDLE_ENV, BUNDLED_DATA_DIR, CONFIG_FILE, DEFAULT, IATI_ORG_REF, AtlasConfig


def _label(section: dict, key: str, default: schema.Label) -> schema.Label:
    return schema.Label(str(section.get(f"{key}_vi", default.vi)), str(section.get(f"{key}_en", default.en)))


def parse_config(raw: dict, file: str = CONFIG_FILE) -> AtlasConfig:
    """An :class:`AtlasConfig` from parsed TOML; bad values raise DataError naming the key."""
    district, labels, crs, view, lay, money, iati = (raw.get(k, {}) for k in ("district", "labels", "crs", "map",
                                                                               "layers", "money", "iati"))
    problems: list[Problem] = []
    cid = str(district.get("id", DEFAULT.id))
    if not re.fullmatch(r"[a-z0-9][a-z0-9_-]{0,40}", cid):
        problems.append(Problem.of(file, "err.config_id", None, "district.id", value=cid))
    metric = str(crs.get("metric", DEFAULT.metric_crs))
    try:
        c = pyproj.CRS.from_user_input(metric)
        metres = c.is_projected and all(a.unit_name in ("metre", "meter") for a in c.axis_info)
    except pyproj.exceptions.CRSError:
        metres = False
    if not metres:
        problems.append(Problem.of(file, "err.config_crs", None, "crs.metric", crs=metric))
    bbox = view.get("bbox")
    if bbox is not None:
        ok = (isinstance(bbox, list) and len(bbox) == 4 and all(isinstance(v, int | float) for v in bbox)
              and -180 <= bbox[0] < bbox[2] <= 180 and -90 <= bbox[1] < bbox[3] <= 90)
        if not ok:
            problems.append(Problem.of(file, "err.config_bbox", None, "map.bbox", value=bbox))
    extent = view.get("extent")
    if extent is not None:
        ok = (isinstance(extent, list) and len(extent) == 4
              and all(isinstance(v, int | float) and math.isfinite(v) for v in extent)
              and -180 <= extent[0] < extent[2] <= 180 and -90 <= extent[1] < extent[3] <= 90)
        if not ok:
            problems.append(Problem.of(file, "err.config_extent", None, "map.extent", value=extent))
    for section, name in ((district, "district"), (labels, "labels")):
        for key, value in section.items():
            if isinstance(value, str) and text_problems(value, file, None, f"{name}.{key}", legacy=False):
                problems.append(Problem.of(file, "err.config_text", None, f"{name}.{key}"))
    zooms = view.get("detail_zooms", DEFAULT.detail_zooms)
    if not isinstance(zooms, int) or not 0 <= zooms <= 8:
        problems.append(Problem.of(file, "err.config_zooms", None, "map.detail_zooms", value=zooms))
    rate = money.get("usd_rate")
    rate_source, rate_date = str(money.get("usd_rate_source", "")).strip(), str(money.get("usd_rate_date", "")).strip()
    if rate is None and (rate_source or rate_date):  # a source or date with no rate: both or neither
        problems.append(Problem.of(file, "err.config_usd_rate", None, "money.usd_rate", value=""))
    if rate is not None:
        if not (isinstance(rate, int | float) and not isinstance(rate, bool) and math.isfinite(rate) and rate > 0):
            problems.append(Problem.of(file, "err.config_usd_rate", None, "money.usd_rate", value=rate))
        if not rate_source or text_problems(rate_source, file, None, "money.usd_rate_source", legacy=False):
            problems.append(Problem.of(file, "err.config_usd_rate_source", None, "money.usd_rate_source"))
        if rate_date and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", rate_date):  # optional; a day when given
            problems.append(Problem.of(file, "err.config_usd_rate_date", None, "money.usd_rate_date", value=rate_date))
    org_ref = iati.get("reporting_org_ref", "")
    if not isinstance(org_ref, str) or (org_ref.strip() and not IATI_ORG_REF.fullmatch(org_ref.strip())):
        problems.append(Problem.of(file, "err.config_iati_ref", None, "iati.reporting_org_ref", value=org_ref))
    if problems:
        raise DataError(problems)
    return AtlasConfig(
        iati_reporting_org_ref=str(org_ref).strip(),
        usd_rate=float(rate) if rate is not None else None, usd_rate_source=rate_source if rate is not None else "",
        usd_rate_date=rate_date if rate is not None else "",
        id=cid, name=_label(district, "name", DEFAULT.name), province=_label(district, "province", DEFAULT.province),
        title=_label(labels, "title", DEFAULT.title), metric_crs=metric,
        bbox=(float(bbox[0]), float(bbox[1]), float(bbox[2]), float(bbox[3])) if bbox is not None else None, detail_zooms=zooms,
        manifest=str(lay.get("manifest", DEFAULT.manifest)),
        extent=tuple(float(v) for v in extent) if extent is not None else DEFAULT.extent,  # type: ignore[arg-type]
    )


def load_config(data_dir: Path | str) -> AtlasConfig:
    """The folder's ``atlas.toml``, or :data:`DEFAULT` (Tam Đường) when it has none."""
    path = Path(data_dir) / CONFIG_FILE
    if not path.exists():
        return DEFAULT
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise DataError([Problem.of(path.name, "err.config_syntax", detail=str(e))]) from None
    return parse_config(raw, path.name)


def bundle_dir() -> Path:
    """The data folder the store is seeded from: ``$ATLAS_BUNDLE_DIR``, else the bundled ``data/``."""
    env = os.environ.get(BUNDLE_ENV)
    return Path(env).expanduser() if env else BUNDLED_DATA_DIR


def to_toml(cfg: AtlasConfig) -> str:
    """``atlas.toml`` text for ``cfg`` (used to write bundles; round-trips through :func:`parse_config`).

    >>> from dataclasses import replace
    >>> cfg = replace(DEFAULT, id="demo", bbox=(1.0, 2.0, 3.0, 4.0), usd_rate=26_000.0, usd_rate_source="SBV, 1/12/2026",
    ...               iati_reporting_org_ref="VN-EXAMPLE-1")
    >>> parse_config(tomllib.loads(to_toml(cfg))) == cfg
    True
    """
    def q(s: str) -> str:
        return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'

    lines = ["[district]", f"id = {q(cfg.id)}", f"name_vi = {q(cfg.name.vi)}", f"name_en = {q(cfg.name.en)}",
             f"province_vi = {q(cfg.province.vi)}", f"province_en = {q(cfg.province.en)}", "",
             "[labels]", f"title_vi = {q(cfg.title.vi)}", f"title_en = {q(cfg.title.en)}", "",
             "[crs]", f"metric = {q(cfg.metric_crs)}", "", "[map]"]
    if cfg.bbox is not None:
        lines.append(f"bbox = [{', '.join(repr(float(v)) for v in cfg.bbox)}]")
    if cfg.extent != DEFAULT.extent:
        lines.append(f"extent = [{', '.join(repr(float(v)) for v in cfg.extent)}]")
    lines += [f"detail_zooms = {cfg.detail_zooms}", "", "[layers]", f"manifest = {q(cfg.manifest)}", ""]
    if cfg.usd_rate is not None:
        lines += ["[money]", f"usd_rate = {float(cfg.usd_rate)!r}", f"usd_rate_source = {q(cfg.usd_rate_source)}"]
        lines += [f"usd_rate_date = {q(cfg.usd_rate_date)}", ""] if cfg.usd_rate_date else [""]
    if cfg.iati_reporting_org_ref:
        lines += ["[iati]", f"reporting_org_ref = {q(cfg.iati_reporting_org_ref)}", ""]
    return "\n".join(lines)
