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
