"""The translation catalog: every UI and export string, Vietnamese first, English for donors.

Pages and exports call :func:`t`; no user-facing sentence is written anywhere
else. Labels of schema enums (content areas, sources, statuses) live on the enums
in :mod:`geo.schema`. Add new keys in the section of the feature that uses them.

Examples
--------
>>> t("app.title", "en")
'Tam Đường Investment Atlas'
>>> t("common.n_projects", "vi", n=3)
'3 dự án'
"""

from __future__ import annotations

LANGS: dict[str, str] = {"vi": "Tiếng Việt", "en": "English"}
DEFAULT_LANG = "vi"

CATALOG: dict[str, tuple[str, str]] = {
    # --- app and navigation -------------------------------------------------------
    "app.title": ("Bản đồ Đầu tư Tam Đường", "Tam Đường Investment Atlas"),
    "app.subtitle": (
        "Thu hút hợp tác quốc tế hỗ trợ vùng đồng bào dân tộc thiểu số, huyện Tam Đường (Lai Châu), 2021–2025",
        "International cooperation for ethnic-minority areas, Tam Đường district (Lai Châu), 2021–2025",
    ),
    "app.language": ("Ngôn ngữ / Language", "Ngôn ngữ / Language"),
    "nav.overview": ("Tổng quan", "Overview"),
    "nav.sources": ("Nguồn dữ liệu", "Data sources"),
    # --- common -----------------------------------------------------------------------
    "common.n_projects": ("{n} dự án", "{n} projects"),
    "common.commune": ("Xã, thị trấn", "Commune"),
    "common.code": ("Mã", "Code"),
    "common.need": ("Nhu cầu vốn", "Need"),
    "common.committed": ("Đã cam kết", "Committed"),
    "common.disbursed": ("Đã giải ngân", "Disbursed"),
    "common.gap": ("Còn thiếu", "Gap"),
    "common.area_km2": ("Diện tích (km²)", "Area (km²)"),
    "common.population": ("Dân số", "Population"),
    "common.quality": ("Chất lượng dữ liệu", "Data quality"),
    "common.source": ("Nguồn", "Source"),
    "common.licence": ("Giấy phép", "Licence"),
    "common.date": ("Ngày", "Date"),
    "common.method": ("Phương pháp", "Method"),
    "common.layer": ("Lớp dữ liệu", "Layer"),
    "common.illustrative_banner": (
        "Dữ liệu dự án và vùng nguy cơ là MINH HỌA, không phải số liệu chính thức. "
        "Ranh giới xã là GẦN ĐÚNG. Thay bằng dữ liệu chính thức của huyện trước khi sử dụng.",
        "Project and risk-zone data are ILLUSTRATIVE, not official figures. "
        "Commune boundaries are APPROXIMATE. Replace them with the district's official data before use.",
    ),
    "common.data_error": ("Dữ liệu không hợp lệ:", "The data has problems:"),
    # --- filters (shared sidebar) -------------------------------------------------------
    "filters.heading": ("Bộ lọc", "Filters"),
    "filters.content_area": ("Nội dung thu hút", "Content area"),
    "filters.source": ("Nguồn vốn", "Funding source"),
    "filters.status": ("Trạng thái", "Status"),
    "filters.years": ("Năm thực hiện", "Years"),
    "filters.donor": ("Nhà tài trợ", "Donor"),
    "filters.all": ("Tất cả", "All"),
    "filters.all_but_cancelled": ("Tất cả (trừ đã hủy)", "All (except cancelled)"),
    # --- overview page ------------------------------------------------------------------
    "overview.heading": ("Tổng quan huyện", "District overview"),
    "overview.metric_need": ("Tổng nhu cầu vốn", "Total need"),
    "overview.metric_committed": ("Đã cam kết", "Committed"),
    "overview.metric_gap": ("Vốn còn thiếu", "Funding gap"),
    "overview.metric_projects": ("Số dự án", "Projects"),
    "overview.table": ("Chỉ số theo xã", "Indicators by commune"),
    "overview.by_area": ("Theo nội dung thu hút", "By content area"),
    # --- data sources page -------------------------------------------------------------
    "sources.heading": ("Nguồn và chất lượng dữ liệu", "Data sources and quality"),
    "sources.intro": (
        "Mỗi lớp dữ liệu ghi rõ nguồn, giấy phép, ngày và mức độ tin cậy.",
        "Every layer states its source, licence, date and quality.",
    ),
    # --- map explorer (issue 3) -----------------------------------------------------------
    # --- funding gaps (issue 4) -------------------------------------------------------------
    # --- donor pitch (issue 5) ---------------------------------------------------------------
    # --- print map (issue 6) -------------------------------------------------------------------
    "print.district": ("Huyện Tam Đường, tỉnh Lai Châu", "Tam Đường district, Lai Châu province"),
    "print.all_projects": ("Mọi dự án trừ đã hủy", "All projects except cancelled"),
    "print.years": ("Năm {lo}–{hi}", "Years {lo}–{hi}"),
    "print.atlas_title": ("{commune}: {indicator}", "{commune}: {indicator}"),
    "print.north": ("B", "N"),
    "print.no_data": ("Không có dữ liệu", "No data"),
    "print.layers": ("Lớp bản đồ", "Map layers"),
    "print.risk_high": ("Nguy cơ sạt lở cao", "High landslide risk"),
    "print.risk_medium": ("Nguy cơ sạt lở trung bình", "Medium landslide risk"),
    "print.event": ("Sạt lở, lũ quét đã báo cáo", "Reported landslide or flash flood"),
    "print.projects": ("Dự án có tọa độ ({n}/{total})", "Projects with coordinates ({n} of {total})"),
    "print.highlighted": ("Xã đang xem", "This commune"),
    "print.inset": ("Vị trí trong huyện", "Location in the district"),
    "print.not_official": ("KHÔNG PHẢI SỐ LIỆU CHÍNH THỨC", "NOT OFFICIAL DATA"),
    "print.sources": ("Nguồn", "Sources"),
    "print.crs": ("Hệ tọa độ VN-2000 / TM-3 kinh tuyến trục 103°00′ (EPSG:9205)",
                  "Coordinate system VN-2000 / TM-3 103-00 (EPSG:9205)"),
    "print.made": ("Ngày lập: {date}", "Made on {date}"),
    "print.box_quality": ("Số liệu dự án, vốn: {quality}", "Project and funding figures: {quality}"),
    "print.value": ("Giá trị trên bản đồ", "Mapped value"),
    "print.crops": ("Vùng cây trồng", "Crop zones"),
    "print.heading": ("Xuất bản đồ để in", "Print-quality map"),
    "print.paper": ("Khổ giấy", "Paper"),
    "print.orientation": ("Hướng giấy", "Orientation"),
    "print.landscape": ("Ngang", "Landscape"),
    "print.portrait": ("Dọc", "Portrait"),
    "print.format": ("Định dạng", "Format"),
    "print.dpi": ("Độ phân giải (dpi)", "Resolution (dpi)"),
    "print.download": ("Tải bản đồ {fmt}", "Download {fmt} map"),
    "print.size": ("{w} × {h} điểm ảnh ở {dpi} dpi; có chú giải, thước tỷ lệ, hướng bắc và nguồn dữ liệu.",
                   "{w} × {h} pixels at {dpi} dpi, with legend, scale bar, north arrow and data sources."),
    "print.vector": ("Bản đồ vectơ khổ {paper}; có chú giải, thước tỷ lệ, hướng bắc và nguồn dữ liệu.",
                     "Vector map on {paper} paper, with legend, scale bar, north arrow and data sources."),
    # --- data management (issue 7) ---------------------------------------------------------------
    # --- 2025 units (issue 8) ------------------------------------------------------------------
    # --- command line ------------------------------------------------------------------------------
    "cli.description": (
        "Bản đồ Đầu tư Tam Đường: các lệnh xử lý hàng loạt",
        "Tam Đường Investment Atlas: batch commands",
    ),
}


def t(key: str, lang: str = DEFAULT_LANG, **values: object) -> str:
    """The string for ``key`` in ``lang`` (``"vi"`` or ``"en"``), formatted with ``values``.

    An unknown key raises ``KeyError``: a missing translation is a bug, not a blank label.
    """
    vi, en = CATALOG[key]
    text = en if lang == "en" else vi
    return text.format(**values) if values else text
