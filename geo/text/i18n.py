"""The translation catalog: every UI and export string, Vietnamese first, English for donors.

Pages and exports call :func:`t`; no user-facing sentence is written anywhere
else. Names of enumeration members (qualities, content areas, sources, statuses, crops,
units) are :class:`geo.model.schema.Label` objects on the model, called as ``label(lang)``:
those two are the only bilingual mechanisms. Figures inside a sentence arrive already
formatted by :mod:`geo.text.fmt` (``{share}`` is ``"12,5%"``), so a catalogue string never
writes its own unit or separator. Add new keys in the section of the feature that uses them.

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
        "Thu hút hợp tác quốc tế hỗ trợ vùng đồng bào dân tộc thiểu số — {district}, {province}",
        "International cooperation for ethnic-minority areas — {district}, {province}",
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
    "common.notice_illustrative": ("MINH HỌA, không phải số liệu chính thức: {layers}.",
                                   "ILLUSTRATIVE, not official figures: {layers}."),
    "common.notice_approximate": ("GẦN ĐÚNG: {layers}.", "APPROXIMATE: {layers}."),
    "common.notice_replace": ("Thay bằng dữ liệu chính thức trước khi sử dụng.",
                              "Replace them with official data before use."),
    "common.data_error": ("Dữ liệu không hợp lệ:", "The data has problems:"),
    # --- filters (shared sidebar) -------------------------------------------------------
    "filters.heading": ("Bộ lọc", "Filters"),
    "filters.content_area": ("Nội dung thu hút", "Content area"),
    "filters.source": ("Nguồn vốn", "Funding source"),
    "filters.status": ("Trạng thái", "Status"),
    "filters.years": ("Năm thực hiện", "Years"),
    "filters.donor": ("Nhà tài trợ", "Donor"),
    "filters.high_risk": ("Chỉ dự án trong vùng nguy cơ sạt lở cao", "Only projects in a high landslide-risk zone"),
    "filters.high_risk_help": (
        "Dự án có tọa độ nằm trong vùng nguy cơ sạt lở cao hoặc rất cao; dự án chưa có tọa độ bị loại ra.",
        "Projects whose coordinates lie inside a high or very high landslide-risk zone; projects without "
        "coordinates are left out.",
    ),
    "filters.high_risk_short": ("Trong vùng nguy cơ sạt lở cao", "In a high landslide-risk zone"),
    "filters.all": ("Tất cả", "All"),
    # --- landslide-risk exposure (issue 18) -----------------------------------------------
    "exposure.heading": ("Dự án trong vùng nguy cơ sạt lở", "Projects in landslide-risk zones"),
    "exposure.col.level": ("Mức nguy cơ", "Risk class"),
    "exposure.col.count": ("Số dự án", "Projects"),
    "exposure.col.names": ("Tên dự án", "Project names"),
    "exposure.col.n_high": ("Dự án trong vùng nguy cơ cao", "Projects in high-risk zones"),
    "exposure.col.n_medium": ("Dự án trong vùng nguy cơ trung bình", "Projects in medium-risk zones"),
    "exposure.col.projects_high": ("Tên dự án (nguy cơ cao)", "Project names (high risk)"),
    "exposure.col.projects_medium": ("Tên dự án (nguy cơ trung bình)", "Project names (medium risk)"),
    # five classes of an official zoning map (issue 19)
    "exposure.col.n_very_high": ("Dự án trong vùng nguy cơ rất cao", "Projects in very high-risk zones"),
    "exposure.col.n_low": ("Dự án trong vùng nguy cơ thấp", "Projects in low-risk zones"),
    "exposure.col.n_very_low": ("Dự án trong vùng nguy cơ rất thấp", "Projects in very low-risk zones"),
    "exposure.col.projects_very_high": ("Tên dự án (nguy cơ rất cao)", "Project names (very high risk)"),
    "exposure.col.projects_low": ("Tên dự án (nguy cơ thấp)", "Project names (low risk)"),
    "exposure.col.projects_very_low": ("Tên dự án (nguy cơ rất thấp)", "Project names (very low risk)"),
    "exposure.col.share_very_high": ("Diện tích nguy cơ rất cao", "Area at very high risk"),
    "exposure.col.share_high": ("Diện tích nguy cơ cao", "Area at high risk"),
    "exposure.col.share_medium": ("Diện tích nguy cơ trung bình", "Area at medium risk"),
    "exposure.col.share_low": ("Diện tích nguy cơ thấp", "Area at low risk"),
    "exposure.col.share_very_low": ("Diện tích nguy cơ rất thấp", "Area at very low risk"),
    "exposure.col.share": ("Tỷ lệ diện tích", "Share of area"),
    "exposure.shares_method": (
        "Tỷ lệ diện tích của xã theo từng mức nguy cơ, tính trong hệ tọa độ mét; nơi các vùng chồng nhau, "
        "phần chồng tính cho mức cao hơn.",
        "Share of each commune's area in each risk class, measured in metres; where zones overlap, the overlap "
        "counts for the higher class.",
    ),
    "exposure.method": (
        "Một dự án nằm trong một vùng khi tọa độ của nó nằm trong vùng đó; nơi các vùng chồng nhau, tính mức cao hơn. "
        "{n} dự án chưa có tọa độ không được tính.",
        "A project is in a zone when its coordinates lie inside it; where zones overlap, the higher class counts. "
        "{n} projects without coordinates are not counted.",
    ),
    "exposure.none": ("Không có dự án có tọa độ nào nằm trong vùng nguy cơ sạt lở.",
                      "No project with coordinates lies in a landslide-risk zone."),
    "filters.all_but_cancelled": ("Tất cả (trừ bị từ chối, đã hủy)", "All (except rejected and cancelled)"),
    "view.filtered": ("Đang lọc: {filters}", "Filtered: {filters}"),
    "view.link_ignored": ("Một phần của liên kết không hiểu được nên đã bỏ qua: {parts}",
                          "Part of the link was not understood and was ignored: {parts}"),
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
    "map.detail_note": ("Ghi chú", "Note"),
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
    "map.online_basemap": ("Nền trực tuyến", "Online basemap"),
    "map.offline_basemap": ("Nền địa hình", "Terrain basemap"),
    "map.offline_help": ("Nền địa hình đã nhập vào kho dữ liệu (không cần Internet); tải thêm {kb} KB khi bật",
                         "The basemap imported into the store (no internet needed); adds {kb} KB when on"),
    "map.short_basemap": ("nền địa hình", "terrain basemap"),  # short: it shares a row of three at 1024 px
    "map.online_help": (
        "Nền OpenStreetMap, chỉ bật khi có Internet. Khi không có mạng, bản đồ vẫn đọc được nhờ ranh giới và tên xã.",
        "OpenStreetMap tiles: switch on only with internet. Offline the map stays readable from outlines and names.",
    ),
    "map.legend_title": ("Chú giải", "Legend"),
    "map.legend_risk": ("Vùng nguy cơ sạt lở", "Landslide risk zones"),
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
    "legend.zero_no_project": ("{zero} hoặc không có dự án", "{zero} or no project"),
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
    "map.search": ("Tìm xã theo tên", "Find a commune by name"),
    "map.search_hint": ("gõ vài chữ, không dấu cũng được", "part of the name, accents optional"),
    "map.search_none": ("Không có xã nào có tên chứa “{q}”.", "No commune name contains “{q}”."),
    "map.search_more": ("Hiện {n} xã đầu tiên; gõ thêm để thu hẹp.", "Showing the first {n}; type more to narrow the list."),
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
    "nav.funding": ("Khoảng trống vốn", "Funding gaps"),
    "gaps.heading": ("Khoảng trống vốn, vốn đối ứng và thứ tự ưu tiên", "Funding gaps, counterpart funds and priorities"),
    "gaps.intro": (
        "Nhu cầu, vốn đã cam kết, đã giải ngân và còn thiếu theo xã, nội dung thu hút và nguồn vốn. "
        "Bộ lọc ở thanh bên áp dụng cho mọi bảng và biểu đồ.",
        "Need, committed, disbursed and gap by commune, content area and funding source. "
        "The sidebar filters apply to every table and chart.",
    ),
    "gaps.tab_gaps": ("Khoảng trống vốn", "Gaps"),
    "gaps.tab_counterpart": ("Vốn đối ứng", "Counterpart funds"),
    "gaps.tab_priorities": ("Thứ tự ưu tiên", "Priorities"),
    "gaps.tab_report": ("Báo cáo sơ kết, tổng kết", "Periodic report"),
    "gaps.usd_toggle": ("Hiển thị bằng USD", "Show in USD"),
    "gaps.usd_rate": ("Tỷ giá (₫ cho 1 USD)", "Exchange rate (VND per USD)"),
    "gaps.usd_note_sourced": (
        "Số tiền đang hiển thị bằng USD theo tỷ giá tham chiếu của bản đồ: 1 USD = {rate} ₫ (nguồn: {source}). "
        "Tệp tải về luôn tính bằng đồng (₫).",
        "Amounts are shown in USD at the atlas's reference rate: 1 USD = VND {rate} (source: {source}). "
        "Downloads are always in VND.",
    ),
    "gaps.usd_note": (
        "Số tiền đang hiển thị bằng USD theo tỷ giá do người dùng nhập: 1 USD = {rate} ₫ (không phải tỷ giá chính thức). "
        "Tệp tải về luôn tính bằng đồng (₫).",
        "Amounts are shown in USD at the rate you entered: 1 USD = VND {rate} (not an official rate). "
        "Downloads are always in VND.",
    ),
    "gaps.unknown": ("không rõ", "unknown"),
    "gaps.illustrative_tag": ("DỮ LIỆU MINH HỌA, không phải số liệu chính thức", "ILLUSTRATIVE DATA, not official figures"),
    "gaps.measures_explained": (
        "**Còn thiếu** = nhu cầu − đã cam kết, tính cho từng dòng dự án × nguồn vốn (không âm) rồi cộng lại. "
        "**Tỷ lệ nhu cầu đã có vốn** = (nhu cầu − còn thiếu) / nhu cầu. "
        "**Vốn cam kết / người** chỉ tính ở xã có số dân; xã chưa có số dân ghi *không rõ*, không ghi 0.",
        "**Gap** = need − committed, per project × source line (never negative), then summed. "
        "**Share of need covered** = (need − gap) / need. "
        "**Committed per person** only where the commune's population is known; elsewhere it reads *unknown*, never 0.",
    ),
    "gaps.measure": ("Số liệu trên biểu đồ cột", "Bar chart shows"),
    "gaps.heat_measure": ("Số liệu trên bản đồ nhiệt", "Heat map shows"),
    "gaps.chart_stacked": ("{measure} theo xã và nguồn vốn", "{measure} by commune and funding source"),
    "gaps.chart_heat": ("{measure}: xã × nội dung thu hút", "{measure}: commune × content area"),
    "gaps.heat_blank": ("Ô trống: không có dự án, hoặc {zero}. Ô dưới {small} ghi {label}.",
                        "Blank cell: no project, or {zero}. A cell below {small} reads {label}."),
    "gaps.heat_blank_share": ("Ô trống: không có dự án (không có nhu cầu vốn). Ô ghi 0: chưa có vốn nào được cam kết.",
                              "Blank cell: no project (no need). A cell reading 0: nothing committed yet."),
    "gaps.by_commune": ("Khoảng trống vốn theo xã", "Funding gaps by commune"),
    "gaps.by_area": ("Khoảng trống vốn theo nội dung thu hút", "Funding gaps by content area"),
    "gaps.by_source": ("Khoảng trống vốn theo nguồn vốn", "Funding gaps by funding source"),
    "gaps.detail": ("Chi tiết: xã × nội dung × nguồn vốn", "Detail: commune × content area × source"),
    "gaps.download_csv": ("Tải CSV", "Download CSV"),
    "gaps.download_xlsx": ("Tải Excel", "Download Excel"),
    "gaps.col.content_area": ("Nội dung thu hút", "Content area"),
    "gaps.col.share_covered": ("Tỷ lệ nhu cầu đã có vốn", "Share of need covered"),
    "gaps.col.committed_per_person": ("Vốn cam kết / người", "Committed per person"),
    "gaps.col.n_projects": ("Số dự án", "Projects"),
    "gaps.col.source": ("Nguồn vốn", "Funding source"),
    "gaps.col.group": ("Nhóm nguồn", "Source group"),
    "gaps.col.project_id": ("Mã dự án", "Project ID"),
    "gaps.col.project": ("Tên dự án", "Project"),
    "gaps.col.status": ("Trạng thái", "Status"),
    "gaps.col.start_year": ("Năm bắt đầu", "Start year"),
    "gaps.col.end_year": ("Năm kết thúc", "End year"),
    "gaps.col.donor": ("Nhà tài trợ", "Donor"),
    "gaps.col.lead_agency": ("Cơ quan chủ trì", "Lead agency"),
    "counterpart.explain": (
        "**Vốn đối ứng phải bố trí** = vốn quốc tế đã cam kết × tỷ lệ đối ứng của từng loại nguồn (làm tròn đến đồng "
        "cho từng dòng vốn). **Còn thiếu** = phải bố trí − vốn đối ứng đã cam kết (ngân sách nhà nước, cộng đồng, "
        "doanh nghiệp trong nước), không âm, tính theo từng dự án. Tổng của huyện là tổng các dự án.",
        "**Counterpart required** = committed international funds × the counterpart ratio of each source type "
        "(rounded to whole VND per funding line). **Shortfall** = required − counterpart already committed "
        "(state budget, community, domestic business), never negative, per project. District totals are sums of projects.",
    ),
    "counterpart.formula": (
        "Vốn đối ứng phải bố trí = Σ (vốn quốc tế đã cam kết × tỷ lệ đối ứng); còn thiếu = max(phải bố trí − đã cam kết, 0) theo dự án.",
        "Counterpart required = Σ (committed international funds × counterpart ratio); shortfall = max(required − committed, 0) per project.",
    ),
    "counterpart.assumption_note": (
        "Tỷ lệ đối ứng mặc định là GIẢ ĐỊNH để lập kế hoạch (viện trợ ODA 15%, vốn vay ưu đãi 20%, NGO 10%, "
        "doanh nghiệp nước ngoài 0%), không phải quy định. Tỷ lệ thực tế theo từng hiệp định tài trợ; hãy nhập lại.",
        "The default counterpart ratios are planning ASSUMPTIONS (ODA grant 15%, concessional loan 20%, NGO 10%, "
        "foreign business 0%), not rules. Real ratios are set in each financing agreement; enter them here.",
    ),
    "counterpart.by_source": ("Vốn đối ứng theo nguồn vốn quốc tế", "Counterpart by international source"),
    "counterpart.by_project": ("Vốn đối ứng theo dự án", "Counterpart by project"),
    "counterpart.by_project_note": (
        "Chỉ liệt kê dự án có vốn đối ứng phải bố trí hoặc đã cam kết; tổng cộng bằng tổng của huyện.",
        "Only projects that require or already have counterpart funds are listed; the total equals the district total.",
    ),
    "counterpart.col.international_committed": ("Vốn quốc tế đã cam kết", "International committed"),
    "counterpart.col.required": ("Vốn đối ứng phải bố trí", "Counterpart required"),
    "counterpart.col.counterpart_committed": ("Vốn đối ứng đã cam kết", "Counterpart committed"),
    "counterpart.col.shortfall": ("Vốn đối ứng còn thiếu", "Counterpart shortfall"),
    "counterpart.col.ratio": ("Tỷ lệ đối ứng (giả định)", "Counterpart ratio (assumed)"),
    "priority.formula": (
        "**Điểm ưu tiên = Σ (trọng số × thành phần) / Σ trọng số**, mỗi thành phần từ 0 đến 1 "
        "(bảng hiển thị × 100):\n"
        "- *Quy mô vốn còn thiếu*: vốn còn thiếu của dự án / mức lớn nhất trong các dự án đang xếp hạng.\n"
        "- *Mức phơi nhiễm sạt lở*: giá trị lớn nhất trong (a) vị trí dự án: 1 nếu trong vùng nguy cơ rất cao hoặc cao, "
        "0,5 nếu trung bình, 0,25 nếu thấp, 0 nếu rất thấp, ngoài vùng hoặc chưa có tọa độ; (b) tỷ lệ diện tích "
        "nguy cơ cao và rất cao của xã / tỷ lệ lớn nhất; và (c) số vụ sạt lở, lũ quét đã báo cáo trong xã / "
        "số vụ nhiều nhất của một xã.\n"
        "- *Phù hợp vùng cây trồng, chuỗi giá trị*: 1 nếu dự án thuộc nội dung 3 (chuỗi giá trị) ở xã có vùng cây "
        "trồng chủ lực, ngược lại 0.\n"
        "- *Mức độ sẵn sàng*: thứ bậc trạng thái / 5 (đề xuất 1, đã thẩm định 2, được duyệt kêu gọi tài trợ 3, đã cam kết 4, đang thực hiện 5).\n"
        "- *Chỉ số bổ sung* (nếu nhập): (giá trị − nhỏ nhất) / (lớn nhất − nhỏ nhất) theo xã; xã không có giá trị "
        "thì bỏ qua thành phần này, không tính là 0.\n\n"
        "Chỉ xếp hạng dự án còn cần vốn: còn thiếu vốn, chưa hoàn thành, không bị từ chối hay hủy. Điểm của xã = trung bình điểm các dự án trong xã.",
        "**Priority score = Σ (weight × component) / Σ weights**, each component from 0 to 1 (tables show × 100):\n"
        "- *Gap size*: the project's gap / the largest gap among the projects ranked.\n"
        "- *Landslide-risk exposure*: the largest of (a) where the project lies: 1 inside a very high- or high-risk "
        "zone, 0.5 medium, 0.25 low, 0 very low, outside or without coordinates; (b) its commune's share of area "
        "at high or very high risk / the largest share; and (c) the landslides and flash floods reported in its "
        "commune / the most reported in any commune.\n"
        "- *Crop / value-chain fit*: 1 for a content-area-3 (value-chain) project in a commune with a plan crop zone, "
        "else 0.\n"
        "- *Readiness*: status rank / 5 (proposal 1, appraised 2, approved for pitching 3, committed 4, implementing 5).\n"
        "- *Your indicator* (if entered): (value − min) / (max − min) across communes; a commune without a value "
        "leaves this component out rather than counting 0.\n\n"
        "Only projects still seeking funds are ranked: a gap above 0, not completed, rejected or cancelled. "
        "A commune's score = the mean of its projects' scores.",
    ),
    "priority.comp.gap": ("Quy mô vốn còn thiếu", "Gap size"),
    "priority.comp.risk": ("Mức phơi nhiễm sạt lở", "Landslide-risk exposure"),
    "priority.comp.crop_fit": ("Phù hợp vùng cây trồng, chuỗi giá trị", "Crop / value-chain fit"),
    "priority.comp.readiness": ("Mức độ sẵn sàng", "Readiness"),
    "priority.weights": ("Trọng số", "Weights"),
    "priority.extra_heading": ("Thêm chỉ số của bạn (ví dụ tỷ lệ hộ nghèo)", "Add your own indicator (e.g. poverty rate)"),
    "priority.extra_help": (
        "Nhập giá trị cho từng xã vào bảng, hoặc tải lên tệp CSV hai cột: xã (tên hoặc mã) và giá trị. "
        "Khi có ít nhất một giá trị, thanh trọng số của chỉ số xuất hiện.",
        "Type a value per commune into the table, or upload a two-column CSV: commune (name or code) and value. "
        "Once any value is entered, a weight slider for it appears.",
    ),
    "priority.extra_name": ("Tên chỉ số", "Indicator name"),
    "priority.extra_default_name": ("Tỷ lệ hộ nghèo (%)", "Poverty rate (%)"),
    "priority.extra_higher": ("Giá trị càng cao càng ưu tiên", "A higher value means higher priority"),
    "priority.extra_upload": ("Tải lên CSV (xã, giá trị)", "Upload CSV (commune, value)"),
    "priority.extra_unknown": (
        "Một số xã chưa có giá trị chỉ số bổ sung: với các dự án ở đó, thành phần này được bỏ qua (không tính là 0).",
        "Some communes have no value for your indicator: for their projects that component is left out (not counted as 0).",
    ),
    "priority.no_weight": ("Hãy đặt ít nhất một trọng số lớn hơn 0.", "Set at least one weight above zero."),
    "priority.no_projects": ("Không có dự án nào còn cần vốn khớp bộ lọc.", "No project still seeking funds matches the filters."),
    "priority.n_not_ranked": (
        "{n} dự án khớp bộ lọc không được xếp hạng vì đã đủ vốn, đã hoàn thành, bị từ chối hoặc đã hủy.",
        "{n} matching projects are not ranked: fully funded, completed, rejected or cancelled.",
    ),
    "priority.ranking": ("Xếp hạng ưu tiên dự án", "Project priority ranking"),
    "priority.table_note": (
        "Điểm và các thành phần hiển thị theo thang 0–100. Điểm bằng trung bình có trọng số của các thành phần.",
        "Score and components are shown on a 0–100 scale. The score is the weighted mean of the components.",
    ),
    "priority.explain": ("Giải thích điểm của một dự án", "Why a project scores what it does"),
    "priority.pick": ("Chọn dự án", "Choose a project"),
    "priority.col.rank": ("Hạng", "Rank"),
    "priority.col.score": ("Điểm ưu tiên", "Priority score"),
    "priority.col.component": ("Thành phần", "Component"),
    "priority.col.input": ("Căn cứ", "Based on"),
    "priority.col.value": ("Giá trị (0–1)", "Value (0–1)"),
    "priority.col.weight": ("Trọng số", "Weight"),
    "priority.col.points": ("Điểm đóng góp", "Points"),
    "priority.in_gap": ("còn thiếu {gap} / lớn nhất {top}", "gap {gap} / largest {top}"),
    "priority.in_risk": (
        "vị trí: {zone}; xã có {share} diện tích nguy cơ cao (lớn nhất {top}); số vụ sạt lở, "
        "lũ quét đã báo cáo trong xã: {events} (nhiều nhất {most})",
        "location: {zone}; commune {share} of area at high risk (largest {top}); landslides and "
        "flash floods reported in the commune: {events} (most {most})",
    ),
    "priority.no_zone": ("ngoài vùng nguy cơ hoặc chưa có tọa độ", "outside risk zones or no coordinates"),
    "priority.in_crop": ("{area}; xã có {ha} vùng cây trồng chủ lực", "{area}; commune has {ha} of plan crop zones"),
    "priority.in_ready": ("{status}: bậc {rank}/{top}", "{status}: rank {rank}/{top}"),
    "priority.in_extra": ("giá trị của xã: {value}", "commune value: {value}"),
    "priority.sum_line": (
        "Tổng điểm đóng góp = **{score}** (trên 100) = điểm ưu tiên của dự án.",
        "Sum of points = **{score}** (out of 100) = the project's priority score.",
    ),
    "priority.by_commune": ("Điểm ưu tiên theo xã", "Priority by commune"),
    "priority.commune_note": ("Điểm của xã = trung bình điểm các dự án trong xã đang được xếp hạng.",
                              "A commune's score = the mean score of its projects being ranked."),
    "report.explain": (
        "Một tệp Excel cho kỳ báo cáo đã chọn: các trang theo nội dung thu hút, theo xã, theo nguồn vốn, danh sách "
        "dự án, vốn đối ứng (theo tỷ lệ ở thẻ Vốn đối ứng) và nguồn dữ liệu. Báo cáo gồm mọi dự án (trừ bị từ chối, đã hủy) có "
        "thời gian thực hiện giao với kỳ báo cáo; bộ lọc ở thanh bên không áp dụng.",
        "One Excel workbook for the chosen period: sheets by content area, by commune, by funding source, the project "
        "list, counterpart funds (at the ratios in the Counterpart tab) and data provenance. It covers every project "
        "(except rejected and cancelled) whose years overlap the period; the sidebar filters do not apply.",
    ),
    "report.from": ("Từ năm", "From year"),
    "report.to": ("Đến năm", "To year"),
    "report.language": ("Ngôn ngữ báo cáo", "Report language"),
    "report.ratios_used": ("Tỷ lệ đối ứng dùng trong báo cáo: {ratios}", "Counterpart ratios used in the report: {ratios}"),
    "report.bad_period": (
        "Kỳ báo cáo không hợp lệ: năm bắt đầu {start} sau năm kết thúc {end}.",
        "Invalid period: start year {start} is after end year {end}.",
    ),
    "report.download": ("Tải {title} (Excel)", "Download {title} (Excel)"),
    "report.sheets_list": ("Các trang: {sheets}", "Sheets: {sheets}"),
    "report.title_final": (
        "Báo cáo tổng kết thu hút hợp tác quốc tế, huyện Tam Đường, giai đoạn {start}–{end}",
        "Final report on international cooperation, Tam Đường district, {start}–{end}",
    ),
    "report.title_interim": (
        "Báo cáo sơ kết thu hút hợp tác quốc tế, huyện Tam Đường, giai đoạn {start}–{end}",
        "Interim report on international cooperation, Tam Đường district, {start}–{end}",
    ),
    "report.sheet.by_area": ("Theo nội dung", "By content area"),
    "report.sheet.by_commune": ("Theo xã", "By commune"),
    "report.sheet.by_source": ("Theo nguồn vốn", "By funding source"),
    "report.sheet.projects": ("Danh sách dự án", "Projects"),
    "report.sheet.counterpart": ("Vốn đối ứng", "Counterpart funds"),
    "report.sheet.exposure": ("Dự án vùng nguy cơ sạt lở", "Landslide-risk exposure"),
    "report.sheet.provenance": ("Nguồn dữ liệu", "Data provenance"),
    # --- money over time (issue 16) ----------------------------------------------------------------------
    "money.tab": ("Theo thời gian", "Over time"),
    "money.heading": ("Cam kết và giải ngân theo thời gian", "Commitments and disbursements over time"),
    "money.explain": (
        "Các khoản cam kết, giải ngân và chi tiêu có ngày được tính vào kỳ của ngày đó. Khoản **không rõ ngày** "
        "(như tổng số trước đây của mỗi dòng vốn) được tính riêng, không chia vào năm nào.",
        "Commitments, disbursements and expenditure with a date count in the period of that date. Amounts whose "
        "**date is unknown** (such as each funding line's former total) are counted apart, never spread over years.",
    ),
    "money.from": ("Từ ngày", "From"),
    "money.to": ("Đến ngày", "To"),
    "money.freq": ("Chia theo", "Per"),
    "money.freq.year": ("năm", "year"),
    "money.freq.quarter": ("quý", "quarter"),
    "money.period": ("Kỳ", "Period"),
    "money.undated": ("Không rõ ngày", "Date unknown"),
    "money.quarter_label": ("Quý {q}/{year}", "Q{q} {year}"),
    "money.col.budget": ("Kế hoạch vốn năm", "Yearly budget"),
    "money.col.commitment": ("Cam kết", "Committed"),
    "money.col.disbursement": ("Giải ngân", "Disbursed"),
    "money.col.expenditure": ("Chi tiêu", "Spent"),
    "money.col.committed_in": ("Cam kết trong kỳ", "Committed in the period"),
    "money.col.disbursed_in": ("Giải ngân trong kỳ", "Disbursed in the period"),
    "money.col.expended_in": ("Chi tiêu trong kỳ", "Spent in the period"),
    "money.col.committed_to_end": ("Cam kết lũy kế đến cuối kỳ", "Committed up to the period's end"),
    "money.col.disbursed_to_end": ("Giải ngân lũy kế đến cuối kỳ", "Disbursed up to the period's end"),
    "money.col.committed_undated": ("Cam kết không rõ ngày", "Committed, date unknown"),
    "money.col.disbursed_undated": ("Giải ngân không rõ ngày", "Disbursed, date unknown"),
    "money.col.undated_share_disbursed": ("Tỷ lệ giải ngân không rõ ngày", "Share of disbursements with date unknown"),
    "money.col.budget_in": ("Kế hoạch vốn các năm trọn trong kỳ", "Budgets of the whole years in the period"),
    "money.undated_share": (
        "Không rõ ngày: giải ngân {disbursed} ({share} số đã giải ngân), cam kết {committed} ({cshare} số đã cam kết); "
        "các khoản này tính riêng, không thuộc kỳ nào.",
        "Date unknown: {disbursed} disbursed ({share} of all disbursements), {committed} committed ({cshare} of all "
        "commitments); these are counted apart, in no period.",
    ),
    "money.chart": ("Cam kết và giải ngân theo {freq}", "Commitments and disbursements per {freq}"),
    "money.chart_undated_note": ("Cột \"Không rõ ngày\" là số tiền không biết ngày, không phải một kỳ.",
                                 "The \"Date unknown\" bars are money whose date is not known, not a period."),
    "money.by.source": ("Theo nguồn vốn", "By funding source"),
    "money.by.commune_code": ("Theo xã (đơn vị đã nhập)", "By commune (as entered)"),
    "money.by.content_area": ("Theo nội dung", "By content area"),
    "money.by.project_id": ("Theo dự án", "By project"),
    "money.units_as_entered": (
        "Khoản tiền tính theo xã (hoặc đơn vị) mà mỗi dự án được nhập, không quy đổi sang đơn vị đã chọn cho báo cáo.",
        "Money is counted by the commune (or unit) each project was entered in, not converted to the report's units.",
    ),
    "money.title": ("Vốn trong kỳ {start} – {end}", "Money in the period {start} – {end}"),
    "money.sheet.summary": ("Tổng hợp", "Summary"),
    "money.sheet.period": ("Vốn trong kỳ", "Money in the period"),
    "money.sheet.year": ("Theo năm", "Per year"),
    "money.sheet.quarter": ("Theo quý", "Per quarter"),
    "money.flows_note": ("Khoản không rõ ngày ở dòng cuối, không chia vào kỳ nào.",
                         "Amounts with no known date are on the last row, not spread over any period."),
    "money.records": ("Khoản tiền", "Money records"),
    "money.records_line": ("{n} khoản, trong đó {u} giao dịch không rõ ngày", "{n} records, {u} of them transactions with date unknown"),
    "money.method": (
        "Mỗi khoản tiền (cam kết, giải ngân, chi tiêu) tính vào kỳ có ngày của nó; lũy kế là mọi khoản có ngày đến "
        "cuối kỳ. Khoản không rõ ngày (gồm tổng số cam kết, giải ngân của mỗi dòng vốn trước khi có ngày) tính riêng. "
        "Kế hoạch vốn năm chỉ tính khi cả năm nằm trong kỳ. Dự án đã hủy không tính.",
        "Each money record (commitment, disbursement, expenditure) counts in the period holding its date; "
        "cumulative figures are every dated record up to the period's end. Records with no known date (including "
        "each funding line's committed and disbursed totals from before dates were kept) are counted apart. A "
        "yearly budget counts only when the whole year is inside the period. Cancelled projects are left out.",
    ),
    "money.download": ("Tải báo cáo vốn theo kỳ (Excel)", "Download the period money report (Excel)"),
    "money.bad_period": ("Ngày bắt đầu {start} ở sau ngày kết thúc {end}.", "The start {start} is after the end {end}."),
    "money.bad_dates": ("ngày phải ghi dạng NNNN-TT-NN (nhận được --from {start} --to {end})",
                        "dates must be written YYYY-MM-DD (got --from {start} --to {end})"),
    "money.cli_wrote": ("đã ghi {out} ({start} – {end}): {records}", "wrote {out} ({start} – {end}): {records}"),
    "money.field.record_id": ("Mã khoản tiền", "Record"),
    "money.field.project_id": ("Mã dự án", "Project ID"),
    "money.field.kind": ("Loại", "Kind"),
    "money.field.source": ("Nguồn vốn", "Funding source"),
    "money.field.amount": ("Số tiền (VND)", "Amount (VND)"),
    "money.field.currency": ("Tiền tệ gốc", "Original currency"),
    "money.field.original_amount": ("Số tiền gốc", "Original amount"),
    "money.field.rate": ("Tỷ giá (đồng cho một đơn vị)", "Rate (VND per unit)"),
    "money.field.date": ("Ngày", "Date"),
    "money.field.year": ("Năm (kế hoạch vốn)", "Year (budget)"),
    "money.field.origin": ("Nguồn gốc", "Origin"),
    "money.field.note": ("Ghi chú", "Note"),
    "money.field.revision": ("Phiên bản", "Revision"),
    "money.date_help": ("Ghi NNNN-TT-NN; để trống nếu không rõ ngày (không đoán ngày).",
                        "Write YYYY-MM-DD; leave empty when the date is not known (never guess one)."),
    "money.records_heading": ("Các khoản tiền theo ngày", "Dated money records"),
    "money.none_project": ("Dự án này chưa có khoản tiền nào.", "This project has no money records yet."),
    "money.pick": ("Khoản tiền", "Money record"),
    "money.new": ("— Ghi khoản mới —", "— New record —"),
    "money.save": ("Lưu khoản tiền", "Save the money record"),
    "money.saved": ("Đã lưu khoản tiền {rid} (phiên bản {rev}).", "Saved money record {rid} (revision {rev})."),
    "money.delete": ("Xóa khoản tiền này", "Delete this money record"),
    "money.delete_confirm": ("Tôi chắc chắn muốn xóa khoản tiền này", "I am sure I want to delete this record"),
    "money.deleted": ("Đã xóa khoản tiền {rid}.", "Deleted money record {rid}."),
    "money.invalid": ("Khoản tiền chưa được lưu:", "The money record was not saved:"),
    "money.unrecorded": (
        "{n} dòng vốn có tổng số khác các khoản tiền đã ghi (tổng số trừ các khoản: cam kết {committed}, giải ngân "
        "{disbursed}; dự án {pids}). Khi ghi ngày cho một phần tổng số cũ, hãy giảm khoản không rõ ngày tương ứng.",
        "{n} funding lines have totals that differ from their money records (totals minus records: committed "
        "{committed}, disbursed {disbursed}; projects {pids}). When you date part of a former total, lower its "
        "undated record by as much.",
    ),
    "money.chart_by": ("Giải ngân theo thời gian — {by}", "Disbursements over time — {by}"),
    "money.group": ("Chia giải ngân", "Split disbursements"),
    "money.dating_hint": (
        "Khoản \"chuyển từ tổng số trước đây\" là tổng số cũ, không rõ ngày. Khi biết ngày của một phần, hãy giảm "
        "khoản đó và ghi phần có ngày thành khoản mới, để tổng số không bị tính hai lần.",
        "A record \"from the former total\" is the old total, date unknown. When you learn the date of part of it, "
        "lower that record and enter the dated part as a new record, so nothing is counted twice.",
    ),
    "money.none": ("Chưa có khoản tiền nào cho các dự án đã chọn.", "No money records for the selected projects yet."),
    "report.total": ("Tổng cộng", "Total"),
    "report.period": ("Kỳ báo cáo", "Period"),
    "report.generated": ("Ngày lập", "Generated on"),
    "report.scope": ("Phạm vi", "Scope"),
    "report.scope_text": (
        "Mọi dự án (trừ bị từ chối, đã hủy) có thời gian thực hiện giao với kỳ báo cáo; số tiền là toàn bộ vốn của dự án, "
        "không chia theo năm. Còn thiếu = nhu cầu − đã cam kết, tính theo từng dòng dự án × nguồn vốn (không âm). "
        "Mỗi dòng tổng cộng bằng tổng các dòng phía trên.",
        "Every project (except rejected and cancelled) whose years overlap the period; amounts are whole-project amounts, not "
        "split by year. Gap = need − committed per project × source line (never negative). "
        "Each total row is the sum of the rows above it.",
    ),
    # --- donor pitch (issue 5) ---------------------------------------------------------------
    "nav.pitch": ("Kêu gọi tài trợ", "Donor pitch"),
    "pitch.quality_illustrative": ("minh họa, chưa xác nhận", "illustrative, not confirmed"),
    "pitch.quality_confirmed": ("đã xác nhận bởi {user} ngày {date}", "confirmed by {user} on {date}"),
    "pitch.illustrative_label": ("Dữ liệu minh họa — không phải số liệu chính thức",
                                 "Illustrative data — not official figures"),
    "pitch.deck_title": ("Cơ hội hợp tác đầu tư tại huyện Tam Đường, tỉnh Lai Châu",
                         "Investment opportunities in Tam Đường district, Lai Châu"),
    "pitch.for_donor": ("Đề xuất gửi {donor}", "Pitch for {donor}"),
    "pitch.for_theme": ("Chủ đề: {theme}", "Theme: {theme}"),
    "pitch.for_communes": ("Các xã: {communes}", "Communes: {communes}"),
    "pitch.now_part_of": ("từ 1/7/2025 thuộc {unit}", "from 1/7/2025 part of {unit}"),
    "pitch.unit_2025": ("Đơn vị từ 1/7/2025", "Unit from 1/7/2025"),
    "pitch.years": ("Thời gian thực hiện", "Years"),
    "pitch.risk": ("Nguy cơ sạt lở", "Landslide risk"),
    "pitch.risk_text": ("Vị trí: {zone}; {share} diện tích xã nguy cơ cao{zones}; số vụ sạt lở, lũ quét đã báo cáo "
                        "trong xã: {events}", "Site: {zone}; {share} of the commune at high risk{zones}; landslides "
                        "or flash floods reported in the commune: {events}"),
    "pitch.risk_zone": ("trong vùng nguy cơ {level}", "in a {level}-risk zone"),
    "pitch.risk_zones_quality": (" (vùng nguy cơ {quality})", " ({quality} zones)"),
    "pitch.ask": ("Vốn quốc tế còn thiếu (đề nghị hỗ trợ)", "International gap (the ask)"),
    "pitch.open_projects": ("Dự án còn cần vốn / tổng số dự án", "Projects still seeking funds / all projects"),
    "pitch.why_heading": ("Vì sao đề xuất:", "Why this opportunity:"),
    "pitch.why_rank": ("Trong các dự án còn cần vốn, dự án đứng thứ {rank} theo điểm ưu tiên của huyện ({score}/100), chủ yếu vì {reason}.",
                       "Among the projects still seeking money it ranks {rank} on the district's priority score ({score}/100), mainly for {reason}."),
    "pitch.src_portal": ("cổng thông tin huyện", "district portal"),
    "pitch.src_wikipedia": ("Wikipedia", "Wikipedia"),
    "pitch.src_press": ("báo chí", "press"),
    "pitch.src_web": ("một trang web", "a single web page"),
    "pitch.people_population": ("Dân số đã báo cáo theo xã", "Population reported by commune"),
    "pitch.people_groups_in": ("Dân tộc chính ở {commune}", "Main ethnic groups in {commune}"),
    "pitch.why_commune": ("{n} dự án còn cần vốn quốc tế, tổng {ask}; các dự án ưu tiên nhất:",
                          "{n} projects still seek international funds, {ask} in all; the highest priorities:"),
    "pitch.ctx_units": ("Số xã, thị trấn (trước 1/7/2025)", "Communes (before 1/7/2025)"),
    "pitch.ctx_area": ("Diện tích (ranh giới gần đúng)", "Area (approximate boundaries)"),
    "pitch.ctx_population": ("Dân số đã báo cáo", "Reported population"),
    "pitch.ctx_population_value": ("{pop} (có số liệu {n}/{total} xã)", "{pop} ({n} of {total} communes reported)"),
    "pitch.ctx_risk": ("Diện tích nguy cơ sạt lở cao", "Area at high landslide risk"),
    "pitch.ctx_events": ("Số vụ sạt lở, lũ quét đã báo cáo", "Reported landslides and flash floods"),
    "pitch.ctx_projects": ("Số dự án trong phạm vi đề xuất", "Projects in this pitch's scope"),
    "pitch.maps_units": ("Bản đồ vẽ theo: {units}.", "Maps are drawn on: {units}."),
    "pitch.donor_quality": ("Ưu tiên của {donor}: {quality}", "Priorities of {donor}: {quality}"),
    "pitch.filters": ("Bộ lọc", "Filters"),
    "pitch.ratios_line": ("Tỷ lệ vốn đối ứng (giả định): {ratios}", "Counterpart ratios (assumptions): {ratios}"),
    "pitch.weights_line": ("Trọng số điểm ưu tiên: {weights}", "Priority-score weights: {weights}"),
    "pitch.made": ("Ngày lập: {date}", "Made on {date}"),
    "pitch.title_counts": ("{n} dự án · đã đảm bảo {covered} nhu cầu · {opps} cơ hội trong tài liệu này",
                           "{n} projects · {covered} of the need covered · {opps} opportunities in this deck"),
    "pitch.slide_context": ("Bối cảnh huyện", "District context"),
    "pitch.slide_gaps": ("Khoảng trống vốn ở đâu", "Where the gaps are"),
    "pitch.slide_gap_table": ("Khoảng trống vốn theo đơn vị hành chính", "Funding gap by administrative unit"),
    "pitch.gap_map_subtitle": ("Vốn còn thiếu theo xã; tổng còn thiếu trong phạm vi: {gap}",
                               "Funding gap by commune; gap in scope: {gap}"),
    "pitch.continued": ("{title} (tiếp theo)", "{title} (continued)"),
    "pitch.head_need": ("Nhu cầu vốn", "Need"),
    "pitch.head_committed": ("Đã cam kết", "Committed"),
    "pitch.head_gap": ("Còn thiếu", "Gap"),
    "pitch.vnd_only": ("Số tiền chỉ tính bằng đồng Việt Nam: chưa cấu hình tỷ giá USD có nguồn nên không quy đổi.",
                       "Figures in VND only: no sourced USD exchange rate is configured, so nothing is converted."),
    "pitch.rate_line": ("Tỷ giá: 1 USD = {rate} ₫ (nguồn: {source})", "Rate: 1 USD = VND {rate} (source: {source})"),
    "pitch.cover_counts": ("Ba con số trên là của {opps} cơ hội trong tài liệu này; đề nghị hỗ trợ quốc tế: {ask}",
                           "The three figures are those of the {opps} opportunities in this deck; international ask: {ask}"),
    "pitch.cover_scope": ("Toàn bộ phạm vi bộ lọc ({n} dự án): nhu cầu {need}, còn thiếu {gap}",
                          "Whole scope of the filters ({n} projects): need {need}, gap {gap}"),
    "pitch.slide_people": ("Huyện và người dân", "The district and its people"),
    "pitch.col_fact": ("Nội dung", "Fact"),
    "pitch.col_value": ("Số liệu", "Value"),
    "pitch.col_source": ("Nguồn", "Source"),
    "pitch.people_heading": ("Người dân (theo bảng đơn vị hành chính đi kèm, ghi nguồn từng số liệu)",
                             "Its people (from the bundled unit table, each figure's source named)"),
    "pitch.areas_heading": ("Mười nội dung thu hút đầu tư của kế hoạch", "The plan's ten content areas"),
    "pitch.not_recorded": ("Chưa ghi nhận: sẽ lấy từ hồ sơ tường thuật và kết quả dự án khi có; không tự điền.",
                           "Not recorded yet: it will come from the project's narrative and results record; nothing is made up."),
    "pitch.story_commune": ("Các dự án còn cần vốn của xã được nêu trong phần lý do dưới đây.",
                            "The commune's projects still seeking money are listed under the reasons below."),
    "pitch.story_as_entered": ("{text}", "As entered (in Vietnamese): {text}"),
    "pitch.ask_total": ("Tổng đề nghị: {amount}", "Total ask: {amount}"),
    "pitch.ask_loan": ("Vốn vay ưu đãi: {amount}", "Concessional loan: {amount}"),
    "pitch.ask_grant": ("Viện trợ không hoàn lại (ODA, NGO, doanh nghiệp nước ngoài): {amount}",
                        "Grants (ODA grant, NGO, foreign business): {amount}"),
    "pitch.h_story": ("Dự án", "The project"),
    "pitch.h_beneficiaries": ("Người hưởng lợi", "Who benefits"),
    "pitch.h_results": ("Kết quả dự kiến", "Expected results"),
    "pitch.h_ask": ("Đề nghị hỗ trợ theo hình thức", "The ask by instrument"),
    "pitch.h_counterpart": ("Phần huyện đối ứng", "What the district commits"),
    "pitch.h_why_donor": ("Vì sao đề xuất với {donor}", "Why {donor}"),
    "pitch.h_sources": ("Vốn theo nguồn", "Funding by source"),
    "pitch.cp_line": ("Đã cam kết {committed}; nếu phần đề nghị được tài trợ, huyện bổ sung {required}.",
                      "Committed {committed}; if the ask is funded, the district adds {required}."),
    "pitch.slide_closing": ("Liên hệ và các bước tiếp theo", "Contact and next steps"),
    "pitch.h_contact": ("Liên hệ", "Whom to contact"),
    "pitch.contact_fp": ("Phòng Tài chính – Kế hoạch: thẩm định dự án, duyệt đưa vào kêu gọi tài trợ, theo dõi vốn đối ứng.",
                         "Finance–Planning Office (Phòng Tài chính – Kế hoạch): appraises projects, approves them for pitching, follows the counterpart funds."),
    "pitch.contact_ea": ("Phòng Dân tộc: quản trị Bản đồ đầu tư, các lớp dữ liệu và hồ sơ nhà tài trợ.",
                         "Ethnic Affairs Office (Phòng Dân tộc): runs the Investment Atlas, its data layers and the donor profiles."),
    "pitch.h_next": ("Các bước tiếp theo", "Next steps"),
    "pitch.next_1": ("Trao đổi về các cơ hội phù hợp và hình thức hỗ trợ (vốn vay, viện trợ không hoàn lại).",
                     "Discuss the opportunities that fit and the instrument (loan, grant)."),
    "pitch.next_2": ("Khảo sát thực địa cùng xã và Phòng Tài chính – Kế hoạch.",
                     "A field visit with the commune and the Finance–Planning Office."),
    "pitch.next_3": ("Xác nhận số liệu chính thức (nơi tài liệu ghi là minh họa) và thống nhất vốn đối ứng.",
                     "Confirm the official figures (where this deck says illustrative) and agree the counterpart."),
    "pitch.gap_subtitle": ("Bảng: {units}; cùng số liệu với trang Khoảng trống vốn",
                           "Table: {units}; the same figures as the Funding gaps page"),
    "pitch.slide_counterpart": ("Vốn đối ứng huyện cam kết", "The counterpart the district commits"),
    "pitch.cp_subtitle": ("Vốn đối ứng cần thêm nếu phần vốn quốc tế còn thiếu được tài trợ, và phần đã cam kết",
                          "Counterpart needed if the international gap is funded, and what is already committed"),
    "pitch.cp_item": ("Cơ hội", "Opportunity"),
    "pitch.cp_ask": ("Vốn quốc tế đề nghị", "International ask"),
    "pitch.cp_required_if_funded": ("Đối ứng cần thêm nếu được tài trợ", "Counterpart if funded"),
    "pitch.cp_counterpart_committed": ("Đối ứng đã cam kết", "Counterpart committed"),
    "pitch.cp_district": (
        "Toàn bộ phạm vi đề xuất, theo vốn quốc tế đã cam kết: đối ứng cần {required}, đã cam kết {committed}, còn thiếu {shortfall}.",
        "Whole scope, on international funds already committed: counterpart required {required}, committed {committed}, shortfall {shortfall}."),
    "pitch.cp_ratios": ("Tỷ lệ đối ứng giả định: {ratios}", "Assumed counterpart ratios: {ratios}"),
    "pitch.col_money": ("{label} (₫)", "{label} (VND)"),
    "pitch.no_opportunities": ("Không có dự án nào phù hợp với bộ lọc và đối tượng đã chọn.",
                               "No project fits the chosen filters and target."),
    # page
    "pitch.heading": ("Kêu gọi tài trợ: hồ sơ nhà tài trợ, ghép nối và bộ tài liệu",
                      "Donor pitch: profiles, matching and pitch packs"),
    "pitch.intro": (
        "Ghép nối khoảng trống vốn với nhà tài trợ phù hợp, lập bộ trình chiếu (PPTX) và trang tóm tắt (PDF), "
        "trình bày trực tiếp. Bộ lọc ở thanh bên được áp dụng.",
        "Match funding gaps to the partners that fit, build a deck (PPTX) and one-pagers (PDF), and present. "
        "The sidebar filters apply."),
    "pitch.tab_profiles": ("Hồ sơ nhà tài trợ", "Donor profiles"),
    "pitch.tab_matching": ("Ghép nối", "Matching"),
    "pitch.tab_pack": ("Bộ tài liệu kêu gọi", "Pitch pack"),
    "pitch.profiles_explain": (
        "Danh sách khởi đầu các đối tác phát triển hoạt động ở vùng núi phía Bắc. Mức ưu tiên (0–3) theo 10 nội dung "
        "thu hút là **minh họa** cho đến khi người dùng xác nhận.",
        "A starter list of development partners active in Viet Nam's northern mountains. Priorities (0–3) per content "
        "area are **illustrative** until a user confirms them."),
    "pitch.col_id": ("Mã", "Id"),
    "pitch.col_name": ("Nhà tài trợ", "Donor"),
    "pitch.col_name_en": ("Tên (tiếng Anh)", "Name (English)"),
    "pitch.col_name_vi": ("Tên tiếng Việt", "Vietnamese name"),
    "pitch.col_type": ("Loại hình", "Type"),
    "pitch.col_instruments": ("Hình thức hỗ trợ", "Instruments"),
    "pitch.col_priorities": ("Ưu tiên cao nhất (mức)", "Top priorities (level)"),
    "pitch.col_ticket": ("Quy mô thường tài trợ", "Typical ticket"),
    "pitch.col_quality": ("Chất lượng ưu tiên", "Priorities"),
    "pitch.col_contact": ("Ghi chú liên hệ", "Contact notes"),
    "pitch.col_basis": ("Căn cứ xác định ưu tiên", "Basis of the priorities"),
    "pitch.read_only": ("Kho dữ liệu này chỉ đọc: hồ sơ nhà tài trợ lấy từ danh sách đi kèm, không sửa được.",
                        "This store is read-only: donor profiles come from the bundled list and cannot be edited."),
    "pitch.sign_in_to_edit": (
        "Đăng nhập bằng tài khoản quản trị để sửa hồ sơ nhà tài trợ.",
        "Sign in with an administrator account to edit donor profiles.",
    ),
    "pitch.edit_heading": ("Sửa, thêm, xác nhận hồ sơ", "Edit, add or confirm a profile"),
    "pitch.pick_donor": ("Nhà tài trợ", "Donor"),
    "pitch.new_donor": ("+ Thêm nhà tài trợ mới", "+ Add a new donor"),
    "pitch.id_help": ("2–40 chữ thường không dấu, số, '_' hoặc '-'; không đổi được sau khi tạo.",
                      "2–40 lower-case letters, digits, '_' or '-'; cannot change after creation."),
    "pitch.ticket_min_bn": ("Quy mô tối thiểu (tỷ ₫)", "Ticket minimum (VND bn)"),
    "pitch.ticket_max_bn": ("Quy mô tối đa (tỷ ₫)", "Ticket maximum (VND bn)"),
    "pitch.ticket_min_label": ("Quy mô tối thiểu", "Ticket minimum"),
    "pitch.ticket_max_label": ("Quy mô tối đa", "Ticket maximum"),
    "pitch.ticket_help": ("Tính bằng tỷ đồng, ví dụ 0,5 hoặc 150", "In billion VND, for example 0.5 or 150"),
    "pitch.ticket_not_number": ("{field}: '{value}' không phải là số", "{field}: '{value}' is not a number"),
    "pitch.priorities_heading": ("Mức ưu tiên theo nội dung thu hút (0 = không, 3 = trọng tâm)",
                                 "Priority per content area (0 = none, 3 = core)"),
    "pitch.quality_now": ("Chất lượng mức ưu tiên: {quality}", "Quality of the priorities: {quality}"),
    "pitch.save": ("Lưu hồ sơ", "Save profile"),
    "pitch.saved": ("Đã lưu hồ sơ {donor}.", "Saved profile {donor}."),
    "pitch.conflict": ("Không lưu được: {error}. Hãy mở lại hồ sơ.", "Not saved: {error}. Reopen the profile."),
    "pitch.confirm": ("Xác nhận mức ưu tiên", "Confirm priorities"),
    "pitch.confirm_help": ("Ghi nhận bạn đã kiểm tra mức ưu tiên với nhà tài trợ; bỏ nhãn minh họa của hồ sơ này.",
                           "Record that you checked the priorities with the partner; drops this profile's illustrative label."),
    "pitch.delete": ("Xóa hồ sơ", "Delete profile"),
    "pitch.delete_confirm": ("Tôi chắc chắn muốn xóa hồ sơ này", "I am sure I want to delete this profile"),
    "pitch.deleted": ("Đã xóa hồ sơ {donor} (vẫn khôi phục được từ nhật ký).", "Deleted profile {donor} (kept in the change log)."),
    "pitch.history": ("Lịch sử thay đổi", "Change history"),
    "pitch.no_history": ("Chưa có thay đổi nào.", "No changes yet."),
    "pitch.match_formula": (
        "**Mức phù hợp** = ưu tiên của nhà tài trợ cho nội dung (mức/3) × hình thức phù hợp (viện trợ: mọi nội dung; "
        "vay ưu đãi: nội dung 1–4 với mức đề nghị từ {min}; hỗ trợ kỹ thuật: nội dung 3, 5–10) × quy mô phù hợp "
        "(1 trong khoảng thường tài trợ, giảm dần ngoài khoảng). **Điểm ghép nối** = mức phù hợp × điểm ưu tiên. "
        "Mức đề nghị = vốn quốc tế còn thiếu của dự án; chỉ xét dự án chưa hoàn thành, không bị từ chối hay hủy.",
        "**Fit** = the donor's priority for the content area (level/3) × instrument fit (grant: every area; "
        "concessional loan: areas 1–4 with an ask of {min} or more; technical assistance: areas 3, 5–10) × size fit "
        "(1 inside the usual ticket, decaying outside). **Match** = fit × priority score. The ask = the project's "
        "international gap; only projects not completed, rejected or cancelled count."),
    "pitch.for_a_donor": ("Dự án phù hợp với một nhà tài trợ", "Projects that fit a donor"),
    "pitch.for_a_project": ("Nhà tài trợ phù hợp với một dự án", "Donors that fit a project"),
    "pitch.no_donors": ("Chưa có hồ sơ nhà tài trợ nào.", "No donor profiles yet."),
    "pitch.no_matches": ("Không có dự án nào phù hợp với bộ lọc hiện tại.", "No project fits with the current filters."),
    "pitch.no_donor_fits": ("Không nhà tài trợ nào phù hợp dự án này.", "No donor fits this project."),
    "pitch.col_area_fit": ("Phù hợp nội dung (%)", "Area fit (%)"),
    "pitch.col_instrument": ("Hình thức phù hợp", "Instrument"),
    "pitch.col_size_fit": ("Phù hợp quy mô (%)", "Size fit (%)"),
    "pitch.col_fit": ("Mức phù hợp (%)", "Fit (%)"),
    "pitch.col_match": ("Điểm ghép nối", "Match"),
    "pitch.col_best": ("Điểm ghép nối cao nhất", "Best match"),
    "pitch.col_opportunity": ("Cơ hội", "Opportunity"),
    "pitch.why_pick": ("Vì sao phù hợp: chọn dự án", "Why this match: pick a project"),
    "pitch.why_best": ("Vì sao {donor} phù hợp nhất", "Why {donor} fits best"),
    "pitch.by_commune": ("Theo xã", "By commune"),
    "pitch.pick_project": ("Dự án còn cần vốn", "Project still seeking funds"),
    "pitch.pack_explain": (
        "Chọn đối tượng, xem trước các cơ hội, rồi bấm **Lập bộ tài liệu** để tạo tệp PPTX và các trang PDF.",
        "Choose a target, preview the opportunities, then press **Build pitch pack** to make the PPTX and PDFs."),
    "pitch.target": ("Lập cho", "Build for"),
    "pitch.kind_donor": ("Một nhà tài trợ", "A donor"),
    "pitch.kind_theme": ("Một chủ đề (nội dung thu hút)", "A theme (content area)"),
    "pitch.kind_communes": ("Các xã đã chọn", "Chosen communes"),
    "pitch.pick_communes": ("Xã, thị trấn (đơn vị trước 1/7/2025)", "Communes (units before 1/7/2025)"),
    "pitch.top": ("Số cơ hội", "Opportunities"),
    "pitch.pack_lang": ("Ngôn ngữ bộ tài liệu", "Language of the pack"),
    "pitch.units_used": ("Bảng theo: {units} (đổi ở thanh bên).", "Tables by: {units} (change it in the sidebar)."),
    "pitch.pick_target": ("Chọn nhà tài trợ, chủ đề hoặc ít nhất một xã.", "Choose a donor, a theme or at least one commune."),
    "pitch.pack_summary": ("{n} cơ hội, {slides} trang trình chiếu; các cơ hội này: nhu cầu {need}, còn thiếu {gap}, đề nghị hỗ trợ quốc tế {ask}",
                           "{n} opportunities, {slides} slides; these opportunities: need {need}, gap {gap}, international ask {ask}"),
    "pitch.build": ("Lập bộ tài liệu", "Build pitch pack"),
    "share.heading": ("Chia sẻ chế độ xem này (chỉ đọc)", "Share this view (read-only)"),
    "share.caption_signin": (
        "Chế độ xem công khai đang tắt: người nhận phải đăng nhập mới mở được góc nhìn này.",
        "The public view is off: whoever receives the link must sign in to open this view.",
    ),
    "share.caption": (
        "Đường dẫn mở đúng trang, bộ lọc, xã và ngôn ngữ này cho bất kỳ ai, ở chế độ chưa đăng nhập: chỉ xem, không "
        "có nút sửa nào.",
        "The link opens this page with these filters, commune and language for anyone, signed out: view only, "
        "with no edit control.",
    ),
    "pitch.stages_default": (
        "Cơ hội: chỉ dự án đã được duyệt kêu gọi tài trợ hoặc ở bước sau; số dự án còn cần vốn ở bước trước bị bỏ ra: {n}.",
        "Opportunities: only projects approved for pitching or later; projects seeking money at earlier steps left out: {n}.",
    ),
    "pitch.stages_some": (
        "Cơ hội: chỉ dự án ở các bước {stages}; số dự án còn cần vốn ở bước khác bị bỏ ra: {n}.",
        "Opportunities: only projects at the steps {stages}; projects seeking money at other steps left out: {n}.",
    ),
    "pitch.stages_all": (
        "Cơ hội: dự án ở mọi bước quy trình, kể cả dự án chưa được duyệt kêu gọi tài trợ.",
        "Opportunities: projects at every workflow step, including those not yet approved for pitching.",
    ),
    "pitch.stages": ("Các bước quy trình đưa vào bộ tài liệu", "Workflow steps in the pack"),
    "pitch.stages_help": (
        "Mặc định chỉ dự án đã được duyệt kêu gọi tài trợ (và các bước sau). Thêm bước khác để đưa cả dự án chưa "
        "được duyệt vào.",
        "By default only projects approved for pitching (and the later steps). Add other steps to include projects "
        "not yet approved.",
    ),
    "pitch.stages_not_default": (
        "Bộ tài liệu này có cả dự án chưa được Phòng Tài chính – Kế hoạch duyệt kêu gọi tài trợ.",
        "This pack includes projects the Finance–Planning Office has not approved for pitching.",
    ),
    "pitch.building": ("Đang vẽ bản đồ và lập tài liệu…", "Drawing maps and building the pack…"),
    "pitch.present": ("Trình bày", "Present"),
    "pitch.download_deck": ("Tải bộ trình chiếu (PPTX)", "Download deck (PPTX)"),
    "pitch.download_pdfs": ("Tải {n} trang tóm tắt (PDF, nén ZIP)", "Download {n} one-pagers (PDF, ZIP)"),
    "pitch.prev": ("Trước", "Previous"),
    "pitch.next": ("Tiếp", "Next"),
    "pitch.exit": ("Thoát trình bày", "Exit presentation"),
    "pitch.step": ("cơ hội {i}/{n} · phím ← → để chuyển", "opportunity {i} of {n} · ← → keys to step"),
    # matching explanations
    "match.s_area": ("{donor} ưu tiên mức {level}/{top} ({level_label}) cho nội dung {area}.",
                     "{donor} gives priority {level} of {top} ({level_label}) to {area}."),
    "match.s_loan_only_yes": ("Phần đề nghị {ask} là một dòng vốn vay ưu đãi, và {donor} có cho vay.",
                              "The ask of {ask} is a concessional-loan line, and {donor} lends."),
    "match.s_loan_only_no": ("Phần đề nghị {ask} là một dòng vốn vay ưu đãi; {donor} không cho vay nên cần một bên cho vay khác.",
                             "The ask of {ask} is a concessional-loan line; {donor} does not lend, so it needs a lender."),
    "match.s_grant_only_grant": ("Phần đề nghị {ask} là các dòng viện trợ không hoàn lại (ODA, NGO, doanh nghiệp nước ngoài), và {donor} có tài trợ không hoàn lại.",
                                 "The ask of {ask} is in grant lines (ODA grant, NGO, foreign business), and {donor} gives grants."),
    "match.s_grant_only_technical_assistance": (
        "Phần đề nghị {ask} là các dòng viện trợ không hoàn lại; {donor} có thể hỗ trợ dưới hình thức hỗ trợ kỹ thuật, phù hợp với nội dung này.",
        "The ask of {ask} is in grant lines; {donor} can fund it as technical assistance, which suits this content area."),
    "match.s_grant_only_no": ("Phần đề nghị {ask} là các dòng viện trợ không hoàn lại; hình thức của {donor} ({offered}) không phù hợp nên cần một nhà tài trợ không hoàn lại khác.",
                              "The ask of {ask} is in grant lines; what {donor} offers ({offered}) does not suit it, so it needs a grant-maker."),
    "match.s_mixed": ("Phần đề nghị {ask} gồm hai phần: dòng vốn vay ưu đãi {loan} và các dòng viện trợ không hoàn lại {grant}; mỗi phần dành cho bên có hình thức đó.",
                      "The ask of {ask} is mixed: a concessional-loan line of {loan} and grant lines of {grant}; each part goes to a partner that offers it."),
    "match.s_loan_yes": ("{donor} có cho vay nên có thể nhận dòng vốn vay {amount}.",
                         "{donor} lends, so it can take the loan line of {amount}."),
    "match.s_loan_no": ("{donor} không cho vay: dòng vốn vay {amount} dành cho một bên cho vay khác.",
                        "{donor} does not lend: the loan line of {amount} is left for a lender."),
    "match.s_grant_yes_grant": ("{donor} có tài trợ không hoàn lại nên có thể nhận các dòng viện trợ {amount}.",
                                "{donor} gives grants, so it can take the grant lines of {amount}."),
    "match.s_grant_yes_technical_assistance": (
        "{donor} có thể tài trợ các dòng viện trợ {amount} dưới hình thức hỗ trợ kỹ thuật, phù hợp với nội dung này.",
        "{donor} can fund the grant lines of {amount} as technical assistance, which suits this content area."),
    "match.s_grant_no": ("Hình thức của {donor} ({offered}) không phù hợp các dòng viện trợ {amount}: phần này dành cho nhà tài trợ không hoàn lại khác.",
                         "What {donor} offers ({offered}) does not suit the grant lines of {amount}: they are left for a grant-maker."),
    "match.s_size_inside": ("Phần {taken} mà {donor} có thể nhận nằm trong khoảng thường tài trợ {min}–{max}.",
                            "The {taken} {donor} can take fits its usual range of {min}–{max}."),
    "match.s_size_below": ("Phần {taken} mà {donor} có thể nhận thấp hơn mức thường tài trợ tối thiểu {min}.",
                           "The {taken} {donor} can take is below its usual minimum of {min}."),
    "match.s_size_above": ("Phần {taken} mà {donor} có thể nhận cao hơn mức thường tài trợ tối đa {max}: có thể đồng tài trợ một phần.",
                           "The {taken} {donor} can take is above its usual maximum of {max}: it could co-finance part of it."),
    "pitch.cli_wrote_deck": (
        "đã ghi {path} ({slides} trang chiếu, {opps} cơ hội, {language}, đơn vị hành chính {units})",
        "wrote {path} ({slides} slides, {opps} opportunities, {language}, units {units})",
    ),
    "pitch.cli_wrote": ("đã ghi {path}", "wrote {path}"),
    # --- print map (issue 6) -------------------------------------------------------------------
    "print.district": ("Huyện Tam Đường, tỉnh Lai Châu", "Tam Đường district, Lai Châu province"),
    "print.all_projects": ("Mọi dự án trừ bị từ chối, đã hủy", "All projects except rejected and cancelled"),
    "print.years": ("Năm {lo}–{hi}", "Years {lo}–{hi}"),
    "print.atlas_title": ("{commune}: {indicator}", "{commune}: {indicator}"),
    "print.north": ("B", "N"),
    "print.layers": ("Lớp bản đồ", "Map layers"),
    "print.risk_high": ("Nguy cơ sạt lở cao", "High landslide risk"),
    "print.risk_medium": ("Nguy cơ sạt lở trung bình", "Medium landslide risk"),
    "print.risk_very_high": ("Nguy cơ sạt lở rất cao", "Very high landslide risk"),
    "print.risk_low": ("Nguy cơ sạt lở thấp", "Low landslide risk"),
    "print.risk_very_low": ("Nguy cơ sạt lở rất thấp", "Very low landslide risk"),
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
    "print.built_here": ("cho bản đồ này", "for this atlas"),
    "print.locator": ("Vị trí: {district}, {province}, Việt Nam", "Location: {district}, {province}, Viet Nam"),
    "print.locator_approx": ("ranh giới tỉnh gần đúng", "province outline approximate"),
    "print.projects_by_status": ("Dự án có tọa độ ({n}/{total}), theo trạng thái",
                                 "Projects with coordinates ({n} of {total}), by status"),
    "print.title": ("Tiêu đề", "Title"),
    "print.subtitle": ("Phụ đề", "Subtitle"),
    "print.note": ("Ghi chú", "Note"),
    "print.auto_help": ("Để trống: tiêu đề, phụ đề tự động theo chỉ tiêu và bộ lọc.",
                        "Leave empty for the title and subtitle made from the indicator and filters."),
    "print.fix_text": ("Sửa ô trên rồi tải bản đồ.", "Correct the box above, then download the map."),
    # --- data management (issue 7) ---------------------------------------------------------------
    "nav.data": ("Quản lý dữ liệu", "Data management"),
    "data.heading": ("Quản lý dữ liệu", "Data management"),
    "data.intro": (
        "Dữ liệu của huyện được lưu trong một tệp GeoPackage trên máy này: {path}. Mọi thay đổi dự án đều được ghi lại.",
        "The district's data is kept in one GeoPackage file on this computer: {path}. Every project change is logged.",
    ),
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
    "data.col_when": ("Thời điểm (giờ địa phương)", "When (local time)"),
    "data.col_who": ("Người sửa", "Who"),
    "data.col_action": ("Thao tác", "Action"),
    "data.col_note": ("Ghi chú", "Note"),
    "data.col_row": ("Dòng", "Row"),
    "data.col_column": ("Cột", "Column"),
    "data.col_problem": ("Vấn đề", "Problem"),
    "data.template": ("Tải mẫu Excel", "Download the Excel template"),
    "data.template_help": (
        "Mỗi dòng là một dự án × một nguồn vốn. Nhận tệp CSV (UTF-8, UTF-16, Windows-1258) hoặc Excel.",
        "One row per project × funding source. CSV (UTF-8, UTF-16, Windows-1258) or Excel.",
    ),
    "common.upload_limit": ("Tối đa {mb} MB mỗi tệp · {types}", "Up to {mb} MB per file · {types}"),
    "common.upload_browse": ("Chọn tệp", "Choose a file"),
    "data.amount_help": ("Số đồng, ví dụ 6.800.000.000", "Whole VND, for example 6,800,000,000"),
    "data.upload_table": ("Tệp dự án (CSV hoặc Excel)", "Project file (CSV or Excel)"),
    "data.preview_summary": (
        "{file}: mã hóa {enc}; {n} dự án — {new} mới, {changed} thay đổi.",
        "{file}: encoding {enc}; {n} projects — {new} new, {changed} changed.",
    ),
    "data.preview_with_problems": (
        "{file}: mã hóa {enc}; đọc được {n} dòng dữ liệu — {bad} dòng có vấn đề, {good} dòng hợp lệ. "
        "Chưa nhập gì cho đến khi sửa xong.",
        "{file}: encoding {enc}; {n} data rows read — {bad} with problems, {good} valid. Nothing is imported "
        "until they are fixed.",
    ),
    "data.valid_rows": ("Các dòng hợp lệ ({n})", "Valid rows ({n})"),
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
    "data.kind.events": ("Sạt lở, lũ quét đã báo cáo (CSV có lon/lat hoặc lớp điểm)",
                         "Reported landslides and flash floods (CSV with lon/lat, or a point layer)"),
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
    "data.fmt.gpkg": (
        "GeoPackage (mọi lớp, hồ sơ nhà tài trợ và các khoản vốn theo ngày, mở bằng QGIS)",
        "GeoPackage (all layers, donor profiles and dated money records, opens in QGIS)",
    ),
    "data.fmt.geojson": (
        "GeoJSON từng lớp (.zip, kèm hồ sơ nhà tài trợ và các khoản vốn dạng CSV)",
        "GeoJSON per layer (.zip, donor profiles and money records as CSV)",
    ),
    "data.fmt.csv": ("CSV bảng dự án (chỉ bảng dự án)", "CSV of the project table (projects only)"),
    "data.fmt.xlsx": ("Excel bảng dự án, hồ sơ nhà tài trợ và các khoản vốn theo ngày",
                      "Excel of the projects, donor profiles and dated money records"),
    "data.fmt.3w": ("Bảng 3W của OCHA (ai làm gì ở đâu, CSV có thẻ HXL)",
                    "OCHA 3W table (who does what where, CSV with HXL hashtags)"),
    "data.fmt.fts": ("Bảng dòng vốn kiểu FTS (mỗi giao dịch một dòng, USD khi có tỷ giá, CSV có thẻ HXL)",
                     "FTS-style funding flows (one row per transaction, USD where a rate exists, CSV with HXL hashtags)"),
    "data.fmt.iati": ("Tệp IATI 2.03 (XML hoạt động, đã kiểm tra theo lược đồ chính thức)",
                      "IATI 2.03 file (activity XML, checked against the official schema)"),
    "iati.people_committee": ("Ủy ban nhân dân {unit}", "{unit} People's Committee"),
    "iati.placeholder": (
        "Chưa đặt mã tổ chức báo cáo IATI: tệp dùng mã tạm '{ref}'. Không công bố tệp này lên IATI trước khi "
        "đặt mã thật ([iati] reporting_org_ref trong atlas.toml).",
        "No IATI reporting-organisation ref is set: the file uses the placeholder '{ref}'. Do not publish it to "
        "IATI until the real one is set ([iati] reporting_org_ref in atlas.toml)."),
    "iati.undated": (
        "{n} khoản tiền không rõ ngày không được xuất (IATI cần ngày cho mỗi giao dịch và năm cho mỗi ngân sách).",
        "{n} undated amounts not exported (IATI needs a date for each transaction and a year for each budget)."),
    "iati.undated_one": (
        "1 khoản tiền không rõ ngày không được xuất (IATI cần ngày cho mỗi giao dịch và năm cho mỗi ngân sách).",
        "1 undated amount not exported (IATI needs a date for each transaction and a year for each budget)."),
    "iati.nothing_written": ("không ghi tệp nào", "no file was written"),
    "iati.refused": ("Tệp IATI không đạt kiểm tra nên không được tạo:", "The IATI file failed its checks and was not made:"),
    "data.hxl": ("Thêm dòng thẻ HXL", "Add an HXL hashtag row"),
    "data.download": ("Tải xuống", "Download"),
    "data.export_note": (
        "Mọi tệp xuất đều kèm nguồn gốc và mức độ tin cậy của từng lớp.",
        "Every export carries the source and quality of each layer.",
    ),
    "data.export_readme_files": ("Các tệp: {files}.", "Files: {files}."),
    "data.col_unit_version": ("Phiên bản đơn vị hành chính", "Unit version"),
    "data.dac_sectors_help": (
        "Cho tệp IATI: mã DAC 5 chữ số:phần trăm, cách nhau bởi ';', tổng 100 (ví dụ 31130:50;14030:50). "
        "Để trống: dùng lĩnh vực mặc định của nội dung thu hút.",
        "For the IATI file: 5-digit DAC code:percent pairs separated by ';', summing to 100 (e.g. 31130:50;14030:50). "
        "Blank: the content area's default sectors."),
    "data.unit_version_help": (
        "Mã xã trong dự án thuộc danh mục đơn vị nào. Một số mã chỉ hai đơn vị khác nhau "
        "(03405 là xã Giang Ma cũ và xã Tả Lèng mới).",
        "Which list of units the project's commune code belongs to. Some codes name two different units "
        "(03405 is former Giang Ma and new Tả Lèng).",
    ),
    # layer import notes and summaries (geo/layer_import.py), review tables, data CLI (geo/cli_data.py)
    "data.note_crs_replaced": (
        "Hệ tọa độ của tệp ({old}) đã được thay bằng {new} theo xác nhận",
        "CRS of the file ({old}) replaced by {new} as confirmed",
    ),
    "data.note_vn2000": (
        "Đã chuyển VN-2000 sang WGS 84 bằng tham số chuyển đổi chính thức (EPSG:6960)",
        "VN-2000 converted to WGS 84 with the official shift (EPSG:6960)",
    ),
    "data.stored_layer": ("{n} đối tượng vào lớp {layer} ({quality})",
                          "{n} features stored in {layer} ({quality})"),
    "data.stored_locations": ("cập nhật vị trí của {updated} dự án, {unchanged} không đổi",
                              "{updated} project locations updated, {unchanged} unchanged"),
    "data.match.row": ("Đối tượng / dòng", "Feature / row"),
    "data.cli_class_field": ("Mức nguy cơ đọc từ trường '{field}':", "Risk class read from field '{field}':"),
    "data.class.value": ("Giá trị trong tệp", "Value in the file"),
    "data.class.n": ("Số đối tượng", "Features"),
    "data.class.class": ("Mức nguy cơ", "Risk class"),
    "data.class.unmapped": ("(chưa đối chiếu)", "(not mapped)"),
    "data.class.row": ("'{value}' ({n} đối tượng)", "'{value}' ({n} features)"),
    "data.class.field": ("Trường ghi mức nguy cơ", "Field holding the risk class"),
    "data.class.field_auto": ("tự nhận biết", "detect"),
    "data.class.heading": ("Đối chiếu mức nguy cơ", "Risk-class mapping"),
    "data.class.help": (
        "Mỗi cơ quan ghi mức nguy cơ một kiểu: chọn mức tương ứng cho từng giá trị của tệp.",
        "Agencies spell the classes differently: choose the class each value of the file stands for.",
    ),
    "data.match.field": ("Trường", "Field"),
    "data.match.value": ("Giá trị trong tệp", "Value in the file"),
    "data.match.code": ("Mã GSO", "GSO code"),
    "data.match.name": ("Xã, thị trấn", "Commune"),
    "data.match.how": ("Cách đối chiếu", "Matched by"),
    "data.match.exact": ("Khớp chính xác", "Exact match"),
    "data.how.code": ("theo mã", "code"),
    "data.how.name": ("theo tên", "name"),
    "data.how.name (fuzzy)": ("theo tên (gần đúng, cần kiểm tra)", "name (fuzzy)"),
    "data.how.unmatched": ("không tìm thấy", "unmatched"),
    "data.cli_summary": ("{file}: mã hóa {enc}; {n} dự án ({new} mới, {changed} thay đổi)",
                         "{file}: {enc}, {n} projects ({new} new, {changed} changed)"),
    "data.cli_confirm": ("Ghi các thay đổi này? [c/K] ", "Write these changes? [y/N] "),
    "data.cli_nothing_written": ("chưa ghi gì (thêm --yes để ghi mà không cần hỏi)",
                                 "nothing written (pass --yes to confirm without asking)"),
    "data.cli_written": ("đã ghi: {created} mới, {updated} cập nhật, {unchanged} không đổi",
                         "written: {created} created, {updated} updated, {unchanged} unchanged"),
    "data.cli_written_layer": ("đã ghi: {summary}", "written: {summary}"),
    "data.cli_wrote": ("đã ghi {path}", "wrote {path}"),
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
    "units.unallocated_row": (
        "Chưa phân bổ cho xã cũ (dự án theo đơn vị mới)", "Not allocated to a former commune (keyed by a new unit)",
    ),
    "units.highlighted": ("Đơn vị đang xem", "This unit"),
    "units.cli_wrote": ("Đã ghi {n} đơn vị ({label}) vào {path}", "Wrote {n} units ({label}) to {path}"),
    "units.cli_unallocated": (
        "{n} dự án không xếp được vào một xã cũ (xem mục \"unallocated\")",
        "{n} projects cannot be placed in one former commune (see the \"unallocated\" member)",
    ),
    # --- scale and configuration (issue 9) ----------------------------------------------------------
    "err.config_id": (
        "'{value}' không dùng được làm mã vùng (chữ thường, số, '-' hoặc '_')",
        "'{value}' cannot be a district id (lower-case letters, digits, '-' or '_')",
    ),
    "err.config_crs": (
        "{crs} không phải hệ tọa độ phẳng theo mét; cần một hệ như vậy để tính diện tích (ví dụ EPSG:9205)",
        "{crs} is not a projected CRS in metres; areas need one (e.g. EPSG:9205)",
    ),
    "err.config_bbox": (
        "{value} không phải khung [tây, nam, đông, bắc] theo kinh độ, vĩ độ",
        "{value} is not a box [west, south, east, north] in longitude, latitude",
    ),
    "err.config_usd_rate": ("'{value}' không dùng được làm tỷ giá: cần một số dương (đồng cho 1 USD) kèm money.usd_rate_source ghi nguồn",
                            "'{value}' cannot be the rate: it needs a positive number (VND per USD) and money.usd_rate_source naming its source"),
    "err.config_zooms": ("{value} không phải số nguyên từ 0 đến 8", "{value} is not a whole number from 0 to 8"),
    "err.config_syntax": ("tệp cấu hình không đọc được: {detail}", "the configuration file cannot be read: {detail}"),
    "map.points_hidden": (
        "{n} dự án có tọa độ: quá nhiều để vẽ từng điểm (tối đa {max}); hãy lọc bớt",
        "{n} located projects: too many to draw one by one (at most {max}); filter to see them",
    ),
    # --- validation errors ---------------------------------------------------------------------------
    # Every geo.ingest.validate.Problem sentence. The English text is also Problem.message (logs, str()).
    "err.loc.file": ("tệp {file}", "{file}"),
    "err.loc.row": ("dòng {row}", "row {row}"),
    "err.loc.column": ("cột '{column}'", "column '{column}'"),
    "err.cli_error": ("lỗi: {text}", "error: {text}"),
    "err.cli_note": ("lưu ý: {text}", "note: {text}"),
    "err.cli_repaired": ("đã sửa: {text}", "repaired: {text}"),
    # tables: projects, funding lines, crosswalk
    "err.missing_column": ("thiếu cột '{name}'", "missing column '{name}'"),
    "err.missing_column_labels": ("thiếu cột '{vi}' / '{en}'", "missing column '{vi}' / '{en}'"),
    "err.unknown_source": ("nguồn vốn '{value}' không có trong danh mục", "unknown funding source '{value}'"),
    "err.not_whole_vnd": ("'{value}' không phải số nguyên VND", "'{value}' is not a whole number of VND"),
    "err.negative_amount": ("số tiền {value} là số âm", "amount {value} is negative"),
    "err.disbursed_over_committed": ("số đã giải ngân lớn hơn số đã cam kết", "disbursed exceeds committed"),
    "err.required_empty": ("thiếu giá trị bắt buộc", "required value is empty"),
    "err.duplicate_project_id": ("mã dự án '{pid}' bị trùng", "duplicate project_id '{pid}'"),
    "err.bad_unit_version": (
        "unit_version phải là một trong {options}, nhưng đang là '{value}'",
        "unit_version must be one of {options}, got '{value}'",
    ),
    "err.unknown_commune_code": (
        "không có mã xã '{code}' trong danh mục đơn vị của unit_version {version}",
        "unknown commune code '{code}' for unit_version {version}",
    ),
    "err.unknown_commune_code_other": (
        "không có mã xã '{code}' trong danh mục đơn vị của unit_version {version}; "
        "đây là mã thuộc '{label}': hãy đặt unit_version là {other}",
        "unknown commune code '{code}' for unit_version {version}; "
        "it is a code of '{label}': set unit_version to {other}",
    ),
    "err.bad_content_area": (
        "nội dung thu hút phải từ 1 đến 10, nhưng đang là '{value}'", "content area must be 1–10, got '{value}'",
    ),
    "err.unknown_status": ("trạng thái '{value}' không hợp lệ", "unknown status '{value}'"),
    "err.unknown_quality": ("mức chất lượng dữ liệu '{value}' không hợp lệ", "unknown quality '{value}'"),
    "err.bad_year": ("năm '{value}' nằm ngoài khoảng {lo}–{hi}", "year '{value}' outside {lo}–{hi}"),
    "err.end_before_start": ("năm kết thúc trước năm bắt đầu", "end year before start year"),
    "err.bad_dac_sectors": (
        "lĩnh vực DAC '{value}' không hợp lệ: cần mã DAC 5 chữ số:phần trăm, cách nhau bởi ';', mỗi mã một lần, "
        "tổng đúng 100 (ví dụ 31130:50;14030:50)",
        "DAC sectors '{value}' are not valid: write 5-digit DAC code:percent pairs separated by ';', each code once, "
        "summing to exactly 100 (e.g. 31130:50;14030:50)"),
    "err.not_nfc": ("văn bản chưa chuẩn hóa Unicode dạng NFC", "text is not NFC-normalised"),
    "err.not_number": ("'{value}' không phải là số", "'{value}' is not a number"),
    "err.lon_lat_pair": (
        "hãy nhập cả kinh độ và vĩ độ, hoặc để trống cả hai", "give both longitude and latitude, or neither",
    ),
    "err.source_twice": ("nguồn vốn '{source}' được ghi hai lần", "funding source '{source}' listed twice"),
    "err.overcommit": (
        "vốn cam kết ({c}) vượt nhu cầu ({n}); đánh dấu ô xác nhận nếu số liệu này đúng",
        "committed ({c}) exceeds need ({n}); tick the confirmation to keep it",
    ),
    "err.unknown_project_id": ("không có dự án mã '{pid}'", "unknown project_id '{pid}'"),
    "err.unknown_old_code": ("không có mã xã cũ '{code}'", "unknown old commune code '{code}'"),
    "err.old_code_repeated": ("mã xã cũ '{code}' xuất hiện nhiều lần", "old code '{code}' appears more than once"),
    "err.new_code_unknown": ("mã mới '{code}' không có trong units_2025", "new code '{code}' is not in units_2025"),
    "err.outside_disagrees": (
        "không khớp với cột outside_territory của units_2025", "disagrees with outside_territory in units_2025",
    ),
    "err.only_whole": (
        "chỉ hỗ trợ sáp nhập nguyên đơn vị (whole phải là 'true')",
        "only whole mergers are supported (whole must be 'true')",
    ),
    "err.old_commune_no_row": ("xã cũ '{code}' chưa có dòng nào", "old commune '{code}' has no row"),
    "err.unit_no_former": (
        "đơn vị '{code}' của units_2025 chưa có xã cũ nào ở đây", "unit '{code}' of units_2025 has no former commune here",
    ),
    # commune names
    "err.unknown_commune": ("Không tìm thấy xã/thị trấn '{name}'", "Unknown commune '{name}'"),
    "err.ambiguous_commune": ("'{name}' không rõ là đơn vị nào: {options}", "'{name}' is ambiguous: {options}"),
    # reading files
    "err.file_not_found": ("không tìm thấy tệp: {path}", "file not found: {path}"),
    "err.file_too_big": ("tệp nặng {mb} MB; giới hạn là {limit} MB", "file is {mb} MB; the limit is {limit} MB"),
    # --- DEM screening (issue 19) ---------------------------------------------------------
    "err.dem_too_big": ("DEM nặng {mb} MB; giới hạn là {limit} MB (kiểm tra trước khi đọc)",
                        "the DEM is {mb} MB; the limit is {limit} MB (checked before reading)"),
    "err.dem_not_geotiff": ("không phải tệp GeoTIFF đọc được (DEM phải là GeoTIFF)",
                            "not a readable GeoTIFF (the DEM must be a GeoTIFF)"),
    "err.dem_no_crs": ("DEM không có hệ tọa độ (CRS); gán CRS cho tệp (ví dụ EPSG:9205 hoặc EPSG:4326) rồi nhập lại",
                       "the DEM has no coordinate reference system (CRS); assign one (e.g. EPSG:9205 or "
                       "EPSG:4326) and import again"),
    "err.dem_units": ("đơn vị tọa độ của DEM là '{units}', không phải mét hay độ; chuyển sang mét rồi nhập lại",
                      "the DEM's coordinate unit is '{units}', neither metres nor degrees; reproject it to metres"),
    "err.dem_all_nodata": ("DEM không có ô nào có giá trị (toàn bộ là nodata)",
                           "the DEM has no cell with a value (all nodata)"),
    # --- offline basemap (issue 19) -------------------------------------------------------
    "err.basemap_too_big": ("tệp nền nặng {mb} MB; giới hạn là {limit} MB (kiểm tra trước khi đọc); hãy cắt theo "
                            "vùng huyện trước", "the basemap file is {mb} MB; the limit is {limit} MB (checked before "
                            "reading); clip it to the district first"),
    "err.basemap_format": ("không phải GeoTIFF, MBTiles hay PMTiles dạng ảnh đọc được (nền phải là DEM, ảnh bóng "
                           "địa hình, ảnh GeoTIFF, MBTiles hoặc PMTiles ảnh)", "not a readable GeoTIFF or raster "
                           "MBTiles or PMTiles (a basemap is a DEM, a hillshade, a GeoTIFF image, or raster MBTiles "
                           "or PMTiles)"),
    "err.basemap_not_mbtiles": ("tệp SQLite này không phải MBTiles (thiếu bảng tiles hoặc metadata)",
                                "this SQLite file is not MBTiles (no tiles or metadata table)"),
    "err.basemap_active": ("tệp MBTiles có trigger hoặc bảng ảo (nội dung tự chạy khi đọc); không mở",
                           "the MBTiles file has triggers or virtual tables (content that runs on reading); not opened"),
    "err.basemap_vector": ("tệp {container} này chứa tile vector ({format}); nền cần tile ảnh (PNG, JPEG, WebP) "
                           "hoặc một ảnh GeoTIFF: hãy xuất lại dạng ảnh", "this {container} file holds vector tiles "
                           "({format}); a basemap needs raster tiles (PNG, JPEG, WebP) or a GeoTIFF: export it as "
                           "raster"),
    "err.basemap_tile_format": ("định dạng tile '{format}' không được hỗ trợ (nhận PNG, JPEG, WebP)",
                                "tile format '{format}' is not supported (PNG, JPEG or WebP)"),
    "err.basemap_no_crs": ("tệp nền không có hệ tọa độ (CRS); gán CRS (ví dụ EPSG:9205 hoặc EPSG:4326) rồi nhập lại",
                           "the basemap has no coordinate reference system (CRS); assign one (e.g. EPSG:9205 or "
                           "EPSG:4326) and import again"),
    "err.basemap_outside": ("tệp nền không phủ huyện: tệp phủ {covers}, huyện ở {district}",
                            "the basemap does not cover the district: the file covers {covers}, the district lies in "
                            "{district}"),
    "err.basemap_empty": ("tệp nền không có dữ liệu nào trong vùng huyện (toàn bộ là nodata)",
                          "the basemap has no data over the district (all nodata)"),
    # raster PMTiles (geo/ingest/pmtiles_raster.py)
    "err.basemap_pmtiles_version": ("PMTiles phiên bản {version} không được hỗ trợ (cần phiên bản 3): chuyển đổi "
                                    "bằng `pmtiles convert` rồi nhập lại", "PMTiles spec version {version} is not "
                                    "supported (version 3 is needed): convert it with `pmtiles convert` and import again"),
    "err.basemap_pmtiles_short": ("tệp PMTiles bị cắt ngắn ngay trong phần đầu: có {size} byte, phần đầu cần {need}",
                                  "the PMTiles file ends inside its header: {size} bytes, the header needs {need}"),
    "err.basemap_pmtiles_header": ("phần đầu tệp PMTiles có giá trị không hợp lệ (mức thu phóng, phạm vi, kiểu tile "
                                   "hoặc nén): tệp bị hỏng", "the PMTiles header holds impossible values (zoom "
                                   "levels, bounds, tile type or compression): the file is damaged"),
    "err.basemap_pmtiles_compression": ("tệp PMTiles nén theo kiểu '{method}', atlas không đọc được (cần thư mục nén "
                                        "gzip, tile không nén hoặc gzip): chuyển đổi lại bằng `pmtiles convert`",
                                        "the PMTiles file is compressed with '{method}', which the atlas cannot read "
                                        "(gzip directories and plain or gzip tiles are needed): convert it again with "
                                        "`pmtiles convert`"),
    "err.basemap_pmtiles_past_end": ("tệp PMTiles bị hỏng hoặc bị cắt ngắn: tệp trỏ tới byte {start}–{end} nhưng chỉ "
                                     "có {size} byte", "the PMTiles file is damaged or cut short: it points to bytes "
                                     "{start}–{end}, but it has only {size} bytes"),
    "err.basemap_pmtiles_directory": ("không đọc được thư mục tile ở byte {start}–{end} của tệp PMTiles: tệp bị hỏng",
                                      "the tile directory at bytes {start}–{end} of the PMTiles file cannot be read: "
                                      "the file is damaged"),
    "err.basemap_pmtiles_tile": ("tile {tile} (mức/cột/hàng) không phải ảnh PNG, JPEG hay WebP vuông 256 hoặc 512 "
                                 "điểm ảnh cùng cỡ với các tile khác", "tile {tile} (zoom/column/row) is not a square "
                                 "256 or 512 pixel PNG, JPEG or WebP picture the size of the other tiles"),
    "err.basemap_pmtiles_too_fine": ("tệp PMTiles không có mức thu phóng đủ thô: ở mức {zoom} vùng huyện cần {tiles} "
                                     "tile, giới hạn là {limit}; hãy thêm các mức thu phóng thấp hơn",
                                     "the PMTiles file has no coarse enough zoom level: at zoom {zoom} the district "
                                     "needs {tiles} tiles, the limit is {limit}; add lower zoom levels"),
    "err.events_no_coords": ("thiếu cột tọa độ: cần cột lon (kinh độ) và lat (vĩ độ) theo WGS 84",
                             "coordinate columns missing: lon (longitude) and lat (latitude) in WGS 84 are needed"),
    "err.events_bad_coord": ("tọa độ '{value}' không phải số độ hợp lệ", "coordinate '{value}' is not valid degrees"),
    # reported-events import (issue 19)
    "err.events_missing_column": ("thiếu cột '{field}' (tên cột nhận được: {names})",
                                  "missing column '{field}' (accepted names: {names})"),
    "err.events_bad_kind": ("'{value}' không phải loại sự kiện; dùng một trong: {options}",
                            "'{value}' is not an event type; use one of: {options}"),
    "err.events_no_source": ("bắt buộc: ghi nguồn tin của sự kiện", "required: the source that reported the event"),
    "err.events_future": ("ngày {date} chưa tới", "the date {date} is in the future"),
    "err.events_bad_count": ("'{value}' không phải số người (số nguyên ≥ 0, để trống nếu không rõ)",
                             "'{value}' is not a number of people (a whole number ≥ 0, blank if unknown)"),
    "err.events_outside": ("điểm ({x}, {y}) nằm ngoài {province}: kiểm tra kinh độ, vĩ độ (có bị đảo không?)",
                           "the point ({x}, {y}) lies outside {province}: check longitude and latitude (swapped?)"),
    "terrain.screening_label": ("SÀNG LỌC, không phải phân vùng chính thức",
                                "SCREENING, not an official zoning"),
    "terrain.heading": ("Độ dốc từ DEM {file} (tính theo {crs}, ô {dx} × {dy} m{warped})",
                        "Slope from the DEM {file} (computed in {crs}, cells {dx} × {dy} m{warped})"),
    "terrain.warped": ("; chuyển từ tọa độ độ sang mét", "; reprojected from degrees to metres"),
    "terrain.col_class": ("Cấp độ dốc", "Slope class"),
    "terrain.col_area": ("Tỷ lệ diện tích", "Share of area"),
    "terrain.col_events": ("Số điểm trượt lở", "Landslide events"),
    "terrain.col_ratio": ("Tỷ số tần suất", "Frequency ratio"),
    "terrain.auc": ("AUC (đường tỷ lệ thành công, so với chính các điểm đã dùng): {auc}",
                    "AUC (success-rate curve, against the events it was built from): {auc}"),
    "terrain.no_events": ("Không có điểm trượt lở nào trên DEM: không tính được tỷ số tần suất",
                          "No landslide event on the DEM: no frequency ratio"),
    "terrain.events_outside": ("{n} điểm nằm ngoài DEM hoặc ở ô không có độ dốc, không được tính",
                               "{n} events lie off the DEM or on cells without a slope and were not counted"),
    "terrain.basemap_stored": ("Đã lưu nền ngoại tuyến ({kind}, {w} × {h} điểm ảnh, {kb} KB); bản đồ web và bản đồ in "
                               "vẽ nền này dưới các xã", "Stored the offline basemap ({kind}, {w} × {h} pixels, {kb} KB); "
                               "the web map and print maps draw it under the communes"),
    "terrain.basemap_removed": ("Đã gỡ nền ngoại tuyến", "Removed the offline basemap"),
    "terrain.basemap_kind.relief": ("bóng địa hình", "relief shading"),
    "terrain.basemap_kind.image": ("ảnh", "image"),
    "terrain.basemap_file_needed": ("cần tên tệp nền (DEM, ảnh bóng địa hình, ảnh GeoTIFF, MBTiles hoặc PMTiles), "
                                    "hoặc --remove", "a basemap file is needed (DEM, hillshade, GeoTIFF image, "
                                    "MBTiles or PMTiles), or --remove"),
    "terrain.basemap_remove_no_file": ("--remove không nhận tên tệp", "--remove takes no file"),
    "terrain.wrote_hillshade": ("Đã ghi ảnh bóng địa hình: {path}", "Wrote the hillshade: {path}"),
    "err.file_too_big_split": (
        "tệp nặng {mb} MB; giới hạn là {limit} MB. Hãy chia thành các tệp nhỏ hơn",
        "file is {mb} MB; the limit is {limit} MB. Split it into smaller files",
    ),
    "err.bad_encoding": (
        "bảng mã của tệp không phải UTF-8, UTF-16 hay Windows-1258; hãy lưu tệp dưới dạng 'CSV UTF-8'",
        "the text encoding is not UTF-8, UTF-16 or Windows-1258; save the file as 'CSV UTF-8'",
    ),
    "err.no_header": ("tệp không có dòng tiêu đề", "the file has no header row"),
    "err.bad_excel": ("không đọc được tệp Excel ({error})", "not a readable Excel file ({error})"),
    "err.old_xls": (
        "không hỗ trợ tệp Excel cũ .xls; hãy lưu lại dưới dạng .xlsx hoặc CSV",
        "old Excel .xls files are not supported; save as .xlsx or CSV",
    ),
    "err.unsupported_table": (
        "không hỗ trợ loại tệp '{ext}'; hãy dùng .csv hoặc .xlsx", "unsupported file type '{ext}'; use .csv or .xlsx",
    ),
    "err.broken_csv": ("tệp CSV bị lỗi: {error}", "broken CSV: {error}"),
    # importing projects
    "err.unknown_column_ignored": ("cột không xác định, đã bỏ qua", "unknown column, ignored"),
    "err.column_twice": ("cột bị lặp (trùng với cột '{other}')", "column given twice (also '{other}')"),
    "err.no_data_rows": ("tệp không có dòng dữ liệu nào", "the file has no data rows"),
    "err.template_example_row": (
        "đây là dòng ví dụ của mẫu; hãy xóa dòng này trước khi nhập",
        "this is the template's example row; delete it before importing",
    ),
    "err.not_valid_value": ("'{value}' không phải {what} hợp lệ", "'{value}' is not a valid {what}"),
    "err.differs_from_first_row": (
        "khác với dòng {first} của cùng dự án ('{value}')", "differs from row {first} of the same project ('{value}')",
    ),
    "err.point_outside": (
        "điểm ({lon}, {lat}) nằm ngoài huyện Tam Đường", "point ({lon}, {lat}) is outside Tam Đường district",
    ),
    "err.read_as": ("'{value}' được hiểu là {name} ({code})", "'{value}' read as {name} ({code})"),
    "err.overcommit_cli": (
        "vốn cam kết vượt nhu cầu ở các dòng đã lưu ý phía trên; hãy kiểm tra lại hoặc thêm --allow-overcommit",
        "committed exceeds need in the rows noted above; check them or pass --allow-overcommit",
    ),
    "err.conflict_cli": (
        "dự án {pid} vừa bị người khác sửa (bạn đã đọc phiên bản {expected}); chưa ghi gì, hãy chạy lại lệnh nhập",
        "project {pid} was changed by someone else (you read revision {expected}); nothing written, "
        "run the import again",
    ),
    # importing layers
    "err.shp_not_zipped": (
        "Shapefile gồm nhiều tệp: hãy nén .shp, .shx, .dbf và .prj vào cùng một tệp .zip rồi tải tệp .zip lên",
        "a Shapefile is several files: zip the .shp, .shx, .dbf and .prj together and upload the .zip",
    ),
    "err.unsupported_layer": (
        "không hỗ trợ loại tệp '{ext}'; hãy dùng GeoJSON, Shapefile nén .zip, GeoPackage hoặc KML",
        "unsupported file type '{ext}'; use GeoJSON, zipped Shapefile, GeoPackage or KML",
    ),
    "err.not_gis": ("không đọc được như một tệp bản đồ (GIS): {error}", "cannot be read as a GIS file: {error}"),
    "err.no_spatial_layer": ("tệp không có lớp nào chứa hình học", "the file holds no layer with geometry"),
    "err.several_layers": (
        "tệp chứa nhiều lớp ({layers}); hãy xuất riêng lớp cần nhập ra một tệp",
        "the file holds several layers ({layers}); export the one to import into its own file",
    ),
    "err.cannot_read": ("không đọc được: {error}", "cannot be read: {error}"),
    # uploads are sniffed before GDAL sees them (geo.ingest.safe_gis)
    "err.layer_is_reference": (
        "bị từ chối: nội dung là {found}, loại tệp khiến phần mềm GIS mở tệp khác hoặc địa chỉ web; "
        "hãy tải lên chính lớp dữ liệu (GeoJSON, GeoPackage, KML hoặc Shapefile nén .zip)",
        "refused: its content is {found}, a kind of file that makes GIS software open other files or web "
        "addresses; upload the layer itself (GeoJSON, GeoPackage, KML or a zipped Shapefile)",
    ),
    "err.layer_wrong_content": (
        "không đọc được như {expected}: nội dung là {found}; chỉ đọc GeoJSON, GeoPackage, KML và Shapefile "
        "nén .zip; hãy lưu lại lớp ở một trong các dạng đó",
        "cannot be read as {expected}: its content is {found}; only GeoJSON, GeoPackage, KML and zipped "
        "Shapefiles are read; save the layer again in one of them",
    ),
    "err.zip_member_is_reference": (
        "tệp '{member}' trong tệp nén bị từ chối: nội dung là {found}, loại tệp khiến phần mềm GIS mở tệp khác "
        "hoặc địa chỉ web; hãy nén chính các tệp Shapefile (.shp, .shx, .dbf, .prj)",
        "archive member '{member}' refused: its content is {found}, a kind of file that makes GIS software open "
        "other files or web addresses; zip the Shapefile's own files (.shp, .shx, .dbf, .prj)",
    ),
    "err.zip_member_wrong_content": (
        "tệp '{member}' trong tệp nén không đọc được như {expected}: nội dung là {found}",
        "archive member '{member}' cannot be read as {expected}: its content is {found}",
    ),
    "err.geojson_crs_link": (
        "GeoJSON khai báo hệ tọa độ bằng liên kết (kiểu '{kind}'), liên kết không được mở; hãy bỏ mục \"crs\" "
        "hoặc ghi tên hệ tọa độ (ví dụ EPSG:4326)",
        "the GeoJSON gives its CRS as a link (type '{kind}'), which is not followed; remove the \"crs\" member "
        "or name the CRS (e.g. EPSG:4326)",
    ),
    "err.gpkg_active_content": (
        "GeoPackage chứa nội dung có thể tự chạy truy vấn hoặc mở tệp khác ({names}); chỉ đọc GeoPackage không có "
        "view, trigger hay bảng ảo ngoài chỉ mục không gian; hãy xuất lớp ra một GeoPackage mới",
        "the GeoPackage holds content that can run queries or open other files ({names}); only GeoPackages "
        "without views, triggers or virtual tables besides the spatial index are read; export the layer to a "
        "new GeoPackage",
    ),
    "err.gpkg_unreadable": ("không đọc được GeoPackage ({error})", "the GeoPackage cannot be read ({error})"),
    "err.fmt.vrt": ("một OGR VRT (tệp trỏ tới tệp khác)", "an OGR VRT (a file pointing at other files)"),
    "err.fmt.gdalg": ("một chuỗi lệnh GDALG (tệp chạy lệnh GDAL)", "a GDALG pipeline (a file that runs GDAL commands)"),
    "err.fmt.kml-link": ("KML có NetworkLink (nạp tệp hoặc địa chỉ web khác)",
                         "a KML with a NetworkLink (loading another file or web address)"),
    "err.fmt.json": ("JSON không phải GeoJSON", "JSON that is not GeoJSON"),
    "err.fmt.xml": ("XML không phải KML", "XML that is not KML"),
    "err.fmt.xml-dtd": ("XML có khai báo DTD/ENTITY", "XML with a DTD or entity declarations"),
    "err.fmt.sqlite": ("cơ sở dữ liệu SQLite không phải GeoPackage", "an SQLite database that is not a GeoPackage"),
    "err.fmt.text": ("văn bản thường", "plain text"),
    "err.fmt.empty": ("rỗng", "empty"),
    "err.fmt.unknown": ("không nhận ra", "not recognised"),
    "err.fmt.zip": ("tệp nén zip", "a zip archive"),
    "err.fmt.gpkg": ("GeoPackage", "GeoPackage"),
    "err.fmt.geojson": ("GeoJSON", "GeoJSON"),
    "err.fmt.kml": ("KML", "KML"),
    "err.fmt.shp": ("hình học Shapefile (.shp/.shx)", "Shapefile geometry (.shp/.shx)"),
    "err.fmt.dbf": ("bảng thuộc tính dBase (.dbf)", "a dBase attribute table (.dbf)"),
    "err.fmt.prj": ("hệ tọa độ dạng WKT (.prj)", "a WKT coordinate system (.prj)"),
    "err.bad_zip": ("không phải tệp zip hợp lệ ({error})", "not a valid zip file ({error})"),
    "err.damaged_zip": ("tệp zip bị hỏng (tệp '{member}' bên trong)", "the zip file is damaged (member '{member}')"),
    "err.zip_no_shp": (
        "tệp zip không có tệp .shp (Shapefile cần .shp, .shx và .dbf)",
        "the zip holds no .shp file (a Shapefile needs .shp, .shx and .dbf)",
    ),
    "err.zip_several": (
        "tệp zip chứa nhiều lớp ({layers}); hãy nén từng lớp riêng",
        "the zip holds several layers ({layers}); zip one at a time",
    ),
    "err.shp_incomplete": (
        "Shapefile '{name}' chưa đủ tệp: thiếu {missing}", "the Shapefile '{name}' is incomplete: missing {missing}",
    ),
    "err.unknown_crs": (
        "'{crs}' không phải hệ tọa độ đã biết (ví dụ hãy dùng EPSG:9205)",
        "'{crs}' is not a known CRS (use e.g. EPSG:9205)",
    ),
    "err.crs_needed_metres": (
        "tệp không có hệ tọa độ (.prj); tọa độ có vẻ là mét theo VN-2000: hãy xác nhận EPSG:9205 "
        "(VN-2000 / TM-3 103°, Lai Châu) hoặc EPSG:3405 (VN-2000 / UTM 48N)",
        "the file has no CRS (.prj); the coordinates look like VN-2000 metres: confirm EPSG:9205 "
        "(VN-2000 / TM-3 103°, Lai Châu) or EPSG:3405 (VN-2000 / UTM 48N)",
    ),
    "err.crs_needed_degrees": (
        "tệp không có hệ tọa độ (.prj); hãy cho biết hệ tọa độ của các tọa độ "
        "(có vẻ là độ: EPSG:4326 WGS 84 hoặc EPSG:4756 VN-2000)",
        "the file has no CRS (.prj); state the coordinate system of the coordinates "
        "(they look like degrees: EPSG:4326 WGS 84 or EPSG:4756 VN-2000)",
    ),
    "err.crs_needed": (
        "tệp không có hệ tọa độ (.prj); hãy cho biết hệ tọa độ của các tọa độ",
        "the file has no CRS (.prj); state the coordinate system of the coordinates",
    ),
    "err.crs_says_degrees": (
        "tệp ghi hệ tọa độ {crs} (độ) nhưng tọa độ lên tới {x}, {y}: có vẻ là mét. "
        "Hãy xác nhận hệ tọa độ (EPSG:9205 hoặc EPSG:3405 cho VN-2000)",
        "the file says {crs} (degrees) but the coordinates are up to {x}, {y}: they look like metres. "
        "Confirm the CRS (EPSG:9205 or EPSG:3405 for VN-2000)",
    ),
    "err.no_crs": ("lớp dữ liệu không có hệ tọa độ (CRS)", "the layer has no coordinate reference system (CRS)"),
    "err.outside_district": (
        "sau khi chuyển đổi, lớp nằm ở {x0}–{x1}°E, {y0}–{y1}°N, ngoài huyện Tam Đường "
        "({dx0}–{dx1}°E, {dy0}–{dy1}°N): sai hệ tọa độ?",
        "after conversion the layer lies at {x0}–{x1}°E, {y0}–{y1}°N, outside Tam Đường "
        "({dx0}–{dx1}°E, {dy0}–{dy1}°N): wrong CRS?",
    ),
    "err.manifest_quality": (
        "lớp '{layer}' không có mức chất lượng hợp lệ (official / approximate / illustrative)",
        "layer '{layer}' has no valid quality (official / approximate / illustrative)",
    ),
    "err.bad_gso_code": ("'{code}' không phải mã GSO 5 chữ số", "'{code}' is not a 5-digit GSO code"),
    "err.duplicate_code": ("mã '{code}' bị trùng", "duplicate code '{code}'"),
    "err.empty_geometry": ("hình học rỗng", "empty geometry"),
    "err.empty_or_missing_geometry": ("hình học rỗng hoặc bị thiếu", "empty or missing geometry"),
    "err.nan_coordinates": ("tọa độ không phải là số (NaN)", "coordinates are not numbers (NaN)"),
    "err.wrong_geometry": ("{geom_type} trong khi cần {family}", "{geom_type} where a {family} is needed"),
    "err.geom.polygon": ("vùng (polygon)", "polygon"),
    "err.geom.point": ("điểm (point)", "point"),
    "err.mixed_geometry": (
        "lẫn nhiều loại hình học ({counts}); mỗi lớp chỉ chứa một loại",
        "mixed geometry types ({counts}); a layer holds one kind",
    ),
    "err.invalid_polygon": ("vùng (polygon) không hợp lệ (tự cắt?)", "invalid polygon (self-intersection?)"),
    "err.polygon_repaired": (
        "đã sửa vùng không hợp lệ ({reason}); diện tích thay đổi {pct}%",
        "invalid polygon ({reason}) repaired; area changed by {pct}%",
    ),
    "err.polygon_not_repaired_area": (
        "vùng không hợp lệ ({reason}); không sửa vì việc sửa làm diện tích thay đổi {pct}% (giới hạn {limit}%)",
        "invalid polygon ({reason}); not repaired because repair would change its area by {pct}% (limit {limit}%)",
    ),
    "err.polygon_not_repaired_zero": (
        "vùng không hợp lệ ({reason}); không sửa vì diện tích có hướng bằng 0 (hình số tám hoặc suy biến) "
        "(giới hạn {limit}%)",
        "invalid polygon ({reason}); not repaired because its signed area is zero (figure-eight or degenerate) "
        "(limit {limit}%)",
    ),
    "err.unknown_kind": (
        "loại lớp '{kind}' không hợp lệ; hãy dùng một trong: {kinds}", "unknown layer kind '{kind}'; use one of {kinds}",
    ),
    "err.no_features": ("lớp không có đối tượng nào", "the layer has no features"),
    "err.no_commune_attribute": (
        "các đối tượng không có thuộc tính nào cho biết là xã nào (cần trường mã GSO hoặc tên xã)",
        "the features have no attribute to tell which commune they are (need a GSO code or a name field)",
    ),
    "err.no_commune_match": (
        "không có xã nào của Tam Đường khớp với đối tượng này ({tried})",
        "no commune of Tam Đường matches this feature ({tried})",
    ),
    "err.duplicate_commune_feature": (
        "trùng mã {code}: dòng {first} và dòng {second} là cùng một xã",
        "duplicate code {code}: rows {first} and {second} are the same commune",
    ),
    "err.missing_field": ("thiếu trường '{field}' ({options})", "missing field '{field}' ({options})"),
    "err.not_one_of": ("'{value}' không thuộc danh sách: {options}", "'{value}' is not one of {options}"),
    # risk-class mapping of an official zoning map (issue 19)
    "err.risk_class_unmapped": (
        "giá trị '{value}' chưa ứng với mức nguy cơ nào; hãy chọn mức cho nó trong bảng đối chiếu "
        "(dòng lệnh: --map '{value}=high'), một trong: {options}",
        "the value '{value}' is not mapped to a risk class; choose its class in the mapping table "
        "(command line: --map '{value}=high'), one of: {options}",
    ),
    "err.class_map_target": (
        "đối chiếu '{value}={target}': '{target}' không phải mức nguy cơ; dùng một trong: {options}",
        "mapping '{value}={target}': '{target}' is not a risk class; use one of: {options}",
    ),
    "err.class_map_syntax": ("'{pair}' không có dạng GIÁ_TRỊ=mức, ví dụ 4=high",
                             "'{pair}' is not of the form VALUE=class, e.g. 4=high"),
    "err.class_field_missing": ("tệp không có trường '{field}'; các trường có: {fields}",
                                "the file has no field '{field}'; its fields: {fields}"),
    "err.class_field_many_values": (
        "trường '{field}' có {n} giá trị khác nhau (tối đa {limit}): không phải trường phân cấp nguy cơ; "
        "hãy chọn trường khác",
        "field '{field}' has {n} distinct values (at most {limit}): not a risk-class field; choose another field",
    ),
    "err.class_options_risk_only": ("trường phân cấp và bảng đối chiếu chỉ dùng cho lớp vùng nguy cơ sạt lở",
                                    "the class field and the class mapping apply to landslide risk zones only"),
    "err.duplicate_id": ("mã '{id}' bị trùng (dòng {rows})", "duplicate id '{id}' (rows {rows})"),
    "err.missing_project_field": (
        "thiếu trường 'project_id' để biết mỗi điểm thuộc dự án nào",
        "missing field 'project_id' to tell which project each point is",
    ),
    "err.unknown_project": ("không có dự án '{pid}'", "unknown project '{pid}'"),
    "err.duplicate_project": (
        "dự án '{pid}' bị trùng (dòng {first} và dòng {second})", "duplicate project '{pid}' (rows {first} and {second})",
    ),
    "err.provenance_required": ("bắt buộc: hãy ghi nguồn gốc của lớp này", "required: say where this layer comes from"),
    "err.bad_date": ("'{date}' không phải ngày dạng 2025-06-30", "'{date}' is not a date like 2025-06-30"),
    "err.bad_quality": (
        "'{quality}' không phải official, approximate hay illustrative",
        "'{quality}' is not official, approximate or illustrative",
    ),
    "err.nothing_to_import": ("không có gì để nhập", "nothing to import"),
    # the store (geo/gpkg_store.py)
    "err.store_newer": (
        "tệp dữ liệu được ghi bởi phiên bản mới hơn của ứng dụng (lược đồ {found}); hãy cập nhật ứng dụng",
        "written by a newer version of the atlas (schema {found}); update the app",
    ),
    # the shared PostGIS store (geo/storage/postgis_store.py), opened at start
    "err.unexpected": (
        "Trang này gặp lỗi không lường trước. Hãy thử lại; nếu lỗi lặp lại, gửi mã {ref} cho người quản trị "
        "(mã này có trong nhật ký máy chủ, kèm chi tiết lỗi).",
        "This page hit an unexpected error. Try again; if it happens again, send the reference {ref} to the "
        "administrator (the server log holds the details under it).",
    ),
    "err.db_unreachable": (
        "Không kết nối được máy chủ cơ sở dữ liệu {url} ({reason}). Cách sửa: kiểm tra máy chủ PostgreSQL đang chạy"
        " và nhận kết nối, rồi kiểm tra máy, cổng, tên cơ sở dữ liệu, người dùng và mật khẩu trong ATLAS_DATABASE_URL;"
        " hoặc bỏ ATLAS_DATABASE_URL để dùng tệp GeoPackage trên máy này.",
        "Cannot connect to the database server {url} ({reason}). To fix: check that the PostgreSQL server is running"
        " and accepts connections, then check host, port, database name, user and password in ATLAS_DATABASE_URL;"
        " or unset ATLAS_DATABASE_URL to use the GeoPackage file on this computer.",
    ),
    "err.db_schema_unknown": (
        "cơ sở dữ liệu có lược đồ {found}, ứng dụng này không nâng cấp được lên lược đồ {expected};"
        " hãy dùng một cơ sở dữ liệu trống hoặc cơ sở dữ liệu do ứng dụng này tạo",
        "the database has schema {found}, which this app cannot upgrade to schema {expected};"
        " use an empty database or one this app created",
    ),
    "err.db_driver_missing": (
        "ATLAS_DATABASE_URL được đặt nhưng thiếu thư viện PostgreSQL; hãy chạy: pip install -r requirements.txt",
        "ATLAS_DATABASE_URL is set but the PostgreSQL library is missing; run: pip install -r requirements.txt",
    ),
    "err.db_bad_url": (
        "ATLAS_DATABASE_URL '{url}' không phải địa chỉ PostgreSQL; hãy dùng dạng"
        " postgresql://người_dùng:mật_khẩu@máy:5432/tên_csdl, hoặc bỏ biến này để dùng tệp GeoPackage.",
        "ATLAS_DATABASE_URL '{url}' is not a PostgreSQL address; use the form"
        " postgresql://user:password@host:5432/database, or unset it to use the GeoPackage file.",
    ),
    # a store that explains itself (geo/storage/gpkg_store.store_error, postgis_store, transfer.py)
    "err.store_missing": (
        "không có tệp dữ liệu {path}; hãy kiểm tra đường dẫn",
        "there is no store file at {path}; check the path",
    ),
    "err.store_empty_file": (
        "tệp dữ liệu {path} trống (0 byte), có thể do một lần sao chép bị ngắt. Cách sửa: khôi phục bản sao lưu"
        " (python -m geo store restore TỆP), hoặc chuyển tệp này đi chỗ khác để ứng dụng tạo tệp mới từ dữ liệu kèm theo.",
        "the store file {path} is empty (0 bytes), perhaps from an interrupted copy. To fix: restore a backup"
        " (python -m geo store restore FILE), or move this file away and the app creates a new one from the bundled data.",
    ),
    "err.store_not_database": (
        "{path} không phải tệp dữ liệu của ứng dụng (không phải GeoPackage/SQLite, hoặc phần đầu tệp bị hỏng). Cách sửa:"
        " khôi phục bản sao lưu (python -m geo store restore TỆP), hoặc chuyển tệp này đi chỗ khác để tạo tệp mới.",
        "{path} is not an atlas store (not a GeoPackage/SQLite file, or its start is damaged). To fix: restore a"
        " backup (python -m geo store restore FILE), or move this file away and the app creates a new one.",
    ),
    "err.store_damaged": (
        "tệp dữ liệu {path} bị hỏng ({reason}); không sửa gì trong đó. Cách sửa: khôi phục bản sao lưu"
        " (python -m geo store restore TỆP), hoặc chuyển tệp này đi chỗ khác để ứng dụng tạo tệp mới từ dữ liệu kèm theo.",
        "the store file {path} is damaged ({reason}); nothing in it was changed. To fix: restore a backup"
        " (python -m geo store restore FILE), or move this file away and the app creates a new one from the bundled data.",
    ),
    "err.store_foreign": (
        "{path} là một GeoPackage khác, không phải tệp dữ liệu của ứng dụng (các bảng: {tables}); không sửa gì trong đó."
        " Cách sửa: đặt ATLAS_DATA_DIR sang thư mục khác, hoặc chuyển tệp này đi chỗ khác.",
        "{path} is some other GeoPackage, not an atlas store (its tables: {tables}); nothing in it was changed."
        " To fix: point ATLAS_DATA_DIR at another folder, or move this file away.",
    ),
    "err.store_folder_readonly": (
        "không ghi được vào thư mục dữ liệu {path} (chỉ đọc). Cách sửa: cấp quyền ghi cho thư mục này, hoặc đặt"
        " ATLAS_DATA_DIR sang một thư mục ghi được.",
        "cannot write in the data folder {path} (it is read-only). To fix: make it writable, or point ATLAS_DATA_DIR"
        " at a folder you can write to.",
    ),
    "err.store_readonly": (
        "tệp dữ liệu {path} chỉ đọc: thay đổi chưa được lưu, dữ liệu giữ nguyên. Cách sửa: cấp quyền ghi cho tệp"
        " và thư mục chứa nó.",
        "the store file {path} is read-only: the change was not saved and the data is as it was. To fix: make the"
        " file and its folder writable.",
    ),
    "err.store_path_not_folder": (
        "thư mục dữ liệu không tạo được vì {path} là một tệp, không phải thư mục. Cách sửa: đặt ATLAS_DATA_DIR sang"
        " một thư mục, hoặc đổi tên tệp đó.",
        "the data folder cannot be made because {path} is a file, not a folder. To fix: point ATLAS_DATA_DIR at a"
        " folder, or rename that file.",
    ),
    "err.folder_is_file": (
        "không tạo được thư mục {path} vì ở đó đã có một tệp cùng tên: không có gì được lưu, dữ liệu giữ nguyên."
        " Cách sửa: đổi tên hoặc chuyển tệp đó đi rồi thử lại.",
        "cannot make the folder {path}: a file of that name is in the way. Nothing was saved and the data is as"
        " it was. To fix: rename or move that file, then try again.",
    ),
    "err.store_disk_full": (
        "ổ đĩa chứa {path} đã đầy: không có gì được lưu, dữ liệu giữ nguyên. Cách sửa: giải phóng dung lượng rồi thử lại.",
        "the disk holding {path} is full: nothing was saved and the data is as it was. To fix: free some space, then"
        " try again.",
    ),
    "err.store_appeared": (
        "trong lúc sao chép, một tệp dữ liệu khác vừa được tạo tại {path}; không ghi đè. Hãy chạy lại lệnh với --replace.",
        "while copying, another store was created at {path}; it was not overwritten. Run the command again with --replace.",
    ),
    "err.db_readonly": (
        "người dùng '{user}' chỉ được đọc cơ sở dữ liệu {url}: thay đổi chưa được lưu (xem vẫn được). Cách sửa: nhờ người"
        " quản trị cấp quyền ghi (GRANT INSERT, UPDATE, DELETE), hoặc dùng người dùng khác trong ATLAS_DATABASE_URL.",
        "the user '{user}' may only read the database {url}: the change was not saved (reading still works). To fix:"
        " ask the administrator for write rights (GRANT INSERT, UPDATE, DELETE), or use another user in ATLAS_DATABASE_URL.",
    ),
    "err.db_disk_full": (
        "máy chủ cơ sở dữ liệu {url} hết dung lượng đĩa: không có gì được lưu. Cách sửa: nhờ người quản trị giải phóng"
        " dung lượng rồi thử lại.",
        "the database server {url} is out of disk space: nothing was saved. To fix: ask the administrator to free"
        " space, then try again.",
    ),
    "err.audit_refused": (
        "thay đổi chưa được lưu vì không ghi được vào nhật ký thay đổi: cơ sở dữ liệu từ chối dòng nhật ký, nên "
        "không có gì thay đổi. Cách sửa: nhờ người quản trị xem bảng nhật ký (atlas_audit) và các ràng buộc của nó "
        "(cơ sở dữ liệu trả lời: {reason}).",
        "the change was not saved because the audit log could not be written: the database refused the log row, so "
        "nothing changed. To fix: ask the administrator to look at the log table (atlas_audit) and its constraints "
        "(the database said: {reason}).",
    ),
    "err.db_empty": (
        "cơ sở dữ liệu {url} chưa có dữ liệu của ứng dụng; tạo bằng: python -m geo store init URL",
        "the database {url} holds no atlas store yet; create one with: python -m geo store init URL",
    ),
    # python -m geo store … (geo/cli/store.py, geo/storage/transfer.py, check.py)
    "store.same": ("nguồn và đích là cùng một kho {src}; không sao chép gì", "source and target are the same store {src}; nothing was copied"),
    "store.source_empty": ("{src} không chứa dữ liệu của ứng dụng; không sao chép gì", "{src} holds no atlas store; nothing was copied"),
    "store.target_not_empty": (
        "{dst} đã có dữ liệu; không sao chép gì. Muốn ghi đè thì thêm --replace (dữ liệu hiện có sẽ mất; hãy sao lưu"
        " trước: python -m geo store backup --out TỆP).",
        "{dst} already holds data; nothing was copied. To overwrite it add --replace (what it holds now is lost;"
        " back it up first: python -m geo store backup --out FILE).",
    ),
    "store.verify_missing": ("bản sao trong {dst} thiếu bảng {table} (hoặc có bảng thừa)", "the copy in {dst} lacks table {table} (or has it in excess)"),
    "store.verify_rows": ("bảng {table} trong {dst} có {found} dòng, nguồn có {expected}", "table {table} in {dst} has {found} rows, the source {expected}"),
    "store.verify_checksum": ("nội dung bảng {table} trong {dst} khác nguồn (tổng kiểm không khớp)", "the content of table {table} in {dst} differs from the source (checksum mismatch)"),
    "store.verify_backup": ("bản sao lưu {out} không qua được kiểm tra ({detail}); không ghi", "the backup {out} failed its check ({detail}); not written"),
    "store.out_exists": ("{out} đã có; không ghi gì. Chọn tệp khác hoặc thêm --replace", "{out} already exists; nothing was written. Choose another file or add --replace"),
    "store.copied": ("đã sao chép {tables} bảng ({rows} dòng) từ {src} sang {dst}; số dòng và tổng kiểm từng bảng khớp",
                     "copied {tables} tables ({rows} rows) from {src} to {dst}; row counts and checksums match table by table"),
    "store.table_line": ("  {table}: {rows} dòng, tổng kiểm {checksum}", "  {table}: {rows} rows, checksum {checksum}"),
    "store.init_done": ("đã tạo kho {dst} từ dữ liệu kèm theo (lược đồ {schema})", "created the store {dst} from the bundled data (schema {schema})"),
    "store.init_exists": ("{dst} đã là kho dữ liệu của ứng dụng (lược đồ {schema}); không thay đổi gì", "{dst} already holds an atlas store (schema {schema}); nothing changed"),
    "store.check_head": ("kho {loc}: lược đồ {schema} (ứng dụng này: {app})", "store {loc}: schema {schema} (this app: {app})"),
    "store.check_ok": ("không thấy lỗi nào", "no problems found"),
    "store.check_problems": ("thấy {n} lỗi:", "{n} problems found:"),
    "store.backup_done": ("đã sao lưu {src} vào {out} ({tables} bảng, {rows} dòng, đã kiểm tra)", "backed up {src} to {out} ({tables} tables, {rows} rows, checked)"),
    "store.restore_done": ("đã khôi phục {file} vào {dst} ({tables} bảng, {rows} dòng); số dòng và tổng kiểm khớp",
                           "restored {file} into {dst} ({tables} tables, {rows} rows); row counts and checksums match"),
    "store.restore_safety": ("dữ liệu trước khi khôi phục được giữ ở {path}", "the data as it was before the restore is kept in {path}"),
    "check.missing_table": ("thiếu bảng {table}", "table {table} is missing"),
    "check.no_schema": ("không có phiên bản lược đồ trong atlas_meta", "atlas_meta has no schema version"),
    "check.schema_differs": ("lược đồ {found} khác lược đồ của ứng dụng ({app})", "schema {found} differs from this app's ({app})"),
    "check.sqlite_integrity": ("SQLite báo tệp hỏng: {detail}", "SQLite reports damage: {detail}"),
    "check.foreign_key": ("bảng {table} dòng {row} trỏ tới dòng không có trong {parent}", "table {table} row {row} points to a missing row of {parent}"),
    "check.invalid_geometry": ("lớp {layer}, đối tượng {fid}: hình học không hợp lệ ({reason})", "layer {layer}, feature {fid}: invalid geometry ({reason})"),
    "check.wrong_srid": ("lớp {layer}, đối tượng {fid}: hệ tọa độ {srid}, không phải 4326", "layer {layer}, feature {fid}: SRID {srid}, not 4326"),
    "check.orphan_funding": ("{n} dòng vốn thuộc dự án không có: {pids}", "{n} funding lines belong to no project: {pids}"),
    "check.orphan_money": ("{n} khoản tiền thuộc dự án không có: {pids}", "{n} money records belong to no project: {pids}"),
    "check.revision_unaudited": ("dự án {pid} ở phiên bản {rev} nhưng nhật ký không ghi thay đổi nào", "project {pid} is at revision {rev} but the audit trail records no change"),
    "check.revision_audit": ("dự án {pid} ở phiên bản {rev}, nhật ký ghi lần cuối '{action}' phiên bản {audited}",
                             "project {pid} is at revision {rev}, the audit trail last records '{action}' at revision {audited}"),
    "check.audit_no_project": ("nhật ký ghi '{action}' cho dự án {pid} nhưng dự án không có", "the audit trail records '{action}' for project {pid}, which does not exist"),
    "err.project_exists": ("mã dự án '{pid}' đã có", "project_id '{pid}' already exists"),
    "err.project_id_fixed": (
        "không thể đổi mã dự án; hãy tạo dự án mới", "the project id cannot be changed; create a new project instead",
    ),
    "err.no_version": ("dự án {pid} không có phiên bản #{id} ({which})", "no version #{id} ({which}) of project {pid}"),
    "err.version.after": ("sau thay đổi", "after"),
    "err.version.before": ("trước thay đổi", "before"),
    "err.unknown_layer": (
        "lớp không xác định; hãy dùng một trong: {layers}", "unknown layer; expected one of {layers}",
    ),
    "err.donor_exists": ("mã nhà tài trợ '{did}' đã có", "donor_id '{did}' already exists"),
    # --- money records (issue 16) ---------------------------------------------------------------
    "err.money.kind": ("loại '{value}' không có; chọn một trong: {kinds}", "kind '{value}' is unknown; use one of: {kinds}"),
    "err.money.source": ("nguồn vốn '{value}' không có; chọn một trong: {sources}",
                         "funding source '{value}' is unknown; use one of: {sources}"),
    "err.money.amount": ("số tiền '{value}' không hợp lệ: cần một số nguyên đồng từ 0 đến {max}",
                         "amount '{value}' is not valid: give whole đồng from 0 to {max}"),
    "err.money.currency": ("mã tiền tệ '{value}' không hợp lệ (ba chữ cái ISO 4217, ví dụ VND, USD)",
                           "currency '{value}' is not valid (three ISO 4217 letters, e.g. VND, USD)"),
    "err.money.fx_needed": ("số tiền bằng {currency} cần số tiền gốc và tỷ giá (đồng cho một {currency}) lớn hơn 0",
                            "an amount in {currency} needs the original amount and the rate (VND per {currency}), above 0"),
    "err.money.fx_mismatch": ("số tiền {amount} đồng khác số tiền gốc nhân tỷ giá ({converted} đồng); sửa một trong hai hoặc để trống số tiền",
                              "amount {amount} VND differs from original amount × rate ({converted} VND); correct one or leave the amount empty"),
    "err.money.fx_without_currency": ("có số tiền gốc hoặc tỷ giá nhưng tiền tệ là VND; ghi mã tiền tệ gốc",
                                      "an original amount or rate is given but the currency is VND; give the original currency"),
    "err.money.budget_year": ("kế hoạch vốn năm cần ghi năm ({lo}–{hi})", "a yearly budget needs its year ({lo}–{hi})"),
    "err.money.budget_date": ("kế hoạch vốn năm ghi theo năm, không theo ngày; để trống ngày",
                              "a yearly budget has a year, not a date; leave the date empty"),
    "err.money.year_not_budget": ("chỉ kế hoạch vốn năm mới ghi năm; giao dịch ghi ngày (hoặc để trống nếu không rõ)",
                                  "only a yearly budget has a year; a transaction has a date (or none when it is unknown)"),
    "err.money.date": ("ngày '{value}' không hợp lệ: ghi NNNN-TT-NN (2000–2040) hoặc để trống nếu không rõ",
                       "date '{value}' is not valid: write YYYY-MM-DD (2000–2040), or leave it empty when unknown"),
    "err.money.date_future": ("ngày '{value}' ở sau hôm nay ({today}): chỉ ghi giao dịch đã diễn ra",
                              "date '{value}' is after today ({today}): record only transactions that took place"),
    "err.money.note_long": ("ghi chú dài quá {n} ký tự", "the note is longer than {n} characters"),
    "err.money.no_project": ("không có dự án '{pid}' để ghi khoản tiền này", "there is no project '{pid}' for this amount"),
    "err.money.exists": ("khoản tiền '{rid}' đã có", "money record '{rid}' already exists"),
    "err.money.project_fixed": ("không thể chuyển khoản tiền sang dự án khác; xóa rồi ghi lại",
                                "a money record cannot move to another project; delete it and record it again"),
    "xport.col.record_id": ("Mã khoản tiền", "Record ID"),
    "xport.col.project_id": ("Mã dự án", "Project ID"),
    "xport.col.kind": ("Loại", "Kind"),
    "xport.col.source": ("Nguồn vốn", "Funding source"),
    "xport.col.amount": ("Số tiền (VND)", "Amount (VND)"),
    "xport.col.currency": ("Tiền tệ gốc", "Original currency"),
    "xport.col.original_amount": ("Số tiền gốc", "Original amount"),
    "xport.col.rate": ("Tỷ giá (đồng/đơn vị)", "Rate (VND per unit)"),
    "xport.col.date": ("Ngày (NNNN-TT-NN)", "Date (YYYY-MM-DD)"),
    "xport.col.date_unknown": ("Không rõ ngày", "Date unknown"),
    "xport.col.origin": ("Nguồn gốc số liệu", "Provenance"),
    "xport.col.note": ("Ghi chú", "Note"),
    "xport.col.year": ("Năm kế hoạch", "Budget year"),
    "xport.col.donor": ("Nhà tài trợ", "Funder"),
    "xport.col.lead_agency": ("Đơn vị thực hiện", "Implementer"),
    "xport.col.content_area": ("Lĩnh vực (nội dung thu hút)", "Sector (content area)"),
    "xport.col.content_area_code": ("Mã lĩnh vực", "Sector code"),
    "xport.col.commune_code": ("Mã xã", "Commune code"),
    "xport.col.commune_name": ("Tên xã", "Commune name"),
    "xport.col.status": ("Trạng thái", "Status"),
    "xport.col.status_code": ("Mã trạng thái", "Status code"),
    "xport.col.name_vi": ("Tên dự án (tiếng Việt)", "Project name (Vietnamese)"),
    "xport.col.name_en": ("Tên dự án (tiếng Anh)", "Project name (English)"),
    "xport.col.description": ("Mô tả", "Description"),
    "xport.col.start_year": ("Năm bắt đầu", "Start year"),
    "xport.col.end_year": ("Năm kết thúc", "End year"),
    "xport.col.need": ("Nhu cầu vốn (VND)", "Need (VND)"),
    "xport.col.committed": ("Đã cam kết (VND)", "Committed (VND)"),
    "xport.col.disbursed": ("Đã giải ngân (VND)", "Disbursed (VND)"),
    "xport.col.quality": ("Chất lượng số liệu", "Data quality"),
    "xport.col.usd": ("Số tiền (USD)", "Amount (USD)"),
    "xport.col.usd_basis": ("Cách tính USD", "USD basis"),
    "xport.usd_no_reference": ("không có tỷ giá tham chiếu trong atlas.toml: chỉ quy đổi khoản ghi bằng USD",
                               "no reference rate in atlas.toml: only amounts kept in USD are given in USD"),
    "xport.table.money_transactions": ("Giao dịch vốn theo ngày", "Dated money transactions"),
    "xport.table.money_budgets": ("Kế hoạch vốn năm", "Yearly budgets"),
    "xport.usd_original": ("số tiền gốc bằng USD", "original amount in USD"),
    "xport.usd_reference": ("theo tỷ giá tham chiếu {rate} đồng/USD ({source}, {date})",
                            "at the reference rate of {rate} VND per USD ({source}, {date})"),
    "xport.usd_reference_undated": ("theo tỷ giá tham chiếu {rate} đồng/USD ({source})",
                                    "at the reference rate of {rate} VND per USD ({source})"),
    "xport.usd_none": ("không có tỷ giá: không quy đổi", "no rate: not converted"),
    "err.config_usd_rate_source": ("tỷ giá tham chiếu cần ghi nguồn (usd_rate_source)",
                                   "a reference rate needs its source (usd_rate_source)"),
    "err.config_usd_rate_date": ("ngày của tỷ giá tham chiếu '{value}' không hợp lệ (NNNN-TT-NN)",
                                 "the reference rate's date '{value}' is not valid (YYYY-MM-DD)"),
    "err.config_iati_ref": (
        "mã tổ chức báo cáo IATI '{value}' không hợp lệ: chữ, số, '-', '_', '.'; không dấu cách, không '/', '&', '|', '?'",
        "the IATI reporting-organisation ref '{value}' is not valid: letters, digits, '-', '_', '.'; no spaces, "
        "no '/', '&', '|', '?'"),
    # IATI 2.03 export (issue 16 item 4): the file is refused whole when a check fails; nothing is written
    "err.iati_xml": ("tệp IATI không phải XML đọc được (dòng {line}): {detail}",
                     "the IATI file is not readable XML (line {line}): {detail}"),
    "err.iati_xsd": (
        "hoạt động '{activity}', phần tử {element} (dòng {line}): không đúng lược đồ IATI 2.03; trình kiểm tra báo: {detail}",
        "activity '{activity}', element {element} (line {line}): does not follow the IATI 2.03 schema; the "
        "validator says: {detail}"),
    "err.iati_no_description": (
        "hoạt động '{activity}', phần tử {element}: IATI cần một mô tả; dự án chưa có mô tả tiếng Việt hay tiếng Anh "
        "(thêm ở trang Quản lý dữ liệu)",
        "activity '{activity}', element {element}: IATI needs a description; the project has none in Vietnamese "
        "or English (add one on the data page)"),
    "err.iati_identifier": (
        "hoạt động '{activity}', phần tử {element}: mã hoạt động phải bắt đầu bằng mã tổ chức báo cáo '{ref}'",
        "activity '{activity}', element {element}: the identifier must start with the reporting-org ref '{ref}'"),
    "err.iati_budget_period": (
        "hoạt động '{activity}', phần tử {element}: kỳ ngân sách {start} – {end} phải bắt đầu trước khi kết thúc "
        "và dài không quá một năm",
        "activity '{activity}', element {element}: the budget period {start} – {end} must start before it ends "
        "and last at most one year"),
    "err.iati_future_transaction": (
        "hoạt động '{activity}', phần tử {element}: giao dịch ngày {day} ở tương lai (hôm nay {today}); "
        "IATI chỉ nhận giao dịch đã xảy ra",
        "activity '{activity}', element {element}: the transaction dated {day} is in the future (today is "
        "{today}); IATI takes only transactions that have happened"),
    "err.iati_sector_sum": (
        "hoạt động '{activity}', phần tử {element}: tỷ lệ các lĩnh vực DAC (vocabulary 1) cộng lại {total}, phải đúng 100",
        "activity '{activity}', element {element}: the DAC (vocabulary 1) sector percentages add up to {total}, "
        "not 100"),
    "err.money_import.missing_column": ("thiếu cột '{name}'", "column '{name}' is missing"),
    "err.money_import.no_project_id": ("thiếu mã dự án", "the project ID is missing"),
    "err.money_import.id_twice": ("mã khoản tiền '{rid}' đã có ở dòng {other} của tệp",
                                  "record ID '{rid}' is already on row {other} of the file"),
    "err.money_import.no_record_id": ("khoản tiền nhập từ tệp cần mã khoản tiền", "an imported money record needs its record ID"),
    "err.money_import.empty": ("tệp không có khoản tiền nào để nhập", "the file has no money records to import"),
    "err.money_import.conflict": ("khoản tiền '{rid}' vừa được người khác thay đổi; xem trước lại rồi nhập",
                                  "money record '{rid}' was changed by someone else meanwhile; preview again"),
    "money_import.cli_summary": ("{file}: mã hóa {enc}; {n} khoản tiền ({new} mới, {changed} thay đổi, "
                                 "{unchanged} không đổi)",
                                 "{file}: {enc}, {n} money records ({new} new, {changed} changed, "
                                 "{unchanged} unchanged)"),
    "money_import.dry_run": ("chỉ xem trước (--dry-run): chưa ghi gì", "preview only (--dry-run): nothing written"),
    # --- IATI import (issue 16 item 5; geo/ingest/iati.py) --------------------------------------------------
    "err.iati.malformed": ("XML hỏng ở dòng {line}: {msg}; không ghi gì", "malformed XML at line {line}: {msg}; nothing written"),
    "err.iati.dtd": ("tệp khai báo DTD hoặc thực thể (dòng {line}): vì an toàn, tệp IATI có DTD không được đọc",
                     "the file declares a DTD or entities (line {line}): for safety an IATI file with a DTD is refused"),
    "err.iati.xinclude": ("tệp dùng XInclude (dòng {line}): không được đọc", "the file uses XInclude (line {line}): refused"),
    "err.iati.root": ("phần tử gốc là <{tag}> (dòng {line}), không phải <iati-activities>: không phải tệp hoạt động IATI",
                      "the root element is <{tag}> (line {line}), not <iati-activities>: not an IATI activity file"),
    "err.iati.version": ("phiên bản IATI '{version}' (dòng {line}) không được hỗ trợ; hỗ trợ: {versions}",
                         "IATI version '{version}' (line {line}) is not supported; supported: {versions}"),
    "err.iati.twice": ("hoạt động {activity}, {element}: mã hoạt động lặp lại (lần đầu ở dòng {line})",
                       "activity {activity}, {element}: the identifier appears twice (first at line {line})"),
    "err.iati.no_identifier": ("hoạt động {activity}, {element}: thiếu mã hoạt động",
                               "activity {activity}, {element}: no identifier"),
    "err.iati.no_title": ("hoạt động {activity}, {element}: thiếu tên", "activity {activity}, {element}: no title"),
    "err.iati.no_area": ("hoạt động {activity}, {element}: không lĩnh vực nào ứng với một nội dung thu hút "
                         "(mã DAC trong tệp: {codes})",
                         "activity {activity}, {element}: no sector maps to one content area (DAC codes in the "
                         "file: {codes})"),
    "err.iati.no_date": ("hoạt động {activity}, {element}: thiếu {which} (NNNN-TT-NN)",
                         "activity {activity}, {element}: no {which} (YYYY-MM-DD)"),
    "err.iati.amount": ("hoạt động {activity}, {element}: số tiền '{value}' không đọc được hoặc là số âm",
                        "activity {activity}, {element}: amount '{value}' is not a number or is negative"),
    "err.iati.no_currency": ("hoạt động {activity}, {element}: không ghi tiền tệ (không có default-currency)",
                             "activity {activity}, {element}: no currency (and no default-currency)"),
    "err.iati.no_rate": ("hoạt động {activity}, {element}: tiền tệ {currency} không có tỷ giá "
                         "(thêm --rate {currency}=… --rate-source …)",
                         "activity {activity}, {element}: currency {currency} without a rate "
                         "(give --rate {currency}=… and --rate-source …)"),
    "err.iati.field": ("hoạt động {activity}, {element}: {what}", "activity {activity}, {element}: {what}"),
    "err.iati.rate_pair": ("--rate và --rate-source phải đi cùng nhau (tỷ giá nào, lấy từ đâu)",
                           "--rate and --rate-source go together (which rate, and where it comes from)"),
    "err.iati.rate_bad": ("tỷ giá '{value}' không hợp lệ: cần dạng USD=25.000 (đồng cho một đơn vị)",
                          "rate '{value}' is not valid: write USD=25,000 (VND per unit)"),
    "err.iati.empty": ("không hoạt động nào trong {n} hoạt động của tệp nằm trong huyện",
                       "none of the file's {n} activities lies in the district"),
    "note.iati.other_communes": ("hoạt động {activity}, {element}: cũng có địa điểm ở {communes}; dự án ghi ở "
                                 "{commune} (địa điểm đầu tiên), vì mỗi dự án thuộc một xã",
                                 "activity {activity}, {element}: also located in {communes}; the project is "
                                 "recorded in {commune} (the first location), as a project has one commune"),
    "note.iati.by_name": ("hoạt động {activity}, {element}: '{value}' được đọc là {commune}",
                          "activity {activity}, {element}: '{value}' read as {commune}"),
    "note.iati.pos": ("hoạt động {activity}, {element}: tọa độ '{value}' không đọc được (cần 'vĩ độ kinh độ')",
                      "activity {activity}, {element}: position '{value}' is not 'latitude longitude'"),
    "note.iati.budget_span": ("hoạt động {activity}, {element}: kỳ ngân sách {start} – {end} trải qua hai năm nên "
                              "không nhập (không chia theo ước đoán)",
                              "activity {activity}, {element}: the budget period {start} – {end} spans two years, "
                              "so it is left out (never split by guess)"),
    "note.iati.budget_revised": ("hoạt động {activity}, {element}: năm {year} lấy ngân sách điều chỉnh, bỏ ngân "
                                 "sách gốc", "activity {activity}, {element}: {year} takes the revised budget, "
                                 "not the original one"),
    "note.iati.raised": ("hoạt động {activity}, {element}: nguồn {source} giải ngân nhiều hơn cam kết; dòng vốn "
                         "ghi số đã cam kết bằng số đã giải ngân",
                         "activity {activity}, {element}: {source} disbursed more than it committed; the "
                         "funding line records committed as the disbursed sum"),
    "iati.cli_summary": ('{file}: IATI {version}; đọc {n} hoạt động, {kept} trong huyện ({new} mới, {changed} thay đổi, {unchanged} không đổi), {outside} ngoài huyện; {money} khoản tiền ({money_new} mới, {money_changed} thay đổi; {money_gone} khoản của lần nhập trước không còn trong tệp sẽ bị xóa)',
        '{file}: IATI {version}; {n} activities read, {kept} in the district ({new} new, {changed} changed, {unchanged} unchanged), {outside} elsewhere; {money} money records ({money_new} new, {money_changed} changed; {money_gone} of an earlier import no longer in the file, to be removed)'),
    "iati.cli_written": ('đã ghi: dự án {created} mới, {updated} cập nhật, {unchanged} không đổi; khoản tiền {money_created} mới, {money_updated} cập nhật, {money_unchanged} không đổi, {money_deleted} xóa',
        'written: projects {created} created, {updated} updated, {unchanged} unchanged; money records {money_created} created, {money_updated} updated, {money_unchanged} unchanged, {money_deleted} removed'),
    "iati.nothing_to_do": ("không có gì thay đổi: mọi hoạt động và khoản tiền đã có trong kho; không ghi gì",
                           "nothing changes: every activity and money record is already stored; nothing written"),
    "iati.tab": ("Nhập IATI", "IATI import"),
    "iati.intro": ("Đọc tệp hoạt động IATI (phiên bản 2.01–2.03) mà nhà tài trợ công bố; chỉ giữ các hoạt động "
                   "có địa điểm trong huyện (mã GSO, tọa độ hoặc tên xã). Nhập lại cùng một tệp không thay đổi gì.",
                   "Reads a donor's published IATI activity file (versions 2.01–2.03) and keeps only the activities "
                   "located in the district (GSO code, coordinates or commune name). Importing the same file again "
                   "changes nothing."),
    "iati.upload": ("Tệp hoạt động IATI (XML)", "IATI activity file (XML)"),
    "iati.rates": ("Tỷ giá cho tiền tệ khác VND (mỗi dòng một, ví dụ USD=25.000)",
                   "Rates for currencies other than VND (one a line, e.g. USD=25,000)"),
    "iati.rate_source": ("Nguồn tỷ giá (ví dụ: NHNN 30/11/2026)", "Rate source (e.g. SBV 2026-11-30)"),
    "iati.summary": ('**{file}** (IATI {version}): đọc {n} hoạt động, **{kept}** trong huyện ({new} mới, {changed} thay đổi, {unchanged} không đổi), {outside} ngoài huyện; {money} khoản tiền ({gone} khoản của lần nhập trước không còn trong tệp sẽ bị xóa).',
        '**{file}** (IATI {version}): {n} activities read, **{kept}** in the district ({new} new, {changed} changed, {unchanged} unchanged), {outside} elsewhere; {money} money records ({gone} of an earlier import no longer in the file, to be removed).'),
    "iati.problems": ("Chưa nhập được: sửa các lỗi sau (theo hoạt động và phần tử)",
                      "Cannot import yet: fix these problems (by activity and element)"),
    "iati.notes": ("Ghi chú: cách tệp được đọc", "Notes: how the file was read"),
    "iati.confirm": ("Nhập các hoạt động này", "Import these activities"),
    "iati.imported": ('Đã nhập: dự án {created} mới, {updated} cập nhật, {unchanged} không đổi; khoản tiền {money_created} mới, {money_updated} cập nhật, {money_unchanged} không đổi, {money_deleted} xóa.',
        'Imported: projects {created} created, {updated} updated, {unchanged} unchanged; money records {money_created} created, {money_updated} updated, {money_unchanged} unchanged, {money_deleted} removed.'),
    "iati.col_identifier": ("Mã hoạt động IATI", "IATI identifier"),
    "iati.col_element": ("Phần tử", "Element"),
    "iati.col_title": ("Tên", "Title"),
    "iati.col_commune": ("Xã, thị trấn", "Commune"),
    "iati.col_located": ("Xác định theo", "Located by"),
    "iati.col_area": ("Nội dung thu hút", "Content area"),
    "iati.col_committed": ("Đã cam kết", "Committed"),
    "iati.col_disbursed": ("Đã giải ngân", "Disbursed"),
    "iati.col_project": ("Mã dự án", "Project ID"),
    "iati.by_ref": ("mã GSO (location/@ref)", "GSO code (location/@ref)"),
    "iati.by_administrative": ("mã hành chính", "administrative code"),
    "iati.by_point": ("tọa độ", "coordinates"),
    "iati.by_name": ("tên địa điểm", "location name"),
    "iati.by_title": ("tên hoạt động", "activity title"),
    # --- beneficiaries and result indicators (issue 16 item 3) ----------------------------------------------
    "err.results.long": ("dài quá {n} ký tự", "longer than {n} characters"),
    "err.results.count": ("'{field}' phải là số nguyên từ 0 đến {max} (nhận được '{value}')",
                          "'{field}' must be a whole number from 0 to {max} (got '{value}')"),
    "err.results.number": ("'{field}' phải là một số ≥ 0 (nhận được '{value}')",
                           "'{field}' must be a number ≥ 0 (got '{value}')"),
    "err.results.year": ("'{field}': năm '{value}' không hợp lệ ({lo}–{hi})",
                         "'{field}': year '{value}' is not valid ({lo}–{hi})"),
    "err.results.households_over_people": ("số hộ ({h}) lớn hơn số người ({p})",
                                           "households ({h}) exceed people ({p})"),
    "err.results.name_needed": ("chỉ số cần có tên tiếng Việt", "an indicator needs its name in Vietnamese"),
    "err.results.unit": ("đơn vị '{value}' không có; chọn một trong: {units}", "unknown unit '{value}' ({units})"),
    "err.results.target_needed": ("chỉ số cần có mục tiêu", "an indicator needs its target"),
    "err.results.target_before_baseline": ("năm mục tiêu {ty} ở trước năm cơ sở {by}",
                                           "the target year {ty} is before the baseline year {by}"),
    "err.results.no_project": ("không có dự án '{pid}'", "there is no project '{pid}'"),
    "err.results.exists": ("chỉ số '{rid}' đã có", "indicator '{rid}' already exists"),
    "err.results.project_fixed": ("không thể chuyển chỉ số sang dự án khác; xóa rồi ghi lại",
                                  "an indicator cannot move to another project; delete it and add it again"),
    "err.results.twice": ("dự án '{pid}' có hai dòng giống nhau trong trang này",
                          "project '{pid}' has the same row twice on this sheet"),
    "err.results.no_sheets": ("tệp không có trang nào trong số: {sheets} (dùng mẫu Excel)",
                              "the file has none of the sheets {sheets} (use the Excel template)"),
    "check.orphan_beneficiaries": ("{n} bản ghi người hưởng lợi thuộc dự án không có: {pids}",
                                   "{n} beneficiary records belong to no project: {pids}"),
    "check.orphan_result_indicators": ("{n} chỉ số kết quả thuộc dự án không có: {pids}",
                                       "{n} result indicators belong to no project: {pids}"),
    "err.conflict.indicator": ("chỉ số kết quả", "result indicator"),
    "err.conflict.beneficiaries": ("người hưởng lợi của dự án", "beneficiaries of project"),
    "results.not_recorded": ("chưa ghi nhận", "not recorded"),
    "results.ethnic": ("Dân tộc: {groups}", "Ethnic groups: {groups}"),
    "results.women": ("Nữ: {share}", "Women: {share}"),
    "results.n_indicators": ("{n} chỉ số kết quả", "result indicators: {n}"),
    "results.indicator_line": ("{name}: cơ sở {baseline}, mục tiêu {target}; {done}",
                               "{name}: baseline {baseline}, target {target}; {done}"),
    "results.actual": ("thực hiện {actual}, đạt {share} mục tiêu", "actual {actual}, {share} of the target achieved"),
    "results.no_actual": ("chưa có số thực hiện", "no actual reported yet"),
    "results.col.project": ("Dự án", "Project"),
    "results.col.summary": ("Người hưởng lợi, kết quả", "Beneficiaries, results"),
    "results.col.indicator": ("Chỉ số", "Indicator"),
    "results.col.unit": ("Đơn vị", "Unit"),
    "results.col.baseline": ("Cơ sở", "Baseline"),
    "results.col.baseline_year": ("Năm cơ sở", "Baseline year"),
    "results.col.target": ("Mục tiêu", "Target"),
    "results.col.target_year": ("Năm mục tiêu", "Target year"),
    "results.col.actual_year": ("Thực hiện {year}", "Actual {year}"),
    "results.col.share": ("Tỷ lệ đạt mục tiêu", "Share of target achieved"),
    "report.sheet.results": ("Kết quả", "Results"),
    "results.sheet_beneficiaries": ("Người hưởng lợi", "Beneficiaries"),
    "results.method": (
        "Tỷ lệ đạt = (số thực hiện gần nhất đến cuối kỳ − cơ sở) / (mục tiêu − cơ sở). Ô trống là chưa ghi nhận, "
        "không phải 0; không có số nào được ước đoán.",
        "Share achieved = (latest actual up to the period's end − baseline) / (target − baseline). An empty cell "
        "is not recorded, not 0; no figure is estimated."),
    "results.none": ("Chưa dự án nào ghi nhận chỉ số kết quả.", "No project has recorded result indicators yet."),
    "results.nav": ("Dự án và kết quả", "Projects and results"),
    "results.heading": ("Dự án: mô tả, người hưởng lợi và kết quả", "Project: description, beneficiaries and results"),
    "results.pick": ("Chọn dự án", "Project"),
    "results.h_description": ("Mô tả", "Description"),
    "results.no_description": ("Chưa có mô tả.", "No description yet."),
    "results.other_language": ("(chỉ có bằng tiếng Việt)", "(only in Vietnamese so far)"),
    "results.h_beneficiaries": ("Người hưởng lợi", "Beneficiaries"),
    "results.h_indicators": ("Chỉ số kết quả", "Result indicators"),
    "results.none_project": ("Chưa ghi nhận.", "Not recorded."),
    "results.read_only": ("Chỉ người được sửa dự án này mới ghi được; bạn đang xem.",
                          "Only someone who may edit this project can record these; you are viewing."),
    "results.edit_beneficiaries": ("Sửa người hưởng lợi", "Edit beneficiaries"),
    "results.add_indicator": ("Thêm chỉ số kết quả", "Add a result indicator"),
    "results.edit_indicator": ("Sửa chỉ số", "Edit indicator"),
    "results.delete_indicator": ("Xóa chỉ số này", "Delete this indicator"),
    "results.save": ("Lưu", "Save"),
    "results.saved": ("Đã lưu.", "Saved."),
    "results.deleted": ("Đã xóa.", "Deleted."),
    "results.field.people": ("Số người", "People"),
    "results.field.households": ("Số hộ", "Households"),
    "results.field.ethnic_groups": ("Dân tộc (cách nhau bằng ;)", "Ethnic groups (separated by ;)"),
    "results.field.women_percent": ("Tỷ lệ nữ (%)", "Share of women (%)"),
    "results.field.note": ("Ghi chú (nguồn số liệu)", "Note (where the figures come from)"),
    "results.field.name_vi": ("Tên chỉ số (tiếng Việt)", "Indicator name (Vietnamese)"),
    "results.field.name_en": ("Tên chỉ số (tiếng Anh)", "Indicator name (English)"),
    "results.field.unit": ("Đơn vị", "Unit"),
    "results.field.baseline": ("Cơ sở", "Baseline"),
    "results.field.baseline_year": ("Năm cơ sở", "Baseline year"),
    "results.field.target": ("Mục tiêu", "Target"),
    "results.field.target_year": ("Năm mục tiêu", "Target year"),
    "results.field.actuals": ("Thực hiện theo năm (năm: số; …)", "Actual per year (year: value; …)"),
    "results.field.project_id": ("Mã dự án", "Project ID"),
    "results.field.indicator_id": ("Mã chỉ số", "Indicator ID"),
    "results.import": ("Nhập kết quả từ mẫu Excel", "Import results from the Excel template"),
    "results.import_help": (
        "Trang \"Kết quả\" và \"Người hưởng lợi\" của mẫu Excel dự án (tải ở trang Quản lý dữ liệu). Tệp có lỗi "
        "bị từ chối toàn bộ; nhập lại cùng tệp không thay đổi gì.",
        "The \"Kết quả\" (results) and \"Người hưởng lợi\" (beneficiaries) sheets of the Excel project template "
        "(download it on the data page). A file with any problem is refused whole; importing it again changes nothing."),
    "results.import_file": ("Tệp Excel", "Excel file"),
    "results.import_refused": ("Tệp bị từ chối: {n} lỗi, không có gì được lưu.",
                               "File refused: {n} problems, nothing was stored."),
    "results.import_ready": ("Sẵn sàng nhập {n} chỉ số và người hưởng lợi của {b} dự án.",
                             "Ready to import {n} indicators and the beneficiaries of {b} projects."),
    "results.import_go": ("Nhập", "Import"),
    "results.blank_hint": ("Để trống những gì chưa biết: để trống là chưa ghi nhận, không phải 0.",
                           "Leave blank what is not known: blank means not recorded, not 0."),
    "err.no_donor": ("không có nhà tài trợ '{did}'", "no donor '{did}'"),
    "err.manifest_no_donors": ("thiếu mục 'donors'", "has no 'donors' entry"),
    "err.conflict": (
        "{kind} {pid} vừa bị người khác sửa (bạn đã đọc phiên bản {expected}, {now})",
        "{kind} {pid} was changed by someone else (you read revision {expected}, {now})",
    ),
    "err.conflict.project": ("dự án", "project"),
    "err.conflict.donor": ("hồ sơ nhà tài trợ", "donor"),
    "err.conflict.money": ("khoản tiền", "money record"),
    "err.conflict_now": ("hiện là phiên bản {rev}", "it is now {rev}"),
    "err.conflict_deleted": ("nó đã bị xóa", "it has been deleted"),
    # user indicator CSV (priority score, geo/priority.py)
    "err.indicator_two_columns": (
        "cần hai cột: xã (tên hoặc mã) và giá trị", "needs two columns: commune (name or code) and value",
    ),
    "err.commune_twice": ("xã {code} xuất hiện hai lần", "commune {code} appears twice"),
    "err.not_utf8": (
        "không phải văn bản UTF-8; hãy lưu tệp dưới dạng 'CSV UTF-8'", "is not UTF-8 text; save it as 'CSV UTF-8'",
    ),
    "err.indicator_no_rows": (
        "cần một dòng tiêu đề và ít nhất một dòng cho một xã", "needs a header row and at least one commune row",
    ),
    "err.field_count": (
        "có {n} trường nhưng dòng tiêu đề có {width}; hãy viết số thập phân bằng dấu chấm (45.5), "
        "đặt trong ngoặc kép (\"45,5\") hoặc phân cách cột bằng ';'",
        "has {n} fields but the header has {width}; write decimals with a point (45.5), "
        "quote them (\"45,5\") or separate columns with ';'",
    ),
    # donor profiles (geo/donors.py)
    "err.donor_not_whole": ("'{value}' không phải số nguyên", "'{value}' is not a whole number"),
    "err.donor_required": ("bắt buộc, không được để trống", "is required"),
    "err.donor_bad_id": (
        "'{value}' phải gồm 2–40 chữ thường không dấu, chữ số, '_' hoặc '-'",
        "'{value}' must be 2–40 lower-case letters, digits, '_' or '-'",
    ),
    "err.donor_bad_instruments": (
        "hình thức tài trợ không hợp lệ: {values}; hãy dùng: {options}",
        "unknown instrument(s) {values}; use {options}",
    ),
    "err.donor_bad_priority": ("mức ưu tiên {value} phải từ 0 đến {max}", "priority {value} must be between 0 and {max}"),
    "err.donor_negative": ("không được là số âm", "must not be negative"),
    "err.donor_ticket_order": (
        "mức tài trợ tối đa ({hi}) nhỏ hơn mức tối thiểu ({lo})", "ticket maximum ({hi}) is below the minimum ({lo})",
    ),
    "err.donor_bad_quality": (
        "phải là 'illustrative' (minh họa) hoặc 'confirmed by <tên> on <YYYY-MM-DD>' (đã xác nhận)",
        "must be 'illustrative' or 'confirmed by <user> on <YYYY-MM-DD>'",
    ),
    "err.donor_missing_columns": ("thiếu cột: {names}", "missing column(s) {names}"),
    "err.donor_twice": ("mã nhà tài trợ '{did}' xuất hiện hai lần", "donor_id '{did}' appears twice"),
    # pitch targets (geo/pitch.py, geo/cli_pitch.py)
    "err.unknown_commune_codes": (
        "không có mã xã {codes}; các mã hợp lệ: {valid}", "unknown commune code(s) {codes}; valid: {valid}",
    ),
    "err.unknown_commune_names": (
        "không tìm thấy xã {names}; các xã hợp lệ: {valid}", "unknown commune(s) {names}; valid: {valid}",
    ),
    "err.no_commune_given": ("(chưa nhập xã nào)", "(none given)"),
    "err.unknown_donor_id": (
        "không có nhà tài trợ '{did}'; các mã hợp lệ: {valid}", "unknown donor '{did}'; valid ids: {valid}",
    ),
    "err.unknown_theme": ("không có nội dung thu hút {theme}; hợp lệ: {valid}", "unknown theme {theme}; valid: {valid}"),
    "err.folder_missing": ("thư mục {folder} không tồn tại", "folder {folder} does not exist"),
    "err.unknown_stage": ("bước quy trình không có: {stages}; các bước: {valid}",
                          "unknown workflow step: {stages}; the steps are: {valid}"),
    "err.top_too_small": ("--top phải từ 1 trở lên (đã nhập {top})", "--top must be at least 1, got {top}"),
    "err.geom.line": ("đường (line)", "line"),
    # --- hardening (issue 13): limits, text is text, values are sane (geo/ingest/limits.py, textcheck.py) ----
    "err.limit.zip_entries": (
        "tệp nén có {n} mục; giới hạn là {limit}. Chỉ nén các tệp của lớp (.shp, .shx, .dbf, .prj, .cpg) rồi tải lại",
        "the archive has {n} entries; the limit is {limit}. Zip only the layer's files (.shp, .shx, .dbf, .prj, .cpg) "
        "and upload again",
    ),
    "err.limit.zip_member": (
        "mục '{member}' khi giải nén nặng {mb} MB; giới hạn là {limit} MB. Hãy chia lớp thành các tệp nhỏ hơn",
        "archive member '{member}' unpacks to {mb} MB; the limit is {limit} MB. Split the layer into smaller files",
    ),
    "err.limit.zip_total": (
        "tệp nén khi giải nén nặng {mb} MB; giới hạn là {limit} MB. Hãy chia lớp thành các tệp nhỏ hơn",
        "the archive unpacks to {mb} MB; the limit is {limit} MB. Split the layer into smaller files",
    ),
    "err.limit.sheet_size": (
        "trang '{sheet}' khai báo ô đến {cell} ({rows} dòng × {cols} cột); giới hạn là {max_rows} dòng và {max_cols} cột. "
        "Hãy xóa các dòng, cột trống bên dưới và bên phải dữ liệu (hoặc chép dữ liệu sang trang mới) rồi lưu lại",
        "sheet '{sheet}' declares cells up to {cell} ({rows} rows × {cols} columns); the limit is {max_rows} rows and "
        "{max_cols} columns. Delete the empty rows and columns below and right of the data (or copy the data to a new "
        "sheet) and save again",
    ),
    "err.limit.rows": (
        "tệp có hơn {limit} dòng dữ liệu; hãy chia thành các tệp nhỏ hơn",
        "the file has more than {limit} data rows; split it into smaller files",
    ),
    "err.limit.columns": (
        "có {n} cột; giới hạn là {limit}. Hãy xóa các cột không dùng",
        "has {n} columns; the limit is {limit}. Delete the columns that are not used",
    ),
    "err.limit.header_line": (
        "dòng đầu tiên dài hơn {limit} KB, không giống dòng tiêu đề của một bảng; hãy lưu dưới dạng 'CSV UTF-8' "
        "với một dòng tiêu đề",
        "the first line is longer than {limit} KB, which is not a table's header; save the table as 'CSV UTF-8' "
        "with one header row",
    ),
    "err.limit.features": (
        "lớp có {n} đối tượng; giới hạn là {limit}. Hãy chia lớp thành các tệp nhỏ hơn",
        "the layer has {n} features; the limit is {limit}. Split the layer into smaller files",
    ),
    "err.limit.vertices": (
        "đối tượng có {n} đỉnh; giới hạn là {limit}. Hãy đơn giản hóa hình (ví dụ QGIS Simplify, dung sai 1 m) "
        "rồi nhập lại",
        "the feature has {n} vertices; the limit is {limit}. Simplify it (e.g. QGIS Simplify, tolerance 1 m) and "
        "import again",
    ),
    "err.limit.layer_vertices": (
        "lớp có tổng cộng {n} đỉnh; giới hạn là {limit}. Hãy đơn giản hóa hoặc chia lớp",
        "the layer has {n} vertices in all; the limit is {limit}. Simplify or split it",
    ),
    "err.limit.text_length": (
        "dài {n} ký tự; giới hạn là {limit}", "is {n} characters long; the limit is {limit}",
    ),
    "err.text.control": (
        "chứa ký tự điều khiển {code} ở vị trí {pos} (thường do chép từ chương trình khác); hãy xóa ký tự đó",
        "contains the control character {code} at position {pos} (often copied from another program); remove it",
    ),
    "err.text.line_break": (
        "có xuống dòng ở vị trí {pos}; ô này chỉ được một dòng",
        "has a line break at position {pos}; this field must be one line",
    ),
    "err.text.tcvn3": (
        "'{value}' có vẻ được gõ bằng bảng mã cũ TCVN3 (ABC) (chuyển sang Unicode sẽ là '{converted}'); hãy chuyển "
        "tệp sang Unicode (ví dụ công cụ chuyển mã của Unikey) rồi nhập lại",
        "'{value}' looks like text in the old TCVN3 (ABC) encoding (in Unicode it would read '{converted}'); convert "
        "the file to Unicode (e.g. with Unikey's converter) and import again",
    ),
    "err.text.vni": (
        "'{value}' có vẻ được gõ bằng bảng mã cũ VNI; hãy chuyển tệp sang Unicode (ví dụ công cụ chuyển mã của "
        "Unikey, nguồn VNI Windows) rồi nhập lại",
        "'{value}' looks like text in the old VNI encoding; convert the file to Unicode (e.g. with Unikey's "
        "converter, source VNI Windows) and import again",
    ),
    "err.bad_project_id": (
        "mã dự án '{value}' chỉ được gồm chữ, chữ số, '-', '_' và '.' (tối đa 40 ký tự, không có '/', ':' hay "
        "dấu cách)",
        "project ID '{value}' may hold only letters, digits, '-', '_' and '.' (at most 40, no '/', ':' or spaces)",
    ),
    "err.amount_too_big": (
        "số tiền {value} vượt giới hạn {limit} ₫; hãy kiểm tra các chữ số (số tiền tính bằng đồng)",
        "amount {value} is above the limit of {limit} VND; check the digits (amounts are in đồng)",
    ),
    "err.total_too_big": (
        "tổng {what} của mọi dự án sẽ là {value} ₫, vượt giới hạn {limit} ₫; hãy kiểm tra số tiền",
        "the total {what} of all projects would be {value} VND, above the limit of {limit} VND; check the amounts",
    ),
    "err.coord_not_finite": (
        "'{value}' không phải một số hữu hạn", "'{value}' is not a finite number",
    ),
    "err.lon_range": (
        "kinh độ {value} nằm ngoài −180…180; có nhầm kinh độ với vĩ độ, hoặc là mét (VN-2000)?",
        "longitude {value} is outside −180…180; are longitude and latitude swapped, or is it in metres (VN-2000)?",
    ),
    "err.lat_range": (
        "vĩ độ {value} nằm ngoài −90…90; có nhầm kinh độ với vĩ độ, hoặc là mét (VN-2000)?",
        "latitude {value} is outside −90…90; are longitude and latitude swapped, or is it in metres (VN-2000)?",
    ),
    "err.point_outside_extent": (
        "điểm ({lon}, {lat}) nằm ngoài {province} (kinh độ {x0}–{x1}, vĩ độ {y0}–{y1}); hãy kiểm tra tọa độ",
        "point ({lon}, {lat}) is outside {province} (longitude {x0}–{x1}, latitude {y0}–{y1}); check the coordinates",
    ),
    "err.layer_outside_extent": (
        "lớp trải từ kinh độ {x0} đến {x1}, vĩ độ {y0} đến {y1}, vượt ra ngoài {province} (kinh độ {dx0}–{dx1}, "
        "vĩ độ {dy0}–{dy1}); ranh giới hay vùng phải nằm trong tỉnh: hãy kiểm tra tệp và hệ tọa độ của nó",
        "the layer spans longitude {x0} to {x1}, latitude {y0} to {y1}, beyond {province} (longitude {dx0}–{dx1}, "
        "latitude {dy0}–{dy1}); a boundary or zone must lie inside the province: check the file and its CRS",
    ),
    "err.coords_not_finite": (
        "tọa độ là vô cực hoặc không phải số; hãy sửa đối tượng này trong phần mềm GIS",
        "coordinates are infinite or not numbers; fix this feature in your GIS software",
    ),
    "err.area_not_number": (
        "'{value}' không phải số héc-ta; chỉ ghi số (50, không ghi '50 ha')",
        "'{value}' is not a number of hectares; write the number only (50, not '50 ha')",
    ),
    "err.area_range": (
        "diện tích {value} ha phải từ 0 đến {limit} ha", "area {value} ha must be between 0 and {limit} ha",
    ),
    "err.excel_formula": (
        "ô {cell} chứa công thức ({formula}) nhưng không có giá trị đã tính; hãy mở tệp trong Excel, để Excel tính, "
        "lưu lại rồi nhập (hoặc dán giá trị thay cho công thức)",
        "cell {cell} holds a formula ({formula}) with no saved result; open the file in Excel, let it calculate, "
        "save and import again (or paste values instead of formulas)",
    ),
    "err.misnamed_excel": (
        "là một sổ Excel (.xlsx) nhưng mang đuôi '{ext}'; hãy đổi tên thành .xlsx hoặc lưu dưới dạng 'CSV UTF-8'",
        "is an Excel workbook (.xlsx) named '{ext}'; rename it to .xlsx or save it as 'CSV UTF-8'",
    ),
    "err.misnamed_old_excel": (
        "là tệp Excel cũ (.xls) mang đuôi '{ext}'; hãy mở trong Excel và lưu dưới dạng .xlsx hoặc 'CSV UTF-8'",
        "is an old Excel (.xls) file named '{ext}'; open it in Excel and save it as .xlsx or 'CSV UTF-8'",
    ),
    "err.misnamed_text": (
        "là văn bản (CSV?) nhưng mang đuôi '{ext}'; hãy đổi tên thành .csv",
        "is text (CSV?) named '{ext}'; rename it to .csv",
    ),
    "err.misnamed_binary": (
        "không phải bảng tính hay văn bản CSV (có vẻ là {found}); hãy lưu bảng dưới dạng .xlsx hoặc 'CSV UTF-8'",
        "is neither a spreadsheet nor CSV text (it looks like {found}); save the table as .xlsx or 'CSV UTF-8'",
    ),
    "err.bad_text_at": (
        "không đọc được văn bản {encoding} ở dòng {line} (byte {pos}); hãy lưu tệp dưới dạng 'CSV UTF-8'",
        "cannot be read as {encoding} text at line {line} (byte {pos}); save the file as 'CSV UTF-8'",
    ),
    "err.config_extent": (
        "{value} không phải một khung hợp lệ [tây, nam, đông, bắc] theo độ",
        "{value} is not a valid box [west, south, east, north] in degrees",
    ),
    "err.config_text": (
        "chứa ký tự điều khiển hoặc xuống dòng; tên và tiêu đề chỉ được một dòng",
        "contains a control character or line break; names and titles must be one line",
    ),
    # --- accounts, roles and sign-in (issue 15) ------------------------------------------------------
    "role.viewer": ("Người xem", "Viewer"),
    "role.commune_editor": ("Cán bộ xã (biên tập)", "Commune editor"),
    "role.planner": ("Phòng Tài chính – Kế hoạch (thẩm định)", "Planner (Finance–Planning)"),
    "role.admin": ("Quản trị (Phòng Dân tộc)", "Administrator (Ethnic Affairs)"),
    "office.commune_committee": ("UBND xã", "Commune People's Committee"),
    "office.finance_planning": ("Phòng Tài chính – Kế hoạch", "Finance–Planning Office"),
    "office.ethnic_affairs": ("Phòng Dân tộc", "Ethnic Affairs Office"),
    "office.district_committee": ("UBND huyện", "District People's Committee"),
    "office.other": ("Cơ quan khác", "Other office"),
    "office.none": ("(chưa ghi)", "(not given)"),
    "perm.edit_project": ("tạo hoặc sửa dự án", "create or edit projects"),
    "perm.delete_project": ("xóa dự án", "delete projects"),
    "perm.edit_donors": ("sửa hồ sơ nhà tài trợ", "edit donor profiles"),
    "perm.replace_layer": ("thay lớp bản đồ", "replace map layers"),
    "perm.manage_users": ("quản lý tài khoản", "manage accounts"),
    "perm.export_audit": ("tải nhật ký thay đổi", "download the change log"),
    "err.perm.role": (
        "{who} ({role}) không được phép {what}; không có gì thay đổi.",
        "{who} ({role}) may not {what}; nothing was changed.",
    ),
    "err.perm.commune": (
        "{who} chỉ được sửa dự án của xã mình ({mine}); dự án {pid} thuộc {commune}. Không có gì thay đổi.",
        "{who} may only edit projects in their own communes ({mine}); project {pid} is in {commune}. Nothing was changed.",
    ),
    "err.perm.status": (
        "{who} ({role}) không được chuyển dự án {pid} từ '{before}' sang '{after}'. Từ '{before}' tài khoản này "
        "chỉ được chuyển sang: {allowed}. (Cán bộ xã đề xuất và rút đề xuất của xã mình; Phòng Tài chính – Kế hoạch "
        "thẩm định, duyệt, từ chối và chuyển các bước sau.) Không có gì thay đổi.",
        "{who} ({role}) may not move project {pid} from '{before}' to '{after}'. From '{before}' this account may "
        "move it to: {allowed}. (Commune editors propose and withdraw their communes' proposals; the "
        "Finance–Planning Office appraises, approves, rejects and takes the later steps.) Nothing was changed.",
    ),
    "err.status_note_required": (
        "dự án {pid}: chuyển sang '{status}' cần ghi lý do (ô Ghi chú)",
        "project {pid}: moving it to '{status}' needs a note saying why (the Note field)",
    ),
    "data.note": ("Ghi chú thay đổi (bắt buộc khi từ chối hoặc hủy dự án)",
                  "Note on this change (required to reject or cancel a project)"),
    "err.perm.no_account": (
        "'{who}' không phải tài khoản đang hoạt động: hãy đăng nhập. Không có gì thay đổi.",
        "'{who}' is not an active account: please sign in. Nothing was changed.",
    ),
    "err.perm.disabled": (
        "tài khoản {who} đã bị khóa bởi quản trị viên; không có gì thay đổi.",
        "account {who} has been disabled by an administrator; nothing was changed.",
    ),
    "err.perm.locked": (
        "tài khoản {who} bị tạm khóa do đăng nhập sai nhiều lần; không có gì thay đổi.",
        "account {who} is locked after too many failed sign-ins; nothing was changed.",
    ),
    "err.perm.last_admin": (
        "không thể tắt hoặc hạ quyền quản trị viên cuối cùng ({who}); không có gì thay đổi.",
        "the last active administrator ({who}) cannot be disabled or given another role; nothing was changed.",
    ),
    "err.account.login": (
        "tên đăng nhập '{login}' không hợp lệ: 2–64 ký tự a-z, 0-9, dấu chấm, gạch dưới, @ hoặc gạch ngang",
        "login '{login}' is not valid: 2–64 characters of a-z, 0-9, dot, underscore, @ or hyphen",
    ),
    "err.account.display_name": (
        "tên hiển thị tối đa 100 ký tự, không có ký tự điều khiển",
        "the display name must be at most 100 characters, without control characters",
    ),
    "err.account.role": ("vai trò '{role}' không có; các vai trò: {valid}", "unknown role '{role}'; roles: {valid}"),
    "err.account.office": ("cơ quan '{office}' không có; các cơ quan: {valid}", "unknown office '{office}'; offices: {valid}"),
    "err.account.communes": ("mã xã không có: {codes}", "unknown commune codes: {codes}"),
    "err.account.editor_needs_communes": (
        "cán bộ xã cần ít nhất một xã được sửa", "a commune editor needs at least one commune to edit",
    ),
    "err.account.password": (
        "mật khẩu cần ít nhất {n} ký tự, khác tên đăng nhập và không lặp một ký tự",
        "the password needs at least {n} characters, must differ from the login and not repeat one character",
    ),
    "err.account.exists": ("tài khoản {login} đã có", "account {login} already exists"),
    "err.account.unknown": ("không có tài khoản {login}", "there is no account {login}"),
    "err.account.mismatch": ("hai mật khẩu mới không giống nhau", "the two new passwords differ"),
    "err.signin.wrong": (
        "tên đăng nhập hoặc mật khẩu không đúng", "wrong login or password",
    ),
    "err.signin.locked": (
        "tài khoản bị tạm khóa sau {n} lần đăng nhập sai; hãy nhờ quản trị viên mở khóa hoặc đặt lại mật khẩu",
        "the account is locked after {n} failed sign-ins; ask an administrator to unlock it or reset the password",
    ),
    "err.signin.old_password": ("mật khẩu hiện tại không đúng", "the current password is wrong"),
    "auth.nav": ("Đăng nhập", "Sign in"),
    "auth.heading": ("Đăng nhập", "Sign in"),
    "auth.intro": (
        "Đăng nhập để sửa dữ liệu. Không cần đăng nhập để xem bản đồ, tổng quan, khoảng trống vốn, nguồn dữ liệu "
        "và chế độ trình chiếu.",
        "Sign in to edit the data. The map, overview, funding gaps, sources and presentation mode need no sign-in.",
    ),
    "auth.no_accounts": (
        "Chưa có tài khoản nào: ứng dụng chỉ để xem. Quản trị viên đầu tiên được tạo trên máy chủ bằng lệnh "
        "`python -m geo users add --role admin TEN`.",
        "There are no accounts yet, so the app is read-only. Create the first administrator on the server with "
        "`python -m geo users add --role admin NAME`.",
    ),
    "auth.login": ("Tên đăng nhập", "Login"),
    "auth.password": ("Mật khẩu", "Password"),
    "auth.submit": ("Đăng nhập", "Sign in"),
    "auth.signed_in_as": ("Đã đăng nhập: {name} ({role})", "Signed in: {name} ({role})"),
    "auth.sign_out": ("Đăng xuất", "Sign out"),
    "auth.signed_out": ("Bạn đã đăng xuất.", "You are signed out."),
    "auth.idle_out": (
        "Phiên làm việc đã hết hạn sau {minutes} phút không hoạt động; hãy đăng nhập lại.",
        "Your session ended after {minutes} minutes without activity; please sign in again.",
    ),
    "auth.session_ended": (
        "Phiên làm việc đã kết thúc (mật khẩu hoặc tài khoản vừa thay đổi); hãy đăng nhập lại.",
        "Your session has ended (the password or the account changed); please sign in again.",
    ),
    "auth.needed": (
        "Trang này cần đăng nhập.", "This page needs you to sign in.",
    ),
    "auth.read_only_role": (
        "Tài khoản của bạn chỉ được xem; các nút sửa bị ẩn.", "Your account may only view; edit controls are hidden.",
    ),
    "auth.change_heading": ("Đổi mật khẩu", "Change password"),
    "auth.old_password": ("Mật khẩu hiện tại", "Current password"),
    "auth.new_password": ("Mật khẩu mới", "New password"),
    "auth.new_password2": ("Nhập lại mật khẩu mới", "New password again"),
    "auth.change_submit": ("Đổi mật khẩu", "Change password"),
    "auth.changed": ("Đã đổi mật khẩu; hãy đăng nhập lại bằng mật khẩu mới.",
                     "Password changed; sign in again with the new password."),
    "auth.communes_mine": ("Xã được sửa: {communes}", "Communes you may edit: {communes}"),
    "admin.nav": ("Tài khoản", "Accounts"),
    "admin.heading": ("Quản lý tài khoản", "Accounts"),
    "admin.only": ("Chỉ quản trị viên được quản lý tài khoản.", "Only administrators manage accounts."),
    "admin.col_login": ("Tên đăng nhập", "Login"),
    "admin.col_name": ("Tên hiển thị", "Display name"),
    "admin.col_role": ("Vai trò", "Role"),
    "admin.col_office": ("Cơ quan", "Office"),
    "admin.col_communes": ("Xã được sửa", "Communes"),
    "admin.col_state": ("Trạng thái", "State"),
    "admin.col_last": ("Đăng nhập gần nhất", "Last sign-in"),
    "admin.state_active": ("đang hoạt động", "active"),
    "admin.state_disabled": ("đã tắt", "disabled"),
    "admin.state_locked": ("bị khóa ({n} lần sai)", "locked ({n} failures)"),
    "admin.add_heading": ("Thêm tài khoản", "Add an account"),
    "admin.add_submit": ("Thêm tài khoản", "Add account"),
    "admin.added": ("Đã thêm tài khoản {login}.", "Account {login} added."),
    "admin.pick": ("Chọn tài khoản", "Choose an account"),
    "admin.disable": ("Tắt tài khoản", "Disable account"),
    "admin.enable": ("Bật lại tài khoản", "Enable account"),
    "admin.unlock": ("Mở khóa", "Unlock"),
    "admin.reset_heading": ("Đặt lại mật khẩu", "Reset password"),
    "admin.reset_submit": ("Đặt lại mật khẩu", "Reset password"),
    "admin.done": ("Đã lưu thay đổi của tài khoản {login}.", "Account {login} updated."),
    "audit.heading": ("Tải nhật ký thay đổi", "Download the change log"),
    "audit.count": ("{n} dòng nhật ký trong khoảng đã chọn", "{n} change-log rows in the chosen period"),
    "admin.only_layers": ("Chỉ quản trị viên được thay lớp bản đồ.", "Only administrators replace map layers."),
    "audit.download_csv": ("Tải nhật ký (CSV)", "Download the change log (CSV)"),
    "audit.download_xlsx": ("Tải nhật ký (Excel)", "Download the change log (Excel)"),
    "audit.from": ("Từ ngày", "From"),
    "audit.to": ("Đến ngày", "To"),
    "audit.col_id": ("Số", "No."),
    "audit.col_when": ("Thời điểm (UTC)", "When (UTC)"),
    "audit.col_who": ("Người sửa", "Who"),
    "audit.col_action": ("Thao tác", "Action"),
    "audit.col_what": ("Đối tượng", "What"),
    "audit.col_revision": ("Phiên bản", "Revision"),
    "audit.col_before": ("Trước", "Before"),
    "audit.col_after": ("Sau", "After"),
    "audit.col_note": ("Ghi chú", "Note"),
    "audit.sheet": ("Nhật ký thay đổi", "Change log"),
    "audit.cli_wrote": ("Đã ghi {n} dòng nhật ký vào {path}", "Wrote {n} change-log rows to {path}"),
    "err.audit_format": ("tệp xuất phải là .csv hoặc .xlsx (đã nhập {path})", "the output must be .csv or .xlsx, got {path}"),
    "err.audit_date": ("ngày '{value}' không hợp lệ; dùng YYYY-MM-DD", "date '{value}' is not valid; use YYYY-MM-DD"),
    "users.cli_password": ("Mật khẩu cho {login}: ", "Password for {login}: "),
    "users.cli_password2": ("Nhập lại mật khẩu: ", "Password again: "),
    "users.cli_added": ("Đã thêm tài khoản {login} ({role}).", "Added account {login} ({role})."),
    "users.cli_disabled": ("Đã tắt tài khoản {login}.", "Disabled account {login}."),
    "users.cli_reset": ("Đã đặt lại mật khẩu và mở khóa {login}.", "Reset the password of {login} and unlocked it."),
    "users.cli_none": ("Chưa có tài khoản nào.", "There are no accounts yet."),
    "err.users_no_password": (
        "không đọc được mật khẩu (nhập ở dấu nhắc hoặc một dòng từ stdin)",
        "no password read (type it at the prompt or pipe one line on stdin)",
    ),
    "audit.col_changes": ("Thay đổi", "Changes"),
    "data.col_field": ("Trường", "Field"),
    "data.col_value": ("Giá trị", "Value"),
    "audit.more_changes": ("và {n} thay đổi khác", "and {n} more changes"),
    "audit.action.create": ("tạo mới", "created"),
    "audit.action.update": ("sửa", "edited"),
    "audit.action.delete": ("xóa", "deleted"),
    "audit.action.replace-layer": ("thay lớp bản đồ", "layer replaced"),
    "audit.action.migrate": ("nâng cấp kho dữ liệu", "store upgraded"),
    "audit.action.donor-create": ("thêm nhà tài trợ", "donor added"),
    "audit.action.donor-update": ("sửa nhà tài trợ", "donor edited"),
    "audit.action.donor-delete": ("xóa nhà tài trợ", "donor deleted"),
    "audit.action.money-create": ("ghi khoản tiền", "money record added"),
    "audit.action.money-update": ("sửa khoản tiền", "money record edited"),
    "audit.action.money-delete": ("xóa khoản tiền", "money record deleted"),
    "admin.public_view": ("Cho xem công khai (chỉ đọc) khi chưa đăng nhập", "Public read-only view for signed-out visitors"),
    "admin.public_view_help": (
        "Bật: ai mở được địa chỉ này đều xem được bản đồ, tổng quan, khoảng trống vốn, thuyết trình nhà tài trợ "
        "và nguồn dữ liệu, không sửa được gì. Tắt: phải đăng nhập mới xem được.",
        "On: anyone who reaches this address sees the map, overview, funding gaps, donor pitch and data sources, "
        "and can change nothing. Off: only signed-in accounts see anything.",
    ),
    "admin.public_view_on": ("Đã bật xem công khai: khách chưa đăng nhập xem được các trang chỉ đọc.",
                             "Public view on: signed-out visitors see the read-only pages."),
    "admin.public_view_off": ("Đã tắt xem công khai: khách phải đăng nhập mới xem được.",
                              "Public view off: visitors must sign in to see anything."),
    "auth.public_view_off": ("Quản trị viên đã tắt chế độ xem công khai: hãy đăng nhập để xem bản đồ và số liệu.",
                             "The administrator has turned the public view off: sign in to see the map and figures."),
    "audit.action.user-add": ("thêm tài khoản", "account added"),
    "audit.action.public-view": ("đổi chế độ xem công khai", "public view changed"),
    "audit.action.user-update": ("sửa tài khoản", "account changed"),
    "audit.action.user-reset-password": ("đặt lại mật khẩu", "password reset"),
    "audit.action.user-unlock": ("mở khóa tài khoản", "account unlocked"),
    "audit.action.user-locked": ("tài khoản bị khóa", "account locked"),
    "audit.action.user-change-password": ("đổi mật khẩu", "password changed"),
    # --- command line ------------------------------------------------------------------------------
    # --- command line: help texts (issue 12; geo/cli/*, one key per option: cli.help.<command>.<option>) ---
    # argparse's own words (geo/cli/words.py); each English text is argparse's message id, placeholders and all
    "cli.argparse.usage": ("cách dùng: ", "usage: "),
    "cli.argparse.options": ("tùy chọn", "options"),
    "cli.argparse.positional": ("đối số vị trí", "positional arguments"),
    "cli.argparse.help": ("hiện trợ giúp này rồi thoát", "show this help message and exit"),
    "cli.argparse.error": ("%(prog)s: lỗi: %(message)s\n", "%(prog)s: error: %(message)s\n"),
    "cli.argparse.argument": ("đối số %(argument_name)s: %(message)s", "argument %(argument_name)s: %(message)s"),
    "cli.argparse.required": ("thiếu các đối số bắt buộc: %s", "the following arguments are required: %s"),
    "cli.argparse.one_required": ("cần một trong các đối số %s", "one of the arguments %s is required"),
    "cli.argparse.not_allowed": ("không dùng được cùng đối số %s", "not allowed with argument %s"),
    "cli.argparse.invalid_choice": ("lựa chọn không hợp lệ: %(value)r (chọn một trong %(choices)s)",
                                    "invalid choice: %(value)r (choose from %(choices)s)"),
    "cli.argparse.invalid_value": ("giá trị %(type)s không hợp lệ: %(value)r", "invalid %(type)s value: %(value)r"),
    "cli.argparse.unrecognized": ("đối số không nhận ra: %s", "unrecognized arguments: %s"),
    "cli.argparse.ambiguous": ("tùy chọn chưa rõ: %(option)s có thể là %(matches)s",
                               "ambiguous option: %(option)s could match %(matches)s"),
    "cli.argparse.expected_one": ("cần một giá trị", "expected one argument"),
    "cli.argparse.expected_at_most_one": ("cần nhiều nhất một giá trị", "expected at most one argument"),
    "cli.argparse.expected_at_least_one": ("cần ít nhất một giá trị", "expected at least one argument"),
    "cli.argparse.expected_n_one": ("cần %s giá trị", "expected %s argument"),
    "cli.argparse.expected_n_other": ("cần %s giá trị", "expected %s arguments"),
    "cli.argparse.ignored_explicit": ("bỏ qua đối số ghi kèm %r", "ignored explicit argument %r"),
    "cli.argparse.cant_open": ("không mở được '%(filename)s': %(error)s", "can't open '%(filename)s': %(error)s"),
    "cli.argparse.unknown_parser": ("không có lệnh %(parser_name)r (các lệnh: %(choices)s)",
                                    "unknown parser %(parser_name)r (choices: %(choices)s)"),
    "cli.metavar.command": ("LỆNH", "COMMAND"),
    "cli.metavar.action": ("VIỆC", "ACTION"),
    # placeholders of options (geo.cli.words.localise_placeholders): English is argparse's own word
    "cli.metavar.app_port": ("CỔNG_ỨNG_DỤNG", "APP_PORT"),
    "cli.metavar.cert": ("CHỨNG_CHỈ", "CERT"),
    "cli.metavar.class": ("LỚP", "CLASS"),
    "cli.metavar.class_field": ("TRƯỜNG_PHÂN_LỚP", "CLASS_FIELD"),
    "cli.metavar.code": ("MÃ", "CODE"),
    "cli.metavar.communes": ("CÁC_XÃ", "COMMUNES"),
    "cli.metavar.crs": ("HỆ_TỌA_ĐỘ", "CRS"),
    "cli.metavar.cur": ("TIỀN_TỆ", "CUR"),
    "cli.metavar.date": ("NGÀY", "DATE"),
    "cli.metavar.dir": ("THƯ_MỤC", "DIR"),
    "cli.metavar.donor": ("NHÀ_TÀI_TRỢ", "DONOR"),
    "cli.metavar.end": ("KẾT_THÚC", "END"),
    "cli.metavar.events": ("SỰ_KIỆN", "EVENTS"),
    "cli.metavar.file": ("TỆP", "FILE"),
    "cli.metavar.hillshade": ("ĐỔ_BÓNG", "HILLSHADE"),
    "cli.metavar.host": ("MÁY_CHỦ", "HOST"),
    "cli.metavar.key": ("KHÓA", "KEY"),
    "cli.metavar.layers": ("CÁC_LỚP", "LAYERS"),
    "cli.metavar.licence": ("GIẤY_PHÉP", "LICENCE"),
    "cli.metavar.login": ("TÊN_ĐĂNG_NHẬP", "LOGIN"),
    "cli.metavar.method": ("PHƯƠNG_PHÁP", "METHOD"),
    "cli.metavar.name": ("TÊN", "NAME"),
    "cli.metavar.note": ("GHI_CHÚ", "NOTE"),
    "cli.metavar.out": ("TỆP_RA", "OUT"),
    "cli.metavar.port": ("CỔNG", "PORT"),
    "cli.metavar.processes": ("SỐ_TIẾN_TRÌNH", "PROCESSES"),
    "cli.metavar.rate_source": ("NGUỒN_TỶ_GIÁ", "RATE_SOURCE"),
    "cli.metavar.ratio": ("TỶ_LỆ", "RATIO"),
    "cli.metavar.redirect_port": ("CỔNG_CHUYỂN_HƯỚNG", "REDIRECT_PORT"),
    "cli.metavar.server_name": ("TÊN_MÁY_CHỦ", "SERVER_NAME"),
    "cli.metavar.source": ("NGUỒN", "SOURCE"),
    "cli.metavar.start": ("BẮT_ĐẦU", "START"),
    "cli.metavar.static_cache": ("BỘ_ĐỆM_TĨNH", "STATIC_CACHE"),
    "cli.metavar.subtitle": ("PHỤ_ĐỀ", "SUBTITLE"),
    "cli.metavar.target": ("ĐÍCH", "TARGET"),
    "cli.metavar.theme": ("LĨNH_VỰC", "THEME"),
    "cli.metavar.title": ("TIÊU_ĐỀ", "TITLE"),
    "cli.metavar.top": ("SỐ_LƯỢNG", "TOP"),
    "cli.metavar.url_or_path": ("URL_HOẶC_ĐƯỜNG_DẪN", "URL_OR_PATH"),
    "cli.metavar.user": ("NGƯỜI_DÙNG", "USER"),
    "cli.metavar.value": ("GIÁ_TRỊ", "VALUE"),
    "cli.metavar.year": ("NĂM", "YEAR"),
    "cli.bad_env_lang": ("ATLAS_LANG={value}: ngôn ngữ không có; dùng {langs}",
                         "ATLAS_LANG={value}: unknown language; use {langs}"),
    "cli.help.lang": ("ngôn ngữ của đầu ra và của trợ giúp (mặc định: $ATLAS_LANG, không có thì en; report: vi)",
                      "language of output and of this help (default: $ATLAS_LANG, else en; report: vi)"),
    # options several commands share
    "cli.help.common.user": (
        "tài khoản của bạn (khi kho đã có tài khoản) hoặc tên, ghi vào nhật ký thay đổi "
        "(mặc định: console:<người dùng hệ điều hành>)",
        "your account (once the store has accounts) or name, for the audit trail (default: console:<OS user>)",
    ),
    "cli.help.common.yes": ("ghi luôn, không hỏi lại", "write without asking"),
    "cli.help.common.dry-run": ("chỉ kiểm tra và xem trước; không ghi gì", "check and preview only; write nothing"),
    "cli.help.common.source": ("lớp dữ liệu lấy từ đâu (bắt buộc)", "where the layer comes from (required)"),
    "cli.help.common.licence": ("giấy phép hoặc điều khoản sử dụng (bắt buộc)", "licence or terms of use (required)"),
    "cli.help.common.date": ("ngày của dữ liệu, YYYY-MM-DD (bắt buộc)", "date of the data, YYYY-MM-DD (required)"),
    "cli.help.common.quality": ("(bắt buộc)", "(required)"),
    "cli.help.common.method": ("cách tạo ra dữ liệu (không bắt buộc)", "how it was made (optional)"),
    # info, indicators, units
    "cli.help.info": ("tóm tắt dữ liệu và nguồn gốc của nó", "summarise the data and its provenance"),
    "cli.help.indicators": ("ghi bảng chỉ số theo xã ra CSV", "write the per-commune indicator table as CSV"),
    "cli.help.indicators.out": ("tệp để ghi (mặc định: đầu ra chuẩn)", "file to write (default: standard output)"),
    "cli.help.units": ("ghi lớp đơn vị hành chính (đơn vị 2021 hoặc 2025) kèm chỉ số ra GeoJSON",
                       "write the unit layer (2021 or 2025 units) with indicators as GeoJSON"),
    "cli.help.units.version": ("2021: 13 đơn vị trước 1/7/2025; 2025: các đơn vị từ 1/7/2025 (mặc định 2021)",
                               "2021: the 13 units before 1/7/2025; 2025: the units from 1/7/2025 (default 2021)"),
    "cli.help.units.out": ("tệp GeoJSON để ghi (mặc định: đầu ra chuẩn)", "GeoJSON file to write (default: standard output)"),
    # data: imports, template, export
    "cli.help.import-projects": ("nhập dự án từ CSV/Excel (nhập tất cả hoặc không nhập gì)",
                                 "import projects from CSV/Excel (all or nothing)"),
    "cli.help.import-projects.allow-overcommit": ("chấp nhận vốn cam kết lớn hơn nhu cầu", "accept committed > need"),
    "cli.help.import-layer": ("nhập một tệp lớp dữ liệu (GeoJSON, Shapefile nén zip, GeoPackage, KML)",
                              "import a layer file (GeoJSON, zipped Shapefile, GeoPackage, KML)"),
    "cli.help.import-layer.crs": ("hệ tọa độ của tệp khi tệp không ghi, ví dụ EPSG:9205",
                                  "CRS of the coordinates when the file has none, e.g. EPSG:9205"),
    "cli.help.import-layer.class-field": ("vùng nguy cơ: trường chứa mức nguy cơ (mặc định: tự nhận ra)",
                                          "risk: the field holding the risk class (default: detected)"),
    "cli.help.import-layer.map": (
        "vùng nguy cơ: một giá trị của trường mức nguy cơ và mức của nó (very_high, high, medium, low, very_low); "
        "lặp lại cho mỗi giá trị không mang tên một mức",
        "risk: a value of the class field and its class (very_high, high, medium, low, very_low); "
        "repeat for each value not named like a class",
    ),
    "cli.help.import-money": (
        "nhập các khoản tiền có ngày (ngân sách, giao dịch) từ CSV/Excel (nhập tất cả hoặc không nhập gì)",
        "import dated money records (budgets, transactions) from CSV/Excel (all or nothing)",
    ),
    "cli.help.import-iati": (
        "nhập tệp hoạt động IATI của một nhà tài trợ: các hoạt động trong huyện (nhập tất cả hoặc không nhập gì)",
        "import a donor's IATI activity file: the activities in the district (all or nothing)",
    ),
    "cli.help.import-iati.file": ("tệp hoạt động IATI (iati-activities 2.01–2.03), đọc dần từng phần",
                                  "an IATI activity file (iati-activities 2.01–2.03), streamed"),
    "cli.help.import-iati.rate": (
        "số đồng cho một đơn vị ngoại tệ, ví dụ USD=25000 (lặp lại cho mỗi loại tiền; cần --rate-source)",
        "VND per unit of another currency, e.g. USD=25000 (repeat per currency; needs --rate-source)",
    ),
    "cli.help.import-iati.rate-source": ("tỷ giá lấy từ đâu, ví dụ \"SBV 2026-11-30\" (lưu kèm mỗi khoản)",
                                         "where the rates come from, e.g. \"SBV 2026-11-30\" (kept with each record)"),
    "cli.help.template": ("ghi mẫu Excel để nhập dự án (--money: mẫu cho các khoản tiền)",
                          "write the Excel template for project imports (--money: for money records)"),
    "cli.help.template.money": ("thay vào đó, mẫu cho các khoản tiền có ngày", "the template for dated money records instead"),
    "cli.help.export": ("xuất dữ liệu (gpkg, geojson zip, csv, xlsx, 3w, fts, iati)",
                        "export the data (gpkg, geojson zip, csv, xlsx, 3w, fts, iati)"),
    "cli.help.export.hxl": ("CSV: thêm một dòng thẻ HXL", "CSV: add an HXL hashtag row"),
    # terrain
    "cli.help.import-dem": (
        "sàng lọc DEM: cấp độ dốc, tỷ số tần suất sạt lở và AUC (không phải phân vùng chính thức)",
        "screen a DEM: slope classes, landslide frequency ratio and AUC (not an official zoning)",
    ),
    "cli.help.import-dem.file": ("DEM GeoTIFF (mét, hoặc độ: khi đó được chuyển sang UTM 48N)",
                                 "DEM GeoTIFF (metres, or degrees: then warped to UTM 48N)"),
    "cli.help.import-dem.events": (
        "CSV các sự kiện đã báo cáo với lon, lat (WGS 84) và có thể có type "
        "(mặc định: các vụ sạt lở trong các sự kiện đã báo cáo của kho)",
        "CSV of reported events with lon, lat (WGS 84) and optionally type "
        "(default: the landslides among the store's reported events)",
    ),
    "cli.help.import-dem.hillshade": ("ghi thêm GeoTIFF bóng địa hình vào đây", "also write a hillshade GeoTIFF here"),
    "cli.help.import-basemap": (
        "lưu nền bản đồ ngoại tuyến (DEM, bóng địa hình, ảnh GeoTIFF, MBTiles hoặc PMTiles raster) cùng các bản đồ",
        "store an offline basemap (DEM, hillshade, GeoTIFF image, raster MBTiles or PMTiles) under the maps",
    ),
    "cli.help.import-basemap.file": ("GeoTIFF DEM, bóng địa hình hoặc ảnh, hoặc MBTiles/PMTiles raster, phủ kín huyện",
                                     "DEM, hillshade or image GeoTIFF, or raster MBTiles or PMTiles, covering the district"),
    "cli.help.import-basemap.source": ("lấy từ đâu, ví dụ 'SRTM 1 arc-second (NASA/USGS)' (bắt buộc)",
                                       "where it comes from, e.g. 'SRTM 1 arc-second (NASA/USGS)' (required)"),
    "cli.help.import-basemap.remove": ("thay vào đó, xóa nền bản đồ đã lưu", "remove the stored basemap instead"),
    # maps: options export-map and atlas share
    "cli.help.maps.indicator": ("chỉ số để vẽ (xem danh sách bên dưới); 'funding_gap' là tên khác của 'gap'",
                                "what to map (see the list below); 'funding_gap' is an alias of 'gap'"),
    "cli.help.maps.lang": ("ngôn ngữ của nhãn (mặc định: --lang chung, en)",
                           "language of labels (default: the global --lang, en)"),
    "cli.help.maps.dpi": ("độ phân giải PNG, ghi vào tệp (150, 300, 600; mặc định {dpi})",
                          "PNG resolution, written into the file (150, 300, 600; default {dpi})"),
    "cli.help.maps.paper": ("khổ giấy (mặc định A4)", "paper size (default A4)"),
    "cli.help.maps.orientation": ("hướng trang (mặc định landscape)", "page orientation (default landscape)"),
    "cli.help.maps.scheme": ("cách chia lớp (mặc định quantiles)", "class breaks (default quantiles)"),
    "cli.help.maps.layers": ("các lớp vẽ trên bản đồ màu, cách nhau bằng dấu phẩy: {layers}",
                             "comma-separated layers over the choropleth: {layers}"),
    "cli.help.maps.units": (
        "đơn vị hành chính: 2021 = 13 đơn vị trước 1/7/2025, 2025 = các đơn vị từ 1/7/2025 "
        "(gộp từ các xã cũ; mặc định 2021)",
        "administrative units: 2021 = the 13 units before 1/7/2025, 2025 = the units from 1/7/2025 "
        "(dissolved former communes; default 2021)",
    ),
    "cli.help.maps.filters": ("bộ lọc dự án (như ở thanh bên của ứng dụng)", "project filters (as in the app's sidebar)"),
    "cli.help.maps.content-area": ("nội dung thu hút 1–10, cách nhau bằng dấu phẩy", "content areas 1–10, comma-separated"),
    "cli.help.maps.source": ("nguồn vốn: {keys}", "funding sources: {keys}"),
    "cli.help.maps.status": ("trạng thái: {keys} (mặc định: tất cả trừ cancelled)",
                             "statuses: {keys} (default: all but cancelled)"),
    "cli.help.maps.donor": ("nhà tài trợ", "donors"),
    "cli.help.maps.from": ("dự án thực hiện trong hoặc sau năm này", "projects running in or after this year"),
    "cli.help.maps.to": ("dự án thực hiện trong hoặc trước năm này", "projects running in or before this year"),
    "cli.help.maps.high-risk": (
        "chỉ dự án có tọa độ nằm trong vùng nguy cơ sạt lở cao (vùng minh họa)",
        "only projects whose coordinates lie in a high landslide-risk zone (illustrative zones)",
    ),
    "cli.maps.dpi_not_whole": ("dpi phải là số nguyên, nhận được '{text}'", "dpi must be a whole number, got '{text}'"),
    "cli.maps.dpi_range": ("dpi phải từ 50 đến 1200 (để in: 150, 300 hoặc 600), nhận được {dpi}",
                           "dpi must be between 50 and 1200 (print: 150, 300 or 600), got {dpi}"),
    "cli.help.maps.indicator_keys": ("mã chỉ số:", "indicator keys:"),
    "cli.maps.unknown_indicator": ("chỉ số không có: {bad}; hợp lệ: {valid}", "unknown indicator {bad}; valid: {valid}"),
    "cli.maps.unknown_commune": ("không có xã, thị trấn mã {code} trong {units}; hợp lệ: {valid}",
                                 "no commune has the code {code} in {units}; valid: {valid}"),
    "cli.maps.unknown_layer": ("lớp không có: {bad}; hợp lệ: {valid}", "unknown layer {bad}; valid: {valid}"),
    "cli.maps.unknown_source": ("nguồn vốn không có: {bad}; hợp lệ: {valid}", "unknown source {bad}; valid: {valid}"),
    "cli.maps.unknown_status": ("trạng thái không có: {bad}; hợp lệ: {valid}", "unknown status {bad}; valid: {valid}"),
    "cli.maps.unknown_area": ("nội dung thu hút không có: {bad}; hợp lệ: {valid}",
                              "unknown content area {bad}; valid: {valid}"),
    "cli.help.export-map": ("ghi một bản đồ chất lượng in (PNG, PDF hoặc SVG)", "write one print-quality map (PNG, PDF or SVG)"),
    "cli.description.export-map": (
        "Vẽ bản đồ một chỉ số theo xã để in: chú giải, thước tỷ lệ, mũi tên chỉ hướng bắc, bản đồ vị trí, "
        "nguồn và chất lượng dữ liệu.",
        "Render a map of one indicator per commune for print: legend, scale bar, north arrow, locator, sources "
        "and data quality.",
    ),
    "cli.help.export-map.out": ("tệp để ghi; định dạng theo đuôi .png, .pdf hoặc .svg",
                                "file to write; the format comes from .png, .pdf or .svg"),
    "cli.help.export-map.format": ("định dạng, thay cho đuôi tệp", "override the extension"),
    "cli.help.export-map.commune": ("làm nổi bật một đơn vị (mã GSO của một đơn vị theo --units)",
                                    "highlight one unit (GSO code of a unit of --units)"),
    "cli.help.export-map.title": ("tiêu đề (mặc định: tên chỉ số)", "title (default: the indicator)"),
    "cli.help.export-map.subtitle": ("phụ đề (mặc định: huyện và bộ lọc)", "subtitle (default: district and filters)"),
    "cli.help.export-map.note": ("ghi chú in phía trên phần nguồn (ví dụ bản đồ được làm để làm gì)",
                                 "a note printed above the sources (e.g. what the map was made for)"),
    "cli.help.atlas": ("ghi bản đồ huyện và mỗi xã một bản đồ làm nổi bật xã đó",
                       "write the district map plus one highlighted map per commune"),
    "cli.description.atlas": (
        "Ghi tập bản đồ: bản đồ huyện và mỗi xã một trang làm nổi bật xã đó kèm số liệu của xã "
        "(14 tệp cho 13 xã; 7 tệp với --units 2025).",
        "Write an atlas: the district map and one page per commune with that commune highlighted and its figures "
        "listed (14 files for the 13 communes; 7 with --units 2025).",
    ),
    "cli.help.atlas.out": ("thư mục để ghi vào (tạo mới nếu chưa có)", "folder to write into (created if missing)"),
    "cli.help.atlas.format": ("định dạng tệp (mặc định png)", "file format (default png)"),
    # report
    "cli.help.report": ("ghi báo cáo định kỳ (sơ kết / tổng kết) ra sổ Excel",
                        "write the periodic report (sơ kết / tổng kết) as an Excel workbook"),
    "cli.help.report.from": ("năm đầu của kỳ (mặc định {year})", "first year of the period (default {year})"),
    "cli.help.report.to": ("năm cuối của kỳ (mặc định {year})", "last year of the period (default {year})"),
    "cli.help.report.lang": ("ngôn ngữ của tên trang tính và tiêu đề cột (mặc định vi)",
                             "language of sheet names and headers (default vi)"),
    "cli.help.report.ratio": ("tỷ lệ vốn đối ứng cho một nguồn quốc tế, ví dụ oda_grant=0.12 (lặp lại được)",
                              "counterpart ratio for an international source, e.g. oda_grant=0.12 (repeatable)"),
    "cli.help.report.units": (
        "đơn vị hành chính của trang theo xã: 2021 = 13 đơn vị trước 1/7/2025, 2025 = các đơn vị từ 1/7/2025 "
        "(mặc định 2021)",
        "administrative units of the by-commune sheet: 2021 = the 13 units before 1/7/2025, 2025 = the units from "
        "1/7/2025 (default 2021)",
    ),
    "cli.help.report.out": ("tệp để ghi (mặc định bao-cao-FROM-TO.xlsx)", "file to write (default bao-cao-FROM-TO.xlsx)"),
    "cli.report.bad_ratio": ("cần SOURCE=RATIO với SOURCE là một trong {sources}, nhận được '{text}'",
                             "expected SOURCE=RATIO with SOURCE one of {sources}, got '{text}'"),
    "cli.wrote": ("đã ghi {path}", "wrote {path}"),
    "cli.no_folder": ("thư mục {folder} không tồn tại", "folder {folder} does not exist"),
    "cli.info_counts": ("{communes} xã, thị trấn, {projects} dự án, {lines} dòng nguồn vốn",
                        "{communes} communes, {projects} projects, {lines} funding lines"),
    "cli.maps.bad_format": ("không biết định dạng của '{out}': dùng .png, .pdf hoặc .svg (hoặc --format)",
                            "cannot tell the format of '{out}': use .png, .pdf or .svg (or --format)"),
    "cli.maps.years_reversed": ("--from {lo} sau --to {hi}", "--from {lo} is after --to {hi}"),
    "cli.maps.wrote_atlas": ("đã ghi {n} bản đồ vào {out} ({units})", "wrote {n} maps to {out} ({units})"),
    "cli.report.wrote": ("đã ghi {out} ({start}–{end}, {language}, {units})", "wrote {out} ({start}–{end}, {language}, {units})"),
    "cli.report.ratio_range": ("tỷ lệ đối ứng cho '{source}' phải từ 0 đến 1 (0–100 %), không phải {value}",
                               "the counterpart ratio for '{source}' must be between 0 and 1 (0–100 %), not {value}"),
    "cli.report.ratio_not_number": ("tỷ lệ '{value}' không phải là số (viết 0.15 cho 15 phần trăm)",
                                    "ratio '{value}' is not a number (use 0.15 for 15 %)"),
    "cli.help.report-period": (
        "ghi vốn cam kết và đã giải ngân của một kỳ (các khoản có ngày; khoản chưa có ngày để riêng) ra Excel",
        "write committed vs disbursed money of a period (dated records; undated apart) as Excel",
    ),
    "cli.help.report-period.from": ("ngày đầu của kỳ", "first day of the period"),
    "cli.help.report-period.to": ("ngày cuối của kỳ (tính cả ngày này)", "last day of the period (included)"),
    "cli.help.report-period.out": ("tệp để ghi (mặc định bao-cao-von-FROM-TO.xlsx)",
                                   "file to write (default bao-cao-von-FROM-TO.xlsx)"),
    # pitch
    "cli.help.donors": ("liệt kê mã và tên hồ sơ nhà tài trợ", "list donor profile ids and names"),
    "cli.help.pitch": ("tạo bộ trình chiếu (PPTX) và tờ giới thiệu (PDF) cho một nhà tài trợ, nội dung hoặc các xã",
                       "build a pitch deck (PPTX) and one-pagers (PDF) for a donor, theme or communes"),
    "cli.help.pitch.donor": ("mã nhà tài trợ (xem `python -m geo donors`)", "donor id (see `python -m geo donors`)"),
    "cli.help.pitch.theme": ("nội dung thu hút 1–10", "content area 1–10"),
    "cli.help.pitch.communes": ("mã hoặc tên xã, cách nhau bằng dấu phẩy (đơn vị trước 1/7/2025)",
                                "comma-separated commune codes or names (units before 1/7/2025)"),
    "cli.help.pitch.lang": ("ngôn ngữ của bộ trình chiếu và tờ giới thiệu (mặc định en)",
                            "language of the deck and one-pagers (default en)"),
    "cli.help.pitch.out": ("tệp PPTX để ghi (mặc định pitch-<target>-<lang>.pptx)",
                           "PPTX file to write (default pitch-<target>-<lang>.pptx)"),
    "cli.help.pitch.pdf": ("ghi thêm vào đây mỗi cơ hội một tờ giới thiệu PDF",
                           "also write one PDF one-pager per opportunity here"),
    "cli.help.pitch.stages": (
        "các bước quy trình để lấy cơ hội (mặc định: approved,committed,implementing,completed; 'all' lấy mọi bước)",
        "workflow steps opportunities come from (default: approved,committed,implementing,completed; "
        "'all' takes every step)",
    ),
    "cli.help.pitch.top": ("số cơ hội (mặc định {n})", "opportunities (default {n})"),
    "cli.help.pitch.units": ("đơn vị hành chính của bảng và bản đồ (mặc định 2021: 13 đơn vị trước 1/7/2025)",
                             "administrative units of the tables and maps (default 2021: the 13 units before 1/7/2025)"),
    "cli.help.pitch.dpi": ("độ phân giải bản đồ (mặc định {dpi})", "map resolution (default {dpi})"),
    # users, audit
    "cli.help.users": ("thêm, liệt kê, tắt, bật lại hoặc đặt lại tài khoản (mật khẩu từ lời nhắc hoặc stdin)",
                       "add, list, disable, enable or reset accounts (password from a prompt or stdin)"),
    "cli.help.users.add": ("thêm một tài khoản (mật khẩu từ lời nhắc hoặc stdin)",
                           "add an account (password from a prompt or stdin)"),
    "cli.help.users.add.name": ("tên hiển thị (mặc định: tên đăng nhập)", "display name (default: the login)"),
    "cli.help.users.add.communes": ("mã các xã mà người biên tập cấp xã được sửa, cách nhau bằng dấu phẩy",
                                    "commune codes a commune editor may edit, comma-separated"),
    "cli.help.users.list": ("mọi tài khoản, vai trò và trạng thái (không bao giờ có mật khẩu)",
                            "every account, its role and state (never a password)"),
    "cli.help.users.disable": ("tắt một tài khoản (các phiên của nó kết thúc)", "disable an account (its sessions end)"),
    "cli.help.users.enable": ("bật lại một tài khoản đã tắt", "enable a disabled account again"),
    "cli.help.users.reset-password": ("đặt mật khẩu mới (lời nhắc hoặc stdin) và mở khóa tài khoản",
                                      "set a new password (prompt or stdin) and unlock the account"),
    "cli.help.audit": ("ghi nhật ký thay đổi (ai, khi nào, gì, trước/sau) ra CSV hoặc Excel",
                       "write the change log (who, when, what, before/after) as CSV or Excel"),
    "cli.help.audit.from": ("ngày đầu, YYYY-MM-DD (UTC)", "first day, YYYY-MM-DD (UTC)"),
    "cli.help.audit.to": ("ngày cuối, YYYY-MM-DD (UTC)", "last day, YYYY-MM-DD (UTC)"),
    "cli.help.audit.out": ("FILE.csv hoặc FILE.xlsx", "FILE.csv or FILE.xlsx"),
    # store
    "cli.help.store": (
        "sao chép, tạo, kiểm tra, sao lưu hoặc khôi phục toàn bộ một kho dữ liệu (GeoPackage hoặc PostGIS)",
        "copy, create, check, back up or restore a whole store (GeoPackage or PostGIS)",
    ),
    "cli.help.store.copy": ("chép mọi bảng từ kho này sang kho khác rồi kiểm tra lại",
                            "copy every table from one store to another and verify it"),
    "cli.help.store.location": ("đường dẫn GeoPackage hoặc URL postgresql://", "a GeoPackage path or a postgresql:// URL"),
    "cli.help.store.copy.replace": ("ghi đè kho đích đã có dữ liệu", "overwrite a target that already holds data"),
    "cli.help.store.init": ("tạo lược đồ và nạp dữ liệu đi kèm", "create the schema and seed the bundled data"),
    "cli.help.store.check": ("phiên bản lược đồ, số dòng và tính toàn vẹn; thoát với mã 1 khi có vấn đề",
                             "schema version, row counts and integrity; exit 1 on problems"),
    "cli.help.store.check.store": ("mặc định: kho của ứng dụng ($ATLAS_DATABASE_URL hoặc tệp)",
                                   "default: the app's store ($ATLAS_DATABASE_URL or the file)"),
    "cli.help.store.store": ("mặc định: kho của ứng dụng", "default: the app's store"),
    "cli.help.store.backup": ("ghi một bản chụp GeoPackage nhất quán của kho",
                              "write a consistent GeoPackage snapshot of the store"),
    "cli.help.store.backup.replace": ("ghi đè FILE nếu đã có", "overwrite FILE if it exists"),
    "cli.help.store.restore": ("đưa kho về đúng một bản chụp (dữ liệu hiện có được sao lưu trước)",
                               "make the store hold exactly a snapshot (its current data is backed up first)"),
    "cli.help.store.restore.safety-dir": ("nơi giữ dữ liệu trước khi khôi phục (mặc định: backups/ cạnh tệp kho)",
                                          "where the data before the restore is kept (default: backups/ beside the store file)"),
    "cli.help.store.restore.no-safety-backup": ("không giữ lại dữ liệu như trước khi khôi phục",
                                                "do not keep the data as it was before"),
    # serve
    "cli.help.serve": ("chạy ứng dụng sau nginx (nhiều tiến trình, gzip, bộ đệm, TLS) hoặc ghi cấu hình nginx",
                       "run the app behind nginx (several processes, gzip, cache, TLS) or write its nginx site"),
    "cli.description.serve": (
        "Chạy ứng dụng sau nginx ở tiền cảnh (Ctrl-C dừng tất cả), hoặc ghi cấu hình nginx cho một máy chủ với "
        "--render DIR.",
        "Run the app behind nginx in the foreground (Ctrl-C stops everything), or write the nginx site for a server "
        "with --render DIR.",
    ),
    "cli.help.serve.port": ("cổng của nginx", "nginx's port"),
    "cli.help.serve.processes": ("số tiến trình ứng dụng sau nginx (mặc định 2)", "app processes behind nginx (default 2)"),
    "cli.help.serve.app-port": ("cổng ứng dụng đầu tiên (mặc định PORT+1; các cổng sau liên tiếp)",
                                "first app port (default PORT+1; then consecutive)"),
    "cli.help.serve.host": ("địa chỉ nginx lắng nghe (mặc định 127.0.0.1)", "address nginx listens on (default 127.0.0.1)"),
    "cli.help.serve.tls": ("HTTPS với chứng chỉ tự ký (trừ khi có --cert/--key)",
                           "HTTPS with a self-signed certificate (unless --cert/--key)"),
    "cli.help.serve.cert": ("chứng chỉ của cơ quan (PEM, đủ chuỗi); bật HTTPS",
                            "the office's certificate (PEM, full chain); implies HTTPS"),
    "cli.help.serve.key": ("khóa riêng của chứng chỉ (PEM)", "the certificate's private key (PEM)"),
    "cli.help.serve.static-cache": ("thư mục các gói Streamlit đã nén sẵn (tạo một lần)",
                                    "folder of the precompressed Streamlit bundles (built once)"),
    "cli.help.serve.keep-logs": ("giữ thư mục tạm chứa nhật ký", "keep the temporary folder with the logs"),
    "cli.help.serve.render": ("chỉ ghi cấu hình nginx (và các trang lỗi) vào DIR",
                              "only write the nginx site (and error pages) to DIR"),
    "cli.help.serve.server-name": ("với --render: server_name của nginx", "with --render: nginx server_name"),
    "cli.help.serve.redirect-port": ("với TLS: chuyển hướng cả cổng HTTP này", "with TLS: also redirect this HTTP port"),
    "cli.serve.processes_min": ("--processes phải ít nhất là 1", "--processes must be at least 1"),
    "cli.serve.cert_key": ("--cert và --key phải đi cùng nhau", "--cert and --key go together"),
    # --- the shared-server deployment (geo/cli/serve.py, deploy/) ---------------------------------
    "serve.too_large": (
        "Tệp tải lên quá lớn: giới hạn là {limit} MB. Hãy chia thành các tệp nhỏ hơn rồi tải lại.",
        "The upload is too large: the limit is {limit} MB. Split it into smaller files and upload again.",
    ),
    "serve.unavailable": (
        "Bản đồ đầu tư tạm thời không phản hồi (đang khởi động hoặc đã dừng). Hãy thử lại sau ít phút.",
        "The atlas is not answering right now (starting or stopped). Please try again in a few minutes.",
    ),
    "serve.running": (
        "Bản đồ đầu tư chạy tại {url} (nginx trước các tiến trình ứng dụng ở cổng {ports}); nhật ký trong {logs}. Ctrl-C để dừng tất cả.",
        "The atlas is running at {url} (nginx in front of app processes on ports {ports}); logs in {logs}. Ctrl-C stops everything.",
    ),
    "serve.rendered": (
        "Đã ghi cấu hình nginx {path} (tiến trình ứng dụng trên cổng {ports}).",
        "Wrote the nginx site {path} (app processes on ports {ports}).",
    ),
    "serve.no_nginx": (
        "Không tìm thấy nginx. Hãy cài: sudo apt-get install nginx",
        "nginx not found. Install it: sudo apt-get install nginx",
    ),
    "serve.port_busy": (
        "Cổng đã có chương trình khác dùng: {ports}. Hãy chọn --port khác.",
        "Ports already in use: {ports}. Choose another --port.",
    ),
    "serve.died": (
        "Một tiến trình đã dừng ({cmd}, mã {code}); đã dừng toàn bộ. Xem nhật ký trong {logs}.",
        "A process stopped ({cmd}, exit {code}); everything was stopped. See the logs in {logs}.",
    ),
    "cli.description": (
        "Bản đồ Đầu tư Tam Đường: các lệnh xử lý hàng loạt",
        "Tam Đường Investment Atlas: batch commands",
    ),
}


def t(key: str, lang: str = DEFAULT_LANG, **values: object) -> str:
    """The string for ``key`` in ``lang`` (``"vi"`` or ``"en"``), formatted with ``values``.

    An unknown key raises ``KeyError``: a missing translation is a bug, not a blank label.
    """
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; the atlas speaks {' and '.join(LANGS)}")
    vi, en = CATALOG[key]
    text = en if lang == "en" else vi
    return text.format(**values) if values else text
