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
    "units.switch": ("Đơn vị hành chính", "Administrative units"),
    "units.partial_note": (
        "Một phần của đơn vị mới: chỉ hiển thị các xã cũ thuộc Tam Đường",
        "Part of the new unit: only the former Tam Đường communes are shown",
    ),
    "units.caption_2021": (
        "Số liệu theo {n} xã, thị trấn của huyện Tam Đường (kế hoạch 2021–2025), trước ngày 1/7/2025.",
        "Figures by the {n} communes and township of Tam Đường district (the 2021–2025 plan), before 1 July 2025.",
    ),
    "units.caption_2025": (
        "Số liệu theo {n} xã, phường từ 1/7/2025 ({source}). Ranh giới là hợp các xã cũ; số liệu cộng lại từ dự án.",
        "Figures by the {n} communes and wards from 1 July 2025 ({source}). "
        "Boundaries are the merged former communes; figures are summed from the projects.",
    ),
    "units.version_line": ("Đơn vị hành chính: {label}", "Administrative units: {label}"),
    "units.version_line_2025": (
        "Đơn vị hành chính: {label} ({source})",
        "Administrative units: {label} ({source})",
    ),
    "units.table_2025": ("Chỉ số theo xã, phường từ 1/7/2025", "Indicators by commune or ward from 1 July 2025"),
    "units.unit": ("Xã, phường (từ 1/7/2025)", "Commune or ward (from 1/7/2025)"),
    "units.former": ("Gồm các xã cũ", "Former units"),
    "units.note": ("Ghi chú", "Note"),
    "units.official_area": ("Diện tích cả đơn vị mới (km²)", "Area of the whole new unit (km²)"),
    "units.unallocated_heading": (
        "Dự án không xếp được vào một xã cũ", "Projects that cannot be placed in one former commune",
    ),
    "units.unallocated_explain": (
        "Các dự án này được nhập theo đơn vị mới gồm nhiều xã cũ (hoặc cả phần ngoài huyện cũ). "
        "Số tiền không bị chia nhỏ: được tính vào tổng của huyện nhưng không vào xã cũ nào.",
        "These projects are keyed by a new unit that spans several former communes (or territory outside the "
        "former district). Their amounts are not split: they count in the district total but in no former commune.",
    ),
    "units.unallocated_total": (
        "Chưa phân bổ cho xã cũ: {amount} nhu cầu vốn, {n} dự án",
        "Not allocated to a former commune: {amount} need, {n} projects",
    ),
    "units.project": ("Dự án", "Project"),
    "units.new_unit": ("Đơn vị mới", "New unit"),
    "units.could_lie_in": ("Có thể thuộc", "Could lie in"),
    "units.outside": ("phần ngoài huyện cũ", "territory outside the former district"),
    "units.cli_wrote": ("Đã ghi {n} đơn vị ({label}) vào {path}", "Wrote {n} units ({label}) to {path}"),
    "units.cli_unallocated": (
        "{n} dự án không xếp được vào một xã cũ (xem mục \"unallocated\")",
        "{n} projects cannot be placed in one former commune (see the \"unallocated\" member)",
    ),
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
