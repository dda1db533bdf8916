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
    "map.nav": ("Bản đồ", "Map explorer"),
    "map.heading": ("Bản đồ các xã, thị trấn", "Map of the communes"),
    "map.indicator": ("Chỉ số tô màu", "Colour communes by"),
    "map.scheme": ("Cách chia lớp", "Class breaks"),
    "map.layers": ("Lớp bản đồ", "Map layers"),
    "map.layer_crop_zones": ("Vùng cây trồng", "Crop zones"),
    "map.layer_risk_zones": ("Vùng nguy cơ sạt lở", "Landslide risk zones"),
    "map.layer_landslide_events": ("Sạt lở đã báo cáo", "Reported landslides"),
    "map.layer_projects": ("Dự án có tọa độ", "Projects with a location"),
    "map.layer_labels": ("Tên xã", "Commune names"),
    "map.online_basemap": ("Nền OSM (trực tuyến)", "OSM basemap (online)"),
    "map.online_help": (
        "Chỉ bật khi có Internet. Khi không có mạng, bản đồ vẫn đọc được nhờ ranh giới và tên xã.",
        "Switch on only with internet. Offline the map stays readable from outlines and names.",
    ),
    "map.legend_title": ("Chú giải", "Legend"),
    "map.legend_risk": ("Vùng nguy cơ sạt lở (minh họa)", "Landslide risk zones (illustrative)"),
    "map.legend_crops": ("Vùng cây trồng (minh họa)", "Crop zones (illustrative)"),
    "map.legend_events": ("Sạt lở, lũ quét đã báo cáo", "Reported landslide or flash flood"),
    "map.legend_projects": ("Dự án (minh họa), theo trạng thái", "Projects (illustrative), by status"),
    "map.legend_events_title": ("Thiên tai", "Hazards"),
    "map.short_communes": ("ranh giới xã", "commune boundaries"),
    "map.short_projects": ("dự án", "projects"),
    "map.short_funding": ("nguồn vốn", "funding"),
    "map.short_crop_zones": ("vùng cây trồng", "crop zones"),
    "map.short_risk_zones": ("vùng nguy cơ sạt lở", "landslide risk zones"),
    "map.short_landslide_events": ("vị trí sạt lở đã báo cáo", "reported landslide locations"),
    "map.note_title": ("Không phải số liệu chính thức", "Not official figures"),
    "map.no_data": ("không có số liệu", "no data"),
    "map.not_reported": ("chưa có số liệu", "not reported"),
    "map.date_unknown": ("không rõ ngày", "date unknown"),
    "map.illustrative": ("minh họa", "illustrative"),
    "map.boundary_quality": ("ranh giới gần đúng", "approximate boundary"),
    "map.shape_invented": ("vị trí, hình dạng minh họa", "illustrative location and shape"),
    "map.tt_boundary": ("Ranh giới", "Boundary"),
    "map.tt_crop": ("Cây trồng", "Crop"),
    "map.tt_reported_area": ("Diện tích báo cáo", "Reported area"),
    "map.tt_shape": ("Hình vùng", "Zone shape"),
    "map.tt_date": ("Ngày", "Date"),
    "map.tt_event": ("Sự kiện", "Event"),
    "map.tt_accuracy": ("Độ chính xác vị trí", "Location accuracy"),
    "map.tt_project": ("Dự án", "Project"),
    "map.located": (
        "{n}/{total} dự án (theo bộ lọc) có tọa độ và hiện trên bản đồ; các dự án khác chỉ có trong bảng.",
        "{n} of {total} projects (as filtered) have a location and appear on the map; the others are in the tables only.",
    ),
    "map.click_prompt": (
        "Nhấp vào một xã trên bản đồ (hoặc chọn trong danh sách) để xem chi tiết.",
        "Click a commune on the map (or choose it from the list) to see its details.",
    ),
    "map.choose": ("Xã, thị trấn đang xem", "Commune shown"),
    "map.choose_none": ("— chọn xã —", "— choose a commune —"),
    "map.detail_figure": ("Chỉ số", "Indicator"),
    "map.detail_value": ("Giá trị", "Value"),
    "map.detail_projects": ("Dự án", "Projects"),
    "map.detail_by_source": ("Vốn theo nguồn", "Funding by source"),
    "map.detail_crops": ("Cây trồng (ha, minh họa)", "Crops (ha, illustrative)"),
    "map.detail_events": ("Sạt lở, lũ quét đã báo cáo", "Reported landslides and flash floods"),
    "map.detail_provenance": ("Nguồn dữ liệu", "Data provenance"),
    "map.no_projects": ("Không có dự án nào khớp bộ lọc.", "No project matches the filters."),
    "map.no_events": ("Chưa có sự kiện nào được báo cáo trong xã.", "No event reported in this commune."),
    "map.col_project": ("Dự án", "Project"),
    "map.col_years": ("Năm", "Years"),
    "map.col_donor": ("Nhà tài trợ", "Donor"),
    "map.col_crop": ("Cây trồng", "Crop"),
    "map.col_ha": ("Diện tích (ha)", "Area (ha)"),
    "map.col_deaths": ("Người chết", "Deaths"),
    "map.col_injured": ("Bị thương", "Injured"),
    "map.risk_share": ("Nguy cơ sạt lở cao (minh họa)", "High landslide risk (illustrative)"),
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
