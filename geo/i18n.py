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
    "nav.data": ("Quản lý dữ liệu", "Data management"),
    "data.heading": ("Quản lý dữ liệu", "Data management"),
    "data.intro": (
        "Dữ liệu của huyện được lưu trong một tệp GeoPackage trên máy này: {path}. Mọi thay đổi dự án đều được ghi lại.",
        "The district's data is kept in one GeoPackage file on this computer: {path}. Every project change is logged.",
    ),
    "data.user": ("Tên người sửa (ghi vào nhật ký)", "Your name (for the change log)"),
    "data.tab_projects": ("Dự án", "Projects"),
    "data.tab_import": ("Nhập dự án", "Import projects"),
    "data.tab_layer": ("Nhập lớp bản đồ", "Import layer"),
    "data.tab_export": ("Xuất dữ liệu", "Export"),
    "data.tab_log": ("Nhật ký thay đổi", "Change log"),
    "data.pick": ("Chọn dự án", "Choose a project"),
    "data.new": ("+ Dự án mới", "+ New project"),
    "data.revision": ("Phiên bản {rev}", "Revision {rev}"),
    "data.lines": ("Nguồn vốn (VND)", "Funding lines (VND)"),
    "data.allow_over": ("Xác nhận: vốn cam kết vượt nhu cầu là đúng", "Confirm: committed above need is correct"),
    "data.save": ("Lưu", "Save"),
    "data.saved": ("Đã lưu {pid} (phiên bản {rev}).", "Saved {pid} (revision {rev})."),
    "data.invalid": ("Chưa lưu. Sửa các trường sau:", "Not saved. Fix these fields:"),
    "data.field": ("Trường '{field}'", "Field '{field}'"),
    "data.line": ("dòng vốn {n}", "funding line {n}"),
    "data.delete": ("Xóa dự án này", "Delete this project"),
    "data.delete_confirm": ("Tôi chắc chắn muốn xóa", "I am sure I want to delete it"),
    "data.deleted": ("Đã xóa {pid}. Có thể khôi phục trong lịch sử.", "Deleted {pid}. It can be restored from its history."),
    "data.conflict": (
        "Người khác đã sửa dự án này sau khi bạn mở nó. Hãy so sánh hai phiên bản và chọn.",
        "Someone else changed this project after you opened it. Compare both versions and choose.",
    ),
    "data.conflict_mine": ("Phiên bản của bạn (chưa lưu)", "Your version (not saved)"),
    "data.conflict_theirs": ("Phiên bản đang lưu", "The stored version"),
    "data.conflict_deleted": ("Dự án đã bị xóa.", "The project has been deleted."),
    "data.keep_mine": ("Ghi đè bằng phiên bản của tôi", "Overwrite with my version"),
    "data.keep_theirs": ("Bỏ thay đổi của tôi", "Discard my changes"),
    "data.history": ("Lịch sử thay đổi", "Change history"),
    "data.no_history": ("Chưa có thay đổi nào từ khi cài đặt.", "No changes since installation."),
    "data.restore_pick": ("Phiên bản để khôi phục", "Version to restore"),
    "data.version_after": ("Sau thay đổi #{id}", "After change #{id}"),
    "data.version_before": ("Trước thay đổi #{id}", "Before change #{id}"),
    "data.deleted_pick": ("Dự án đã xóa", "Deleted project"),
    "data.restore": ("Khôi phục phiên bản này", "Restore this version"),
    "data.restored": ("Đã khôi phục phiên bản #{id}.", "Restored version #{id}."),
    "data.col_when": ("Thời điểm (UTC)", "When (UTC)"),
    "data.col_who": ("Người sửa", "Who"),
    "data.col_action": ("Thao tác", "Action"),
    "data.col_note": ("Ghi chú", "Note"),
    "data.col_row": ("Dòng", "Row"),
    "data.col_column": ("Cột", "Column"),
    "data.col_problem": ("Vấn đề", "Problem"),
    "data.template": ("Tải mẫu Excel", "Download the Excel template"),
    "data.template_help": (
        "Mỗi dòng là một dự án × một nguồn vốn. Nhận tệp CSV (UTF-8, UTF-16, Windows-1258) hoặc Excel, tối đa {mb} MB.",
        "One row per project × funding source. CSV (UTF-8, UTF-16, Windows-1258) or Excel, up to {mb} MB.",
    ),
    "data.upload_table": ("Tệp dự án (CSV hoặc Excel)", "Project file (CSV or Excel)"),
    "data.preview_summary": (
        "{file}: mã hóa {enc}; {n} dự án — {new} mới, {changed} thay đổi.",
        "{file}: encoding {enc}; {n} projects — {new} new, {changed} changed.",
    ),
    "data.problems": ("Chưa thể nhập. Sửa các vấn đề sau trong tệp rồi tải lên lại:", "Cannot import yet. Fix these problems in the file and upload it again:"),
    "data.warnings": ("Cần xem lại:", "Please review:"),
    "data.matches": ("Đối chiếu tên xã → mã GSO", "Commune names → GSO codes"),
    "data.nothing_written": ("Chưa ghi gì vào dữ liệu.", "Nothing has been written yet."),
    "data.confirm_import": ("Xác nhận nhập (tất cả hoặc không gì cả)", "Confirm import (all or nothing)"),
    "data.imported": (
        "Đã nhập: {created} mới, {updated} cập nhật, {unchanged} không đổi.",
        "Imported: {created} created, {updated} updated, {unchanged} unchanged.",
    ),
    "data.layer_kind": ("Loại lớp", "Layer kind"),
    "data.kind.communes": ("Ranh giới xã (thay ranh giới gần đúng)", "Commune boundaries (replace the approximate ones)"),
    "data.kind.crops": ("Vùng cây trồng", "Crop zones"),
    "data.kind.risk": ("Vùng nguy cơ sạt lở", "Landslide risk zones"),
    "data.kind.project-locations": ("Vị trí dự án (điểm có mã dự án)", "Project locations (points with a project ID)"),
    "data.upload_layer": ("Tệp bản đồ (GeoJSON, Shapefile nén .zip, GeoPackage, KML)", "Map file (GeoJSON, zipped Shapefile, GeoPackage, KML)"),
    "data.crs": ("Hệ tọa độ", "Coordinate system"),
    "data.crs_auto": ("Theo tệp", "As in the file"),
    "data.crs_needed": ("Cần xác nhận hệ tọa độ:", "Please confirm the coordinate system:"),
    "data.prov": ("Nguồn gốc của lớp (bắt buộc)", "Where this layer comes from (required)"),
    "data.prov_source": ("Nguồn (cơ quan, tài liệu)", "Source (agency, document)"),
    "data.prov_licence": ("Giấy phép / điều kiện sử dụng", "Licence / terms of use"),
    "data.prov_date": ("Ngày của dữ liệu (YYYY-MM-DD)", "Date of the data (YYYY-MM-DD)"),
    "data.prov_method": ("Phương pháp (không bắt buộc)", "Method (optional)"),
    "data.repairs": ("Đã sửa tự động:", "Repaired automatically:"),
    "data.layer_ready": ("{n} đối tượng sẵn sàng, hệ tọa độ gốc: {crs}.", "{n} features ready; original CRS: {crs}."),
    "data.confirm_layer": ("Xác nhận thay lớp này", "Confirm: replace this layer"),
    "data.layer_done": ("Đã lưu: {summary}", "Stored: {summary}"),
    "data.format": ("Định dạng", "Format"),
    "data.fmt.gpkg": ("GeoPackage (mọi lớp, mở bằng QGIS)", "GeoPackage (all layers, opens in QGIS)"),
    "data.fmt.geojson": ("GeoJSON từng lớp (.zip)", "GeoJSON per layer (.zip)"),
    "data.fmt.csv": ("CSV bảng dự án", "CSV of the project table"),
    "data.fmt.xlsx": ("Excel bảng dự án", "Excel of the project table"),
    "data.hxl": ("Thêm dòng thẻ HXL", "Add an HXL hashtag row"),
    "data.download": ("Tải xuống", "Download"),
    "data.export_note": (
        "Mọi tệp xuất đều kèm nguồn gốc và mức độ tin cậy của từng lớp.",
        "Every export carries the source and quality of each layer.",
    ),
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
