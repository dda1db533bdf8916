"""Print maps: paper size and DPI, the district actually drawn, map furniture, provenance, fonts, formats."""

from __future__ import annotations

import io
import warnings
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from matplotlib.colors import to_rgb
from PIL import Image
from pypdf import PdfReader

from geo.analysis.classify import classify
from geo.analysis.funding import Filters
from geo.model import schema
from geo.output.maps import render
from geo.text import fmt

VIETNAMESE = "Đường Hồ Thầu Nùng Nàng Tả Lèng Sơn Bình ỹ ữ ặ ẵ ẫ ỗ ợ ự ỷ ỳ Ỵ"


def gid(fig, name):
    return [a for a in fig.findobj() if a.get_gid() == name]


def png(fig, dpi):
    buf = io.BytesIO()
    render.save_map(fig, buf, "png", dpi)
    buf.seek(0)
    return Image.open(buf)


def gap_by_commune(ds):
    """Funding gap per commune straight from the funding lines: sum of max(need − committed, 0)."""
    active = ds.projects[ds.projects["status"] != "cancelled"][["project_id", "commune_code"]]
    lines = ds.funding.merge(active, on="project_id")
    lines["gap"] = (lines["need"] - lines["committed"]).clip(lower=0)
    return lines.groupby("commune_code")["gap"].sum().reindex(ds.communes["code"], fill_value=0)


@pytest.fixture(scope="module")
def district_fig(ds):
    return render.render_map(ds, "gap", lang="en", date="2026-01-02")


def test_paper_sizes_are_iso_in_inches():
    assert render.paper_size("A4", "landscape") == pytest.approx((297 / 25.4, 210 / 25.4), abs=0.01)
    assert render.paper_size("A3", "portrait") == pytest.approx((297 / 25.4, 420 / 25.4), abs=0.01)
    with pytest.raises(ValueError, match="A4"):
        render.paper_size("Letter", "portrait")


@pytest.mark.parametrize("paper,orientation,dpi", [("A4", "landscape", 150), ("A3", "portrait", 40)])
def test_png_pixel_size_and_dpi_match_the_request(ds, paper, orientation, dpi):
    fig = render.render_map(ds, "gap", lang="vi", paper=paper, orientation=orientation)
    img = png(fig, dpi)
    w_mm, h_mm = {"A4": (210, 297), "A3": (297, 420)}[paper]
    if orientation == "landscape":
        w_mm, h_mm = h_mm, w_mm
    assert img.size[0] == pytest.approx(w_mm / 25.4 * dpi, abs=1.5)
    assert img.size[1] == pytest.approx(h_mm / 25.4 * dpi, abs=1.5)
    assert img.info["dpi"] == pytest.approx((dpi, dpi), abs=0.05)  # written into the file (pHYs, pixels per metre)


def test_district_is_drawn_in_its_class_colours(ds, district_fig):
    img = np.asarray(png(district_fig, 60).convert("RGB")).astype(int)
    h, w, _ = img.shape
    ax = gid(district_fig, "map")[0]
    bounds = ds.communes.to_crs(schema.METRIC_CRS).total_bounds
    corners = ax.transData.transform([(bounds[0], bounds[1]), (bounds[2], bounds[3])])
    (fx0, fy0), (fx1, fy1) = district_fig.transFigure.inverted().transform(corners)
    x0, x1 = int(fx0 * w), int(fx1 * w)
    y0, y1 = int((1 - fy1) * h), int((1 - fy0) * h)  # image rows run top-down
    assert 0 <= x0 < x1 <= w and 0 <= y0 < y1 <= h
    crop = img[y0:y1, x0:x1].reshape(-1, 3)
    background = np.array([[255, 255, 255], [247, 247, 244]])
    drawn = np.all(np.abs(crop[:, None, :] - background[None]).sum(-1) > 12, axis=1)
    assert drawn.mean() > 0.4  # the polygons fill much of the district's box

    # The commune with the largest gap (summed from funding lines) is drawn in the darkest class colour.
    gaps = gap_by_commune(ds)
    darkest = classify(gaps.to_numpy(dtype=float), "quantiles", palette="reds").color_of(float(gaps.max()))
    rgb = np.array([round(c * 255) for c in to_rgb(darkest)])
    assert (np.abs(crop - rgb).sum(axis=1) <= 6).sum() > 100


def test_legend_scale_bar_north_arrow_inset_and_footer_exist(ds, district_fig):
    for name in ("title", "legend", "scalebar", "north_arrow", "inset", "footer", "map"):
        assert len(gid(district_fig, name)) == 1, name
    # The legend's top class ends at the largest commune gap, in VND billions.
    legend = gid(district_fig, "legend")[0]
    gaps = gap_by_commune(ds)
    labels = [tx.get_text() for tx in legend.get_texts()]
    assert labels[-1].endswith(fmt.number(gaps.max() / 1e9, "en", 1))
    assert "VND billion" in legend.get_title().get_text()
    # Every commune is labelled with its Vietnamese name.
    names = {a.get_text() for a in district_fig.findobj() if str(a.get_gid()).startswith("label-")}
    assert names == set(ds.communes["name"])


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_footer_states_quality_sources_crs_and_date(ds, lang):
    fig = render.render_map(ds, "gap", lang=lang, layers=("risk_zones",), date="2026-01-02")
    text = " ".join(a.get_text().replace("\n", " ") for a in fig.texts
                    if a.get_gid() in ("footer", "footer_quality"))
    assert schema.QUALITY_LABELS[schema.Quality.APPROXIMATE](lang) in text   # boundaries
    assert schema.QUALITY_LABELS[schema.Quality.ILLUSTRATIVE](lang) in text  # projects, risk zones
    for layer in ("communes", "projects", "funding", "risk_zones"):
        assert ds.provenance[layer].title(lang) in text
    assert "EPSG:9205" in text and "2026-01-02" in text


def glyph_warnings(record):
    return [str(w.message) for w in record if "glyph" in str(w.message).lower() or "missing" in str(w.message).lower()]


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_vietnamese_text_renders_without_missing_glyphs(ds, lang):
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        fig = render.render_map(ds, "gap", lang=lang, title=VIETNAMESE, subtitle=VIETNAMESE,
                                layers=render.MAP_LAYERS, highlight="03406")
        for f in render.FORMATS:
            render.save_map(fig, io.BytesIO(), f, 40)
    assert glyph_warnings(record) == []


def test_missing_glyph_check_catches_a_font_gap(ds):
    # Control for the test above: a character DejaVu Sans lacks does warn, so silence means coverage.
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        fig = render.render_map(ds, "gap", lang="vi", title="漢字")
        render.save_map(fig, io.BytesIO(), "png", 30)
    assert glyph_warnings(record)


def test_pdf_and_svg_are_valid_documents_of_the_paper_size(ds):
    fig = render.render_map(ds, "n_projects", lang="vi", paper="A3", orientation="portrait")
    pdf, svg = io.BytesIO(), io.BytesIO()
    render.save_map(fig, pdf, "pdf", metadata=render.map_metadata(fig))
    render.save_map(fig, svg, "svg")
    assert pdf.getvalue().startswith(b"%PDF")
    page = PdfReader(io.BytesIO(pdf.getvalue())).pages[0]
    assert float(page.mediabox.width) == pytest.approx(297 / 25.4 * 72, abs=1)
    assert float(page.mediabox.height) == pytest.approx(420 / 25.4 * 72, abs=1)
    root = ET.fromstring(svg.getvalue())
    assert root.tag.endswith("svg")


def test_save_map_takes_the_format_from_the_extension(ds, tmp_path):
    fig = render.render_map(ds, "gap", lang="en")
    render.save_map(fig, tmp_path / "m.pdf", dpi=30)
    assert (tmp_path / "m.pdf").read_bytes().startswith(b"%PDF")
    with pytest.raises(ValueError, match="png"):
        render.save_map(fig, tmp_path / "m.jpg", dpi=30)


def test_highlight_zooms_to_the_commune_and_lists_its_figures(ds):
    code = "03424"  # Bản Bo
    fig = render.render_map(ds, "gap", lang="vi", highlight=code)
    box = gid(fig, "highlight_box")[0].get_text()
    assert fmt.vnd(gap_by_commune(ds)[code], "vi") in box
    assert "Xã Bản Bo" in gid(fig, "title")[0].get_text()
    ax = gid(fig, "map")[0]
    district = ds.communes.to_crs(schema.METRIC_CRS)
    one = district[district["code"] == code].total_bounds
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    assert x0 <= one[0] and one[2] <= x1 and y0 <= one[1] and one[3] <= y1  # the commune is in view
    assert (x1 - x0) < (district.total_bounds[2] - district.total_bounds[0])  # zoomed in, not the district


def test_layers_appear_in_the_legend_with_their_quality(ds):
    fig = render.render_map(ds, "gap", lang="en", layers=render.MAP_LAYERS)
    labels = " ".join(tx.get_text().replace("\n", " ") for tx in gid(fig, "legend")[0].get_texts())
    for crop in set(ds.crop_zones["crop"]):
        assert schema.CROPS[crop].en in labels
    active = ds.projects[ds.projects["status"] != "cancelled"]
    geocoded = int((active["lon"].notna() & active["lat"].notna()).sum())
    assert f"({geocoded} of {len(active)})" in labels
    assert "(illustrative)" in labels


def test_filters_change_the_mapped_values(ds):
    all_fig = render.render_map(ds, "n_projects", lang="en")
    one_fig = render.render_map(ds, "n_projects", lang="en", filters=Filters(content_areas=(3,)))
    def top(fig):
        return gid(fig, "legend")[0].get_texts()[-1].get_text()
    active = ds.projects[ds.projects["status"] != "cancelled"]
    assert top(all_fig).endswith(str(active.groupby("commune_code").size().max()))
    assert top(one_fig).endswith(str(active[active["content_area"] == 3].groupby("commune_code").size().max()))
    assert "Content area: 3" in gid(one_fig, "subtitle")[0].get_text()


def test_bad_inputs_are_refused_with_the_valid_choices(ds):
    with pytest.raises(ValueError, match="funding_gap"):
        render.render_map(ds, "gapp")
    with pytest.raises(ValueError, match="risk_zones"):
        render.render_map(ds, "gap", layers=("roads",))
    with pytest.raises(ValueError, match="99999"):
        render.render_map(ds, "gap", highlight="99999")


def test_legend_labels_per_language_from_hand_made_classes():
    c = classify([0, 500_000_000, 1_000_000_000, 2_000_000_000, 4_000_000_000], "equal_interval", k=2)
    assert render.legend_labels(c, "gap", "vi") == ("Vốn còn thiếu (tỷ ₫)", ["0 hoặc không có dự án", "0,5 – 2,0", "2,0 – 4,0"])
    assert render.legend_labels(c, "gap", "en") == ("Funding gap (VND billion)", ["0 or no project", "0.5 – 2.0", "2.0 – 4.0"])
    small = classify([0, 100_000_000, 800_000_000], "equal_interval", k=2)  # two values: a class each
    assert render.legend_labels(small, "need", "en")[1] == ["0 or no project", "100.0", "800.0"]
    assert render.legend_labels(small, "need", "en")[0] == "Funding need (VND million)"
    tea = classify([0, 0, 0, 812.3, float("nan")], "quantiles")
    assert render.legend_labels(tea, "ha_tea", "vi")[1] == ["0", "812,3", "Không có số liệu"]  # tooltips' wording
