"""Print-quality maps (PNG, PDF, SVG) rendered with matplotlib, without a browser or internet.

:func:`render_map` draws one page: title and subtitle, the choropleth of an
indicator (class breaks and colours from :mod:`geo.analysis.classify`, the same as the
web map), optional crop / risk / event / project layers, commune labels, a
legend with class intervals and units, a scale bar and north arrow computed in
EPSG:9205 (metres, never degrees), a locator inset (Viet Nam, the province, the district marked; on a
commune's page, the commune in the district) and a footer naming every source for people (layer titles,
sources and licences, never file paths), the data quality, the date and the CRS. Project points take the
web map's status colours (:data:`geo.output.maps.styles.STATUS_COLORS`), one legend row per status shown.
Money reads with its unit (``931,0 triệu ₫`` / ``VND 931.0 million``, :mod:`geo.text.fmt`). Title, subtitle
and a note may be given (CLI ``--title/--subtitle/--note``, the map page's print panel). :func:`save_map` writes it.

``unit_version="2025"`` draws the units from 1 July 2025 instead of the 13 old ones: the dissolved
polygons labelled with the new names, indicators re-summed from the projects
(:mod:`geo.analysis.units`); units that also hold land outside the old district carry ``*`` and a
footer note. The footer always states which administrative units the map uses.

Artists carry stable gids (``"title"``, ``"map"``, ``"legend"``, ``"scalebar"``,
``"north_arrow"``, ``"inset"``, ``"footer"``, ``"highlight_box"``, ``"note"``; in the locator inset
``"locator-country"``, ``"locator-province"``, ``"locator-district"``) so tests and callers can find them.

Examples
--------
>>> paper_size("A4", "landscape")
(11.69, 8.27)
>>> resolve_indicator("funding_gap")
'gap'
>>> legend_labels(classify([0, 2e9, 4e9, 6e9], "equal_interval", k=2), "gap", "en")
('Funding gap (VND billion)', ['0 or no project', '2.0 – 3.0', '3.0 – 6.0'])
"""

from __future__ import annotations

import datetime as _dt
import functools
import io
import math
import textwrap
import warnings
from collections.abc import Iterable
from pathlib import Path
from typing import Any, BinaryIO

import geopandas as gpd
import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib import patheffects
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PatchCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.offsetbox import AnchoredOffsetbox, DrawingArea
from matplotlib.patches import Patch, PathPatch, Polygon
from matplotlib.path import Path as MplPath
from matplotlib.text import Text
from matplotlib.typing import RcKeyType
from matplotlib_scalebar.scalebar import ScaleBar
from pyproj import Transformer

from geo.analysis import funding
from geo.analysis import units as reform  # "units" is render_map's parameter
from geo.analysis.classify import Classification, classify
from geo.analysis.indicators import INDICATORS
from geo.ingest.locator import Locator, read_locator
from geo.ingest.textcheck import text_problems
from geo.ingest.validate import Problem
from geo.model import schema
from geo.model.basemap import Basemap
from geo.model.dataset import Dataset
from geo.output.exports.exporting import unit_note, unit_version_line
from geo.output.figures import class_label, indicator_value
from geo.output.maps import basemap_image
from geo.output.maps.styles import STATUS_COLORS
from geo.text import fmt
from geo.text.filters_text import filters_line
from geo.text.i18n import t
from geo.text.provenance_text import source_for_people

#: Paper sizes in millimetres (portrait width, height).
PAPER_MM: dict[str, tuple[int, int]] = {"A4": (210, 297), "A3": (297, 420)}
ORIENTATIONS: tuple[str, ...] = ("landscape", "portrait")
FORMATS: tuple[str, ...] = ("png", "pdf", "svg")
#: Resolutions offered for PNG; 72 is a quick draft (tests, previews).
DPI_CHOICES: tuple[int, ...] = (150, 300, 600)
MIME: dict[str, str] = {"png": "image/png", "pdf": "application/pdf", "svg": "image/svg+xml"}
#: Optional layers over the choropleth, named by their layer ids in :mod:`geo.model.schema`.
MAP_LAYERS: tuple[str, ...] = ("crop_zones", "risk_zones", "landslide_events", "projects")
#: Friendlier names accepted for indicator keys (CLI, URLs).
INDICATOR_ALIASES: dict[str, str] = {
    "funding_gap": "gap", "funding_need": "need", "projects": "n_projects",
    "landslide_risk": "risk_share", "events": "n_events",
}
#: Sequential palette of each indicator (see :data:`geo.analysis.classify.PALETTES`).
PALETTE_OF: dict[str, str] = {k: i.palette for k, i in INDICATORS.items()}
#: Outline / hatch colour of each crop zone (distinct, readable over any palette).
CROP_COLORS: dict[str, str] = {
    "tea": "#1b7837", "ancient_tea": "#762a83", "specialty_rice": "#b35806",
    "banana": "#8c6d00", "temperate_fruit": "#2166ac",
}
FONT = "DejaVu Sans"  # ships with matplotlib and covers every Vietnamese letter
RC: dict[RcKeyType, Any] = {"font.family": FONT, "pdf.fonttype": 42, "svg.fonttype": "path", "hatch.linewidth": 0.7}
INK = "#222222"
HIGHLIGHT = "#08306b"
PROJECT_COLOR = "#08306b"
#: Hatch and colour per landslide-risk level, lightest first.
RISK_STYLE: dict[str, tuple[str, str]] = {"very_low": ("..", "#bdbdbd"), "low": ("...", "#a6a6a6"),
                                          "medium": ("...", "#7f7f7f"), "high": ("xxx", "#404040"),
                                          "very_high": ("xxxx", "#111111")}
HONESTY_RED = "#8b0000"


# --- small pure helpers ---------------------------------------------------------------------
def paper_size(paper: str = "A4", orientation: str = "landscape") -> tuple[float, float]:
    """Figure size in inches ``(width, height)`` for a paper and orientation (rounded to 0.01 in)."""
    if paper not in PAPER_MM:
        raise ValueError(f"unknown paper '{paper}'; choose one of {', '.join(PAPER_MM)}")
    if orientation not in ORIENTATIONS:
        raise ValueError(f"unknown orientation '{orientation}'; choose one of {', '.join(ORIENTATIONS)}")
    w, h = (round(mm / 25.4, 2) for mm in PAPER_MM[paper])
    return (h, w) if orientation == "landscape" else (w, h)


def resolve_indicator(name: str) -> str:
    """Indicator key for ``name`` (a key of :data:`INDICATORS` or an alias such as ``funding_gap``).

    >>> resolve_indicator("nope")
    Traceback (most recent call last):
    ...
    ValueError: unknown indicator 'nope'; valid: gap (funding_gap), need (funding_need), ...
    """
    key = INDICATOR_ALIASES.get(name, name)
    if key not in INDICATORS:
        raise ValueError(f"unknown indicator '{name}'; valid: {indicator_help()}")
    return key


def indicator_help() -> str:
    """``gap (funding_gap), need (funding_need), …``: every key with its aliases."""
    aliases: dict[str, list[str]] = {}
    for alias, key in INDICATOR_ALIASES.items():
        aliases.setdefault(key, []).append(alias)
    return ", ".join(f"{k} ({', '.join(aliases[k])})" if k in aliases else k for k in INDICATORS)


def palette_for(key: str) -> str:
    """Palette name for an indicator (reds for gaps and risk, greens for crops, …)."""
    return PALETTE_OF.get(key, "reds")


def legend_labels(c: Classification, key: str, lang: str) -> tuple[str, list[str]]:
    """Legend title (label and unit) and one label per class of
    :meth:`~geo.analysis.classify.Classification.legend_classes` (zero, ranges or values, no data), per language.

    Numbers follow :func:`geo.output.figures.indicator_number` (money scaled to tỷ/triệu in the title).

    >>> legend_labels(classify([1.5, 2.5, 10.25], "equal_interval", k=2), "risk_share", "vi")
    ('Tỷ lệ diện tích nguy cơ sạt lở cao (%)', ['1,5 – 5,9', '5,9 – 10,2'])
    >>> legend_labels(classify([0, 3, float("nan")]), "n_events", "en")[1]
    ['0', '3', 'No data']
    """
    ind = INDICATORS[key]
    top = max([abs(c.lower), *(abs(u) for u in c.upper_bounds)])
    scale, unit = fmt.money_scale(top, lang) if ind.kind == "money" else (1.0, ind.unit(lang))
    label = ind.label(lang)
    title = label if label.endswith(f"({unit})") else f"{label} ({unit})"
    labels = [class_label(key, cls, lang, scale=scale) for cls in c.legend_classes()]
    return title, [text[:1].upper() + text[1:] for text in labels]  # a legend row starts with a capital


#: One indicator value with its unit, for labels and the highlight box: the web map's function.
format_value = indicator_value


#: The active filters in one line (one wording for panels, prints and exports).
filters_summary = filters_line


def text_problems_of(title: str | None, subtitle: str | None, note: str | None, where: str,
                     names: tuple[str, str, str] = ("title", "subtitle", "note")) -> list[Problem]:
    """Problems of the texts a user gives a print map (one line for title and subtitle, several for the note),
    each naming ``where`` (the command or panel) and the field (``names``); empty when all are fine.

    >>> [p.key for p in text_problems_of("Bản đồ\\nhai dòng", None, "Dòng 1\\nDòng 2", "export-map")]
    ['err.text.line_break']
    """
    out = []
    for value, name, multi in zip((title, subtitle, note), names, (False, False, True), strict=True):
        out += text_problems(value, where, None, name, multi_line=multi)
    return out


def used_layers(indicator: str, layers: Iterable[str], unit_version: str = schema.DEFAULT_UNIT_VERSION) -> tuple[str, ...]:
    """Provenance layer ids behind a map: communes, the indicator's sources and the shown layers
    (and the crosswalk when the map is by the units from 1/7/2025)."""
    reform_layers = ["crosswalk_2025"] if unit_version == "2025" else []
    return tuple(dict.fromkeys(["communes", *INDICATORS[indicator].layers, *reform_layers, *layers]))


def unit_notes(shapes: pd.DataFrame, stuck: pd.DataFrame, lang: str) -> list[str]:
    """Footer notes on the units: ``* names: part of the new unit …`` and projects not allocated
    to one former commune (old view), empty when neither applies.

    >>> shapes = pd.DataFrame({"name": ["Sin Suối Hồ", "Bản Bo"], "partial": [True, False]})
    >>> unit_notes(shapes, pd.DataFrame(), "en")
    ['* Sin Suối Hồ: Part of the new unit: only the former Tam Đường communes are shown']
    """
    lines = []
    partial = shapes[shapes["partial"].astype(bool)]
    if len(partial):
        lines.append(f"* {', '.join(partial['name'])}: {unit_note(True, lang)}")
    if len(stuck):
        lines.append(t("units.unallocated_total", lang, amount=fmt.vnd(int(stuck["need"].sum()), lang), n=len(stuck)))
    return lines


def footer_lines(ds: Dataset, lang: str, layer_ids: tuple[str, ...], date: str,
                 unit_version: str | None = None, notes: Iterable[str] = (),
                 extra: Iterable[schema.Provenance] = ()) -> list[str]:
    """Footer text: what is not official (first), each source (of ``layer_ids`` and the ``extra`` reference
    layers such as the locator and the basemap) in words for people, the unit version and ``notes`` (when given), then CRS
    and date."""
    provs = [ds.provenance[i] for i in layer_ids if i in ds.provenance] + list(extra)
    weak = [p for p in provs if not p.is_official]
    lines = []
    if weak:
        lines.append(t("print.not_official", lang) + ": "
                     + "; ".join(f"{p.title(lang)} — {schema.QUALITY_LABELS[p.quality](lang)}" for p in weak))
    sources = [f"{p.title(lang)}: {source_for_people(p, lang)} ({p.licence_in(lang)}, {fmt.date(p.date, lang)})"
               for p in provs]
    if sources:
        sources[0] = f"{t('print.sources', lang)}: {sources[0]}"
    lines += sources
    if unit_version is not None:
        lines.append(unit_version_line(unit_version, lang))
    lines += list(notes)
    lines.append(f"{t('print.crs', lang)} · {t('print.made', lang, date=date)} · {t('app.title', lang)}")
    return lines


# --- geometry helpers ---------------------------------------------------------------------------
def _metric(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    return gdf.to_crs(schema.METRIC_CRS)


@functools.lru_cache(maxsize=4)
def _transformer(src: str, dst: str) -> Transformer:
    return Transformer.from_crs(src, dst, always_xy=True)


def grid_convergence(lon: float, lat: float) -> float:
    """Angle (degrees, clockwise from grid north) of true north at a point in EPSG:9205.

    East of the central meridian (103°E) true north leans west, by about Δλ·sin φ:

    >>> round(grid_convergence(103.6, 22.33), 2), round(-0.6 * math.sin(math.radians(22.33)), 2)
    (-0.23, -0.23)
    """
    tr = _transformer(schema.GEOGRAPHIC_CRS, schema.METRIC_CRS)
    x0, y0 = tr.transform(lon, lat)
    x1, y1 = tr.transform(lon, lat + 0.01)
    return math.degrees(math.atan2(x1 - x0, y1 - y0))


def _path(geom) -> MplPath:
    """One compound path (holes included) for a Polygon or MultiPolygon."""
    verts, codes = [], []
    for poly in getattr(geom, "geoms", [geom]):
        for ring in (poly.exterior, *poly.interiors):
            xy = np.asarray(ring.coords)[:, :2]
            verts.append(xy)
            codes.append([MplPath.MOVETO] + [MplPath.LINETO] * (len(xy) - 2) + [MplPath.CLOSEPOLY])
    return MplPath(np.concatenate(verts), np.concatenate(codes))


def _polygons(ax: Axes, geoms: Iterable, zorder: float = 1, **style) -> PatchCollection:
    """Draw polygons straight as a collection (geopandas' plot would redraw the whole figure each call)."""
    coll = PatchCollection([PathPatch(_path(g)) for g in geoms if g is not None and not g.is_empty], **style)
    coll.set_zorder(zorder)
    ax.add_collection(coll, autolim=False)
    return coll


def _lines(ax: Axes, geom, zorder: float = 1, **style) -> None:
    for line in getattr(geom, "geoms", [geom]):
        xy = np.asarray(line.coords)
        ax.plot(xy[:, 0], xy[:, 1], zorder=zorder, solid_capstyle="round", solid_joinstyle="round", **style)


def _fit(extent: tuple[float, float, float, float], ratio: float) -> tuple[float, float, float, float]:
    """Grow ``extent`` to the width/height ``ratio`` of its axes, keeping its centre (equal aspect)."""
    x0, y0, x1, y1 = extent
    w, h = x1 - x0, y1 - y0
    if w / h < ratio:
        w = h * ratio
    else:
        h = w / ratio
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    return cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2


def _expand(bounds: np.ndarray, frac: float) -> tuple[float, float, float, float]:
    x0, y0, x1, y1 = bounds
    dx, dy = (x1 - x0) * frac, (y1 - y0) * frac
    return x0 - dx, y0 - dy, x1 + dx, y1 + dy


# --- the page ---------------------------------------------------------------------------------------
def render_map(
    ds: Dataset,
    indicator: str,
    *,
    filters: funding.Filters = funding.Filters(),
    lang: str = "vi",
    layers: Iterable[str] = (),
    scheme: str = "quantiles",
    paper: str = "A4",
    orientation: str = "landscape",
    highlight: str | None = None,
    title: str | None = None,
    subtitle: str | None = None,
    table: pd.DataFrame | None = None,
    date: str | None = None,
    unit_version: str = schema.DEFAULT_UNIT_VERSION,
    basemap: bool = True,
    note: str | None = None,
) -> Figure:
    """Draw one print page of ``indicator`` per unit and return the matplotlib Figure.

    Parameters
    ----------
    ds : Dataset
        The data (geometry in EPSG:4326; drawn in EPSG:9205).
    indicator : str
        A key of :data:`geo.analysis.indicators.INDICATORS` or an alias (``funding_gap``).
    filters, lang, layers, scheme
        What the map page shows: project filters, ``"vi"``/``"en"``, a subset of :data:`MAP_LAYERS`,
        a classification scheme of :data:`geo.analysis.classify.SCHEMES`.
    paper, orientation
        ``"A4"``/``"A3"`` and ``"landscape"``/``"portrait"``; sets the figure size in inches.
    highlight : str, optional
        GSO code of a unit (of ``unit_version``) to emphasise (atlas page): the map zooms to it and a box
        lists its figures.
    title, subtitle : str, optional
        Override the default title (indicator label) and subtitle (district and filters).
    note : str, optional
        A note printed above the footer (the author's words, e.g. the meeting it was made for).
    table : DataFrame, optional
        A precomputed ``geo.analysis.units.indicators(ds, units, filters)`` (saves time in batches).
    date : str, optional
        Date printed in the footer (default: today, ISO format).
    unit_version : str
        ``"2021"`` (the 13 units before 1/7/2025, default) or ``"2025"`` (the units from 1/7/2025).
    basemap : bool
        Draw the store's offline basemap (``ds.basemap``) when there is one: relief as shadows over the fills,
        an image under them; its source joins the footer.

    Examples
    --------
    >>> from geo.storage.store import BundledStore
    >>> fig = render_map(BundledStore().load(), "gap", lang="en")
    >>> sorted(a.get_gid() for a in fig.findobj() if a.get_gid() in ("legend", "scalebar", "footer"))
    ['footer', 'legend', 'scalebar']
    >>> fig = render_map(BundledStore().load(), "gap", lang="en", unit_version="2025")
    >>> len([a for a in fig.findobj() if str(a.get_gid()).startswith("label-")])
    6
    """
    key = resolve_indicator(indicator)
    layers = tuple(layers)
    unknown = [lyr for lyr in layers if lyr not in MAP_LAYERS]
    if unknown:
        raise ValueError(f"unknown layer(s) {', '.join(unknown)}; choose from {', '.join(MAP_LAYERS)}")
    shapes = reform.shapes(ds, unit_version)
    if highlight is not None and highlight not in set(shapes["code"]):
        raise ValueError(f"unknown unit code '{highlight}' for {reform.version_label(unit_version, 'en')}; "
                         f"valid: {', '.join(shapes['code'])}")
    if table is None:
        table = reform.indicators(ds, unit_version, filters, shapes if unit_version == "2025" else None)
    stuck = reform.unallocated_projects(ds, filters) if unit_version == "2021" else pd.DataFrame()
    date = date or _dt.date.today().isoformat()
    with mpl.rc_context(RC):
        page = _Page(ds, key, filters, lang, layers, scheme, paper, orientation, highlight,
                     title, subtitle, table, date, unit_version, shapes, stuck)
        page.basemap = ds.basemap if basemap else None
        page.note = note or None
        return page.draw()


class _Page:
    """Layout and drawing of one page; sizes in inches, scaled with the paper."""

    def __init__(self, ds, key, filters, lang, layers, scheme, paper, orientation, highlight,
                 title, subtitle, table, date, unit_version, shapes, stuck):
        self.ds, self.key, self.filters, self.lang, self.layers = ds, key, filters, lang, layers
        self.scheme, self.highlight, self.table, self.date = scheme, highlight, table, date
        self.unit_version, self.stuck = unit_version, stuck
        self.W, self.H = paper_size(paper, orientation)
        self.portrait = orientation == "portrait"
        self.s = min(self.W, self.H) / 8.27  # 1 on A4, √2 on A3
        self.fig = Figure(figsize=(self.W, self.H))
        self.canvas = FigureCanvasAgg(self.fig)  # a renderer to measure the legend; no GUI backend
        self.fig.patch.set_facecolor("white")
        self.communes = _metric(shapes).merge(table[[key]].reset_index(), on="code", how="left")
        self.district = self.communes.geometry.union_all()
        self.title = title
        self.subtitle = subtitle
        with warnings.catch_warnings():
            # mapclassify warns when ties leave fewer distinct quantiles; classify() already copes.
            warnings.filterwarnings("ignore", message="Not enough unique values", category=UserWarning)
            self.c = classify(self.communes[key].to_numpy(dtype="float64"), scheme=scheme, palette=palette_for(key))
        self.n_projects = (0, 0)
        self.basemap: Basemap | None = None
        self.statuses: list[str] = []  # statuses of the project points drawn, in schema order
        self.note: str | None = None
        # the country locator on the district page; a commune's page shows the commune in the district
        self.locator: Locator | None = None if highlight else read_locator()
        self.inset_in_map = False  # the locator sits in the map's corner (the panel is full)

    # layout helpers
    def frac(self, x: float, y: float, w: float, h: float) -> tuple[float, float, float, float]:
        return x / self.W, y / self.H, w / self.W, h / self.H

    def pt(self, size: float) -> float:
        return size * self.s

    def inches(self, artist) -> tuple[float, float, float, float]:
        """Bounding box of a drawn artist in inches from the page's lower-left corner."""
        bb = artist.get_window_extent(self.canvas.get_renderer())
        d = self.fig.dpi
        return bb.x0 / d, bb.y0 / d, bb.x1 / d, bb.y1 / d

    def draw(self) -> Figure:
        s, W, H = self.s, self.W, self.H
        m = 0.45 * s
        foot = self.footer(m)
        head = self.header(m)
        top = H - head - 0.15 * s
        bottom = foot + 0.2 * s
        if self.portrait:
            map_h = (top - bottom) * 0.70
            map_rect = (m, top - map_h, W - 2 * m, map_h)
            panel = (m, bottom, W - 2 * m, top - map_h - bottom - 0.3 * s)
        else:
            map_w = (W - 2 * m) * 0.66
            map_rect = (m, bottom, map_w, top - bottom)
            panel = (m + map_w + 0.3 * s, bottom, W - 2 * m - map_w - 0.3 * s, top - bottom)
        self.map_rect = map_rect
        ax = self.fig.add_axes(self.frac(*map_rect))
        ax.set_gid("map")
        self.map(ax, map_rect[2] / map_rect[3])
        self.panel(*panel)
        return self.fig

    def header(self, m: float) -> float:
        ind = INDICATORS[self.key]
        lang = self.lang
        if self.title is None:
            if self.highlight:
                name = self.communes.set_index("code").loc[self.highlight, "full_name"]
                self.title = t("print.atlas_title", lang, commune=name, indicator=ind.label(lang))
            else:
                self.title = ind.label(lang)
        if self.subtitle is None:
            new = f" · {reform.version_label(self.unit_version, lang)}" if self.unit_version == "2025" else ""
            self.subtitle = f"{t('print.district', lang)}{new} · {filters_summary(self.filters, lang)}"
        y = self.H - m
        # user text: "$" is a dollar sign, not mathtext
        tt = self.fig.text(m / self.W, y / self.H, self.title, fontsize=self.pt(17), fontweight="bold",
                           color=INK, va="top", ha="left", parse_math=False)
        tt.set_gid("title")
        st = self.fig.text(m / self.W, (y - 0.42 * self.s) / self.H, self.subtitle, fontsize=self.pt(10),
                           color="#444444", va="top", ha="left", parse_math=False)
        st.set_gid("subtitle")
        return m + 0.75 * self.s

    def footer(self, m: float) -> float:
        extra = [self.locator.provenance] if self.locator is not None else []
        if self.basemap is not None:
            extra.append(self.basemap.provenance)
        lines = footer_lines(self.ds, self.lang, used_layers(self.key, self.layers, self.unit_version), self.date,
                             self.unit_version, unit_notes(self.communes, self.stuck, self.lang), extra)
        size = self.pt(6.2)
        chars = (self.W - 2 * m) * 72 / size  # characters of one em per line
        honesty = lines[0].startswith(t("print.not_official", self.lang))
        first = textwrap.wrap(lines[0], int(chars / 0.66)) if honesty else []
        body = [w for line in lines[1 if honesty else 0:]
                for w in textwrap.wrap(line, int(chars / 0.56), subsequent_indent="    ")]
        line_h = size * 1.45 / 72
        y0 = m * 0.7
        txt = self.fig.text(m / self.W, y0 / self.H, "\n".join(body), fontsize=size, color="#333333",
                            va="bottom", ha="left", linespacing=1.45, parse_math=False)  # sources are typed text
        txt.set_gid("footer")
        y = y0 + len(body) * line_h
        if first:
            warn = self.fig.text(m / self.W, (y + 0.03 * self.s) / self.H, "\n".join(first),
                                 fontsize=size * 1.08, color=HONESTY_RED, fontweight="bold",
                                 va="bottom", ha="left", linespacing=1.35, parse_math=False)
            warn.set_gid("footer_quality")
            y += len(first) * line_h * 1.05 + 0.03 * self.s
        rule = Line2D([m / self.W, 1 - m / self.W], [(y + 0.06 * self.s) / self.H] * 2,
                      transform=self.fig.transFigure, color="#999999", linewidth=0.6)
        self.fig.add_artist(rule)
        y += 0.06 * self.s
        if self.note:
            size = self.pt(8.5)
            wrapped = textwrap.fill(self.note, int((self.W - 2 * m) * 72 / (size * 0.55)))
            note = self.fig.text(m / self.W, (y + 0.08 * self.s) / self.H, wrapped, fontsize=size, color=INK,
                                 style="italic", va="bottom", ha="left", linespacing=1.3, parse_math=False)
            note.set_gid("note")
            y = self.inches(note)[3] + 0.04 * self.s
        return y

    # --- main map ------------------------------------------------------------------------------
    def map(self, ax: Axes, ratio: float) -> None:
        s, key, communes = self.s, self.key, self.communes
        colors = [self.c.color_of(v) for v in communes[key].to_numpy(dtype="float64")]
        image = self.basemap is not None and self.basemap.kind == "image"
        choropleth = _polygons(ax, communes.geometry, zorder=1, facecolor=colors, edgecolor="#555555",
                               linewidth=0.5 * s, alpha=0.62 if image else None)
        choropleth.set_gid("choropleth")
        if self.basemap is not None:
            self.draw_basemap(ax)
        _lines(ax, self.district.boundary, zorder=6, color=INK, linewidth=1.6 * s)
        self.overlays(ax)
        if self.highlight:
            one = communes[communes["code"] == self.highlight].geometry.iloc[0]
            _lines(ax, one.boundary, zorder=7, color="white", linewidth=5.0 * s)
            _lines(ax, one.boundary, zorder=8, color=HIGHLIGHT, linewidth=2.6 * s)
            extent = _expand(np.asarray(one.bounds), 0.5)
        else:
            extent = _expand(np.asarray(self.district.bounds), 0.04)
        x0, y0, x1, y1 = _fit(extent, ratio)
        ax.set_xlim(x0, x1)
        ax.set_ylim(y0, y1)
        ax.set_aspect("equal", adjustable="box")
        ax.set_xticks([])
        ax.set_yticks([])
        for sp in ax.spines.values():
            sp.set_color("#666666")
            sp.set_linewidth(0.8)
        ax.set_facecolor("#f7f7f4")
        self.labels(ax)
        bar = ScaleBar(1, "m", location="lower left", length_fraction=0.22, box_alpha=0.85, color=INK,
                       font_properties={"family": FONT, "size": self.pt(8)}, border_pad=0.6, pad=0.4,
                       scale_loc="top", frameon=True)
        bar.set_gid("scalebar")
        ax.add_artist(bar)
        self.north_arrow(ax)

    def draw_basemap(self, ax: Axes) -> None:
        """The offline basemap: relief as shadows over the fills (zorder 1.5), an image under them (0.5).
        The map's extent is set after it, so it stays the district's."""
        assert self.basemap is not None
        pixels, extent = basemap_image.warped(self.basemap, schema.METRIC_CRS)
        relief = self.basemap.kind == "relief"
        im = ax.imshow(basemap_image.shadow(pixels) if relief else pixels, extent=extent, interpolation="bilinear",
                       zorder=1.5 if relief else 0.5)
        im.set_gid("basemap")

    def overlays(self, ax: Axes) -> None:
        ds, s = self.ds, self.s
        if "crop_zones" in self.layers and len(ds.crop_zones):
            crops = _metric(ds.crop_zones)
            for crop, group in crops.groupby("crop"):
                _polygons(ax, group.geometry, zorder=3, facecolor="none", hatch="////",
                          edgecolor=CROP_COLORS.get(crop, "#1b7837"), linewidth=0.9 * s)
        if "risk_zones" in self.layers and len(ds.risk_zones):
            risk = _metric(ds.risk_zones)
            for level, (hatch, color) in RISK_STYLE.items():
                part = risk[risk["risk_level"] == level]
                if len(part):
                    _polygons(ax, part.geometry, zorder=4, facecolor="none", hatch=hatch, edgecolor=color,
                              linewidth=0.5 * s)
        if "landslide_events" in self.layers and len(ds.landslide_events):
            ev = _metric(ds.landslide_events)
            ax.scatter(ev.geometry.x, ev.geometry.y, marker="^", s=(9 * s) ** 2, c="#111111",
                       edgecolors="white", linewidths=0.8, zorder=9)
        if "projects" in self.layers:
            pts = self.project_points()
            self.statuses = [st.key for st in schema.STATUSES if st.key in set(pts["status"])]
            for status in self.statuses:
                one = pts[pts["status"] == status]
                dots = ax.scatter(one.geometry.x, one.geometry.y, marker="o", s=(6.5 * s) ** 2,
                                  c=STATUS_COLORS[status], edgecolors="white", linewidths=0.8, zorder=9)
                dots.set_gid(f"projects-{status}")

    def project_points(self) -> gpd.GeoDataFrame:
        projects, _ = funding.apply_filters(self.ds.projects, self.ds.funding, self.filters, self.ds.risk_zones)
        has = projects[projects["lon"].notna() & projects["lat"].notna()]
        self.n_projects = (len(has), len(projects))
        pts = gpd.GeoDataFrame({"status": has["status"].to_numpy()},
                               geometry=gpd.points_from_xy(has["lon"], has["lat"]), crs=schema.GEOGRAPHIC_CRS)
        return _metric(pts)

    def labels(self, ax: Axes) -> None:
        halo = [patheffects.withStroke(linewidth=2.6 * self.s, foreground="white")]
        for _, row in self.communes.iterrows():
            p = row.geometry.representative_point()
            strong = row["code"] == self.highlight
            label = f"{row['name']} *" if row["partial"] else row["name"]  # * explained in the footer
            name = ax.text(p.x, p.y, label, fontsize=self.pt(9.5 if strong else 8), ha="center",
                           va="bottom", color=INK, fontweight="bold" if strong else "normal",
                           path_effects=halo, zorder=10, clip_on=True)
            name.set_gid(f"label-{row['code']}")
            val = ax.text(p.x, p.y, format_value(self.key, row[self.key], self.lang), fontsize=self.pt(6.8),
                          ha="center", va="top", color="#333333", path_effects=halo, zorder=10, clip_on=True)
            val.set_gid(f"value-{row['code']}")

    def north_arrow(self, ax: Axes) -> None:
        """A two-tone arrow pointing to true north (grid convergence at the district's centre)."""
        lon, lat = self.ds.communes.geometry.union_all().centroid.coords[0]
        a = math.radians(grid_convergence(lon, lat))
        size = 34 * self.s  # points
        area = DrawingArea(size, size * 1.6, 0, 0)
        cx, cy, r = size / 2, size * 0.62, size * 0.5

        def rot(x: float, y: float) -> tuple[float, float]:
            dx, dy = x - cx, y - cy
            return cx + dx * math.cos(a) + dy * math.sin(a), cy - dx * math.sin(a) + dy * math.cos(a)

        tip, base, left, right = rot(cx, cy + r), rot(cx, cy - r * 0.45), rot(cx - r * 0.42, cy - r * 0.75), \
            rot(cx + r * 0.42, cy - r * 0.75)
        area.add_artist(Polygon([tip, left, base], closed=True, facecolor="white", edgecolor=INK, linewidth=0.9))
        area.add_artist(Polygon([tip, right, base], closed=True, facecolor=INK, edgecolor=INK, linewidth=0.9))
        lx, ly = rot(cx, cy + r + size * 0.28)
        area.add_artist(Text(lx, ly, t("print.north", self.lang), ha="center", va="center",
                             fontsize=self.pt(11), fontweight="bold", color=INK, fontfamily=FONT))
        box = AnchoredOffsetbox(loc="upper right", child=area, pad=0.3, borderpad=0.6, frameon=False)
        box.set_gid("north_arrow")
        ax.add_artist(box)

    # --- side panel: legend, highlight box, locator inset ---------------------------------------
    def legend_entries(self) -> tuple[list, list[str], list[int]]:
        title, labels = legend_labels(self.c, self.key, self.lang)
        handles: list = [Patch(facecolor=cls.color, edgecolor="#555555", linewidth=0.5)
                         for cls in self.c.legend_classes()]
        texts = list(labels)
        def qual(layer: str) -> str:
            p = self.ds.provenance.get(layer)
            return f" ({schema.QUALITY_LABELS[p.quality](self.lang)})" if p and not p.is_official else ""

        entries: list[tuple[object, str]] = []
        if "crop_zones" in self.layers and len(self.ds.crop_zones):
            for crop in [c for c in schema.CROPS if c in set(self.ds.crop_zones["crop"])]:
                entries.append((Patch(facecolor="white", edgecolor=CROP_COLORS.get(crop), hatch="////"),
                                schema.CROPS[crop](self.lang) + qual("crop_zones")))
        if "risk_zones" in self.layers and len(self.ds.risk_zones):
            used = set(self.ds.risk_zones["risk_level"])
            for level, (hatch, color) in reversed(RISK_STYLE.items()):
                if level not in used:
                    continue
                entries.append((Patch(facecolor="white", edgecolor=color, hatch=hatch),
                                t(f"print.risk_{level}", self.lang) + qual("risk_zones")))
        if "landslide_events" in self.layers and len(self.ds.landslide_events):
            entries.append((Line2D([], [], marker="^", color="#111111", markeredgecolor="white", linestyle="none",
                                   markersize=8), t("print.event", self.lang) + qual("landslide_events")))
        if "projects" in self.layers:
            n, total = self.n_projects
            if not self.statuses:
                entries.append((Line2D([], [], marker="o", color=PROJECT_COLOR, markeredgecolor="white",
                                       linestyle="none", markersize=6.5),
                                t("print.projects", self.lang, n=n, total=total) + qual("projects")))
            else:  # a heading row, then one row per status on the map, in the web map's colours
                entries.append((Patch(visible=False),
                                t("print.projects_by_status", self.lang, n=n, total=total) + qual("projects")))
                for status in self.statuses:
                    entries.append((Line2D([], [], marker="o", color=STATUS_COLORS[status], markeredgecolor="white",
                                           linestyle="none", markersize=6.5), schema.STATUS_BY_KEY[status](self.lang)))
        if self.highlight:
            entries.append((Patch(facecolor="none", edgecolor=HIGHLIGHT, linewidth=2.0),
                            t("units.highlighted" if self.unit_version == "2025" else "print.highlighted", self.lang)))
        headers = []
        if entries:
            headers.append(len(handles))
            handles.append(Patch(visible=False))
            texts.append(t("print.layers", self.lang))
            for h, label in entries:
                handles.append(h)
                texts.append(label)
        self.legend_title = title
        return handles, texts, headers

    def panel(self, x: float, y: float, w: float, h: float) -> None:
        s = self.s
        handles, texts, headers = self.legend_entries()
        if self.portrait:
            inset_size = min(w * 0.26, h)
            cols = [(x, w * 0.44), (x + w * 0.46, w * 0.26)] if self.highlight else [(x, w * 0.7)]
        else:
            cols = [(x, w)]
        leg_x, leg_w = cols[0]
        two_cols = self.portrait and len(handles) > 8
        wrap = max(16, int(leg_w / (2 if two_cols else 1) * 72 / (self.pt(8) * 0.6)) - 5)
        legend = self.fig.legend(
            handles, [textwrap.fill(tx, wrap) for tx in texts], loc="upper left",
            bbox_to_anchor=(leg_x / self.W, (y + h) / self.H), bbox_transform=self.fig.transFigure,
            frameon=False, fontsize=self.pt(8), title=textwrap.fill(self.legend_title, wrap),
            title_fontsize=self.pt(9), alignment="left", handlelength=2.2, handleheight=1.3,
            borderaxespad=0, borderpad=0, ncols=2 if two_cols else 1,
        )
        legend.get_title().set_fontweight("bold")
        for i in headers:
            legend.get_texts()[i].set_fontweight("bold")
        legend.set_gid("legend")
        free_top = self.inches(legend)[1] - 0.3 * s  # below the legend
        if self.highlight:
            bx, bw = cols[1] if self.portrait else (x, w)
            box_top = y + h if self.portrait else free_top
            box_bottom = self.highlight_box(bx, box_top, bw)
            if not self.portrait:
                free_top = box_bottom - 0.25 * s
        if self.portrait:
            rect = (x + w - inset_size, y + h - inset_size, inset_size, inset_size)
        else:
            title_room = 0.4 * s if self.locator is not None else 0.0  # the locator's title is three lines
            size = min(w * 0.75, 2.3 * s, free_top - y - title_room)
            if size >= 1.0 * s:
                rect = (x, y, size, size)
            else:  # no room left in the panel: tuck the locator into the map's lower-right corner
                self.inset_in_map = True
                mx, my, mw, mh = self.map_rect
                size = min(1.7 * s, mw * 0.3)
                rect = (mx + mw - size - 0.08 * s, my + 0.08 * s, size, size)
        self.inset(self.fig.add_axes(self.frac(*rect)))

    def highlight_box(self, x: float, top: float, w: float) -> float:
        """The commune's figures under a bold name; returns the box's bottom (inches)."""
        lang, row = self.lang, self.table.loc[self.highlight]
        unit = self.communes.set_index("code").loc[self.highlight]
        name = unit["full_name"]
        money = ("need", "committed", "gap")
        lines = [] if self.key in money else [(INDICATORS[self.key].label(lang),
                                                 format_value(self.key, row[self.key], lang))]
        lines += [(t(f"common.{col}", lang), fmt.vnd(row[col], lang)) for col in money]
        lines.append((t("overview.metric_projects", lang), fmt.number(row["n_projects"], lang)))
        lines.append((t("common.area_km2", lang), fmt.km2(row["area_km2"], lang, unit=False)))
        if not pd.isna(row.get("population")):
            lines.append((t("common.population", lang), fmt.number(row["population"], lang)))
        lines.append((INDICATORS["risk_share"].label(lang), format_value("risk_share", row["risk_share"], lang)))
        lines.append((INDICATORS["n_events"].label(lang), fmt.number(row["n_events"], lang)))
        for crop in schema.CROPS:
            if row.get(f"ha_{crop}", 0) > 0:
                lines.append((schema.CROPS[crop](lang), format_value(f"ha_{crop}", row[f"ha_{crop}"], lang)))
        size = self.pt(7.6)
        width = max(22, int(w * 72 / (size * 0.6)) - 4)
        body = "\n".join(textwrap.fill(f"{label}: {value}", width, subsequent_indent="   ")
                         for label, value in lines)
        q = schema.QUALITY_LABELS[self.ds.quality_of("projects", "funding")](lang)
        body += "\n" + textwrap.fill(t("print.box_quality", lang, quality=q), width)
        if unit["partial"]:
            body += "\n" + textwrap.fill("* " + unit_note(True, lang), width)
        pad = size * 0.6 / 72
        head = self.fig.text((x + 0.02 * self.s) / self.W, top / self.H, name, fontsize=self.pt(9.5),
                             fontweight="bold", color=HIGHLIGHT, va="top", ha="left")
        head.set_gid("highlight_name")
        body_top = self.inches(head)[1] - 0.08 * self.s - pad
        box = self.fig.text((x + pad + 0.02 * self.s) / self.W, body_top / self.H, body, fontsize=size,
                            va="top", ha="left", color=INK, linespacing=1.4,
                            bbox=dict(boxstyle=f"round,pad={0.6}", facecolor="#f4f8fc", edgecolor=HIGHLIGHT,
                                      linewidth=0.9))
        box.set_gid("highlight_box")
        return self.inches(box)[1] - pad

    def inset(self, ax: Axes) -> None:
        ax.set_gid("inset")
        if self.locator is not None:
            self.country_inset(ax, self.locator)
            return
        _polygons(ax, self.communes.geometry, zorder=1, facecolor="#e3e3e3", edgecolor="#9a9a9a", linewidth=0.3)
        if self.highlight:
            one = self.communes[self.communes["code"] == self.highlight].geometry
            _polygons(ax, one, zorder=2, facecolor=HIGHLIGHT, edgecolor=HIGHLIGHT, linewidth=0.5)
            ext = _expand(np.asarray(self.district.bounds), 0.08)
        else:
            _polygons(ax, [self.district], zorder=2, facecolor="#8a8a8a", edgecolor="none", alpha=0.6)
            ext = _expand(np.asarray(self.district.bounds), 0.9)
        _lines(ax, self.district.boundary, zorder=3, color=INK, linewidth=0.9)
        bb = ax.get_position()
        ext = _fit(ext, (bb.width * self.W) / (bb.height * self.H))
        ax.set_xlim(ext[0], ext[2])
        ax.set_ylim(ext[1], ext[3])
        ax.set_aspect("equal", adjustable="box")
        if not self.highlight:
            self.graticule(ax, ext)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_facecolor("white")
        for sp in ax.spines.values():
            sp.set_color("#666666")
            sp.set_linewidth(0.7)
        ax.set_title(t("print.inset", self.lang) if self.highlight else t("print.district", self.lang),
                     fontsize=self.pt(7), color="#444444", loc="left", pad=2)

    def country_inset(self, ax: Axes, loc: Locator) -> None:
        """Viet Nam among its neighbours, the province (approximate outline) and the district, filled and ringed
        (at this scale the district is a few dots wide)."""
        s, lang = self.s, self.lang
        shapes = _metric(loc.shapes)
        country = shapes[shapes["kind"] == "country"]
        province = loc.province(self.ds.config.province.en)
        _polygons(ax, shapes[shapes["kind"] == "neighbour"].geometry, zorder=1, facecolor="#f1f1ee",
                  edgecolor="#b5b5b5", linewidth=0.3 * s)
        _polygons(ax, country.geometry, zorder=2, facecolor="#d9d9d4", edgecolor="#666666",
                  linewidth=0.5 * s).set_gid("locator-country")
        if province is not None:
            _polygons(ax, _metric(province).geometry, zorder=3, facecolor="#9c9c96", edgecolor="#444444",
                      linewidth=0.4 * s, linestyle=(0, (2, 1))).set_gid("locator-province")
        _polygons(ax, [self.district], zorder=4, facecolor=HONESTY_RED, edgecolor=HONESTY_RED,
                  linewidth=0.5 * s).set_gid("locator-district")
        c = self.district.centroid
        ring = ax.scatter([c.x], [c.y], s=(7 * s) ** 2, facecolors="none", edgecolors=HONESTY_RED,
                          linewidths=1.1 * s, zorder=5)
        ring.set_gid("locator-district-ring")
        ext = _expand(np.asarray(country.total_bounds), 0.04)
        if self.inset_in_map:  # room above the country for the heading, so it covers China, not the district
            ext = (ext[0], ext[1], ext[2], ext[3] + 0.3 * (ext[3] - ext[1]))
        bb = ax.get_position()
        ext = _fit(ext, (bb.width * self.W) / (bb.height * self.H))
        ax.set_xlim(ext[0], ext[2])
        ax.set_ylim(ext[1], ext[3])
        ax.set_aspect("equal", adjustable="box")
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_facecolor("#eef3f8")  # sea
        for sp in ax.spines.values():
            sp.set_color("#666666")
            sp.set_linewidth(0.7)
        cfg = self.ds.config
        title = t("print.locator", lang, district=cfg.name(lang), province=cfg.province(lang))
        if province is not None and not loc.provenance.is_official:
            title += f"\n({t('print.locator_approx', lang)})"
        first, _, rest = title.partition("\n")
        if self.inset_in_map:  # above the axes it would cover the map: inside, over the sea and China
            ax.text(0.03, 0.97, textwrap.fill(first, 30) + (f"\n{rest}" if rest else ""), transform=ax.transAxes,
                    fontsize=self.pt(5.5), color="#333333", va="top", ha="left", linespacing=1.15, zorder=6,
                    bbox=dict(facecolor="white", edgecolor="none", alpha=0.8, pad=1.5)).set_gid("locator-title")
        else:
            ax.set_title(textwrap.fill(first, 40) + (f"\n{rest}" if rest else ""), fontsize=self.pt(6.5),
                         color="#444444", loc="left", pad=2, linespacing=1.2)

    def graticule(self, ax: Axes, ext: tuple[float, float, float, float]) -> None:
        """Half-degree lines of longitude and latitude, so the inset places the district on the globe."""
        back = _transformer(schema.METRIC_CRS, schema.GEOGRAPHIC_CRS)
        fwd = _transformer(schema.GEOGRAPHIC_CRS, schema.METRIC_CRS)
        lon0, lat0 = back.transform(ext[0], ext[1])
        lon1, lat1 = back.transform(ext[2], ext[3])
        step = 0.5
        style: dict[str, Any] = dict(fontsize=self.pt(5), color="#5a7290", clip_on=True)
        for lon in np.arange(math.ceil(lon0 / step) * step, lon1, step):
            xs, ys = fwd.transform(np.full(20, lon), np.linspace(lat0 - 0.2, lat1 + 0.2, 20))
            ax.plot(xs, ys, color="#b0c4de", linewidth=0.4, zorder=0)
            ax.text(float(np.interp(ext[1], ys, xs)), ext[1], f"{lon:.1f}°E", ha="center", va="bottom", **style)
        for lat in np.arange(math.ceil(lat0 / step) * step, lat1, step):
            xs, ys = fwd.transform(np.linspace(lon0 - 0.2, lon1 + 0.2, 20), np.full(20, lat))
            ax.plot(xs, ys, color="#b0c4de", linewidth=0.4, zorder=0)
            ax.text(ext[0], float(np.interp(ext[0], xs, ys)), f" {lat:.1f}°N", ha="left", va="bottom", **style)


# --- writing ---------------------------------------------------------------------------------------
def save_map(fig: Figure, target: str | Path | BinaryIO, fmt: str | None = None, dpi: int = 300,
             metadata: dict[str, str] | None = None) -> None:
    """Write ``fig`` as PNG (``dpi`` recorded in the file), PDF or SVG; format from ``fmt`` or the extension.

    The page keeps its paper size exactly (no tight cropping), so a 300-dpi A4
    landscape PNG is 3507 × 2481 pixels.
    """
    if fmt is None:
        if not isinstance(target, (str, Path)):
            raise ValueError("give fmt when writing to a buffer")
        fmt = Path(target).suffix.lstrip(".").lower()
    fmt = fmt.lower()
    if fmt not in FORMATS:
        raise ValueError(f"unknown format '{fmt}'; choose one of {', '.join(FORMATS)}")
    meta = {"png": {"Software": "Tam Đường Investment Atlas (matplotlib)"},
            "pdf": {"Creator": "Tam Đường Investment Atlas (matplotlib)"},
            "svg": {"Creator": "Tam Đường Investment Atlas (matplotlib)"}}[fmt]
    allowed = {"png": None, "pdf": {"Title", "Subject", "Keywords"}, "svg": {"Title", "Description"}}[fmt]
    for k, v in (metadata or {}).items():
        if allowed is None or k in allowed:
            meta[k] = v
    # zlib level 1: much faster than the default 6 on flat map colours, files ~10% larger
    extra: dict[str, Any] = {"pil_kwargs": {"compress_level": 1}} if fmt == "png" else {}
    with mpl.rc_context(RC):
        fig.savefig(target, format=fmt, dpi=dpi, facecolor="white", metadata=meta, **extra)


def map_metadata(fig: Figure) -> dict[str, str]:
    """Title and footer text of a rendered page, for file metadata."""
    title = next((a.get_text() for a in fig.texts if a.get_gid() == "title"), "")
    notes = " ".join(a.get_text() for a in fig.texts if a.get_gid() in ("footer_quality", "footer"))
    return {"Title": title, "Description": notes, "Subject": notes}


def render_bytes(ds: Dataset, indicator: str, *, fmt: str = "png", dpi: int = 150, **kwargs) -> bytes:
    """Render and write a page into memory; ``kwargs`` go to :func:`render_map`."""
    fig = render_map(ds, indicator, **kwargs)
    buf = io.BytesIO()
    save_map(fig, buf, fmt, dpi, metadata=map_metadata(fig))
    return buf.getvalue()
