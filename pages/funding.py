"""Funding gaps, counterpart funds, priority scores and the periodic report (issue 4)."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from geo.analysis import counterpart, funding, gaps, priority, units
from geo.ingest import indicator_csv, names
from geo.ingest.validate import DataError
from geo.model import schema
from geo.output.exports.exporting import unit_version_line
from geo.output.reports import report
from geo.output.reports.report import Column
from geo.storage.store import default_store
from geo.text import fmt
from geo.text.i18n import t
from geo.text.safe import md_text
from pages import _shared

lang = _shared.lang()
ds = _shared.dataset()
VERSION = default_store().version()


# --- cached computations (keyed on data version + filters / inputs) ----------------------------
# Tables by commune follow the unit switch: projects are keyed by their unit (report.keyed_by_unit,
# via geo.analysis.units) before grouping, so new units are sums of project lines, never of old rows.
@st.cache_data(show_spinner=False)
def gap_frames(version: str, filters: funding.Filters, lang: str, unit_version: str) -> dict[str, pd.DataFrame]:
    data = _shared.dataset()
    projects, lines = funding.apply_filters(data.projects, data.funding, filters)
    tables = report.gap_tables(data, projects, lines, lang, unit_version)
    projects = report.keyed_by_unit(data, projects, unit_version)
    stacked = gaps.long_by_source(projects, lines)
    stacked["commune"] = stacked["commune_code"].map(report.unit_names(data, unit_version, lang))
    stacked["source_label"] = stacked["source"].map(lambda k: schema.SOURCE_BY_KEY[k](lang))
    return {**tables, "stacked": stacked, "projects": projects, "lines": lines}


@st.cache_data(show_spinner=False)
def heat_frame(version: str, filters: funding.Filters, measure: str, unit_version: str) -> pd.DataFrame:
    data = _shared.dataset()
    projects, lines = funding.apply_filters(data.projects, data.funding, filters)
    projects = report.keyed_by_unit(data, projects, unit_version)
    codes = units.unit_table(data, unit_version).index.tolist()
    if (projects["commune_code"] == report.UNALLOCATED).any():
        codes.append(report.UNALLOCATED)
    return gaps.matrix(projects, lines, measure, codes)


@st.cache_data(show_spinner=False)
def priority_features(version: str, filters: funding.Filters) -> pd.DataFrame:
    data = _shared.dataset()
    projects, lines = funding.apply_filters(data.projects, data.funding, filters)
    return priority.project_features(projects, lines, _shared.indicator_table(filters), data.risk_zones)


@st.cache_data(show_spinner=False)
def report_bytes(version: str, start: int, end: int, lang: str, ratios: tuple[tuple[str, float], ...],
                 unit_version: str) -> bytes:
    return report.build_report(_shared.dataset(), start, end, lang, dict(ratios), unit_version=unit_version)


# --- display helpers ---------------------------------------------------------------------------
def usd_settings() -> float | None:
    """The optional USD view: None, or the user's VND-per-USD rate."""
    c1, c2 = st.columns([1, 2])
    on = c1.toggle(t("gaps.usd_toggle", lang), key="usd_on")
    rate = c2.number_input(t("gaps.usd_rate", lang), min_value=1_000, max_value=100_000, value=25_000,
                           step=100, key="usd_rate", disabled=not on)
    if on:
        st.caption(t("gaps.usd_note", lang, rate=fmt.number(rate, lang)))
    return float(rate) if on else None


RATE = None  # set below, before any table is drawn


def money(value: float) -> str:
    if value is None or pd.isna(value):
        return t("gaps.unknown", lang)
    return fmt.usd(value, RATE, lang) if RATE else fmt.vnd(value, lang)


def money_short(value: float) -> str:
    return fmt.usd_short(value, RATE, lang) if RATE else fmt.vnd_short(value, lang)


def cell_text(value: object, kind: str) -> object:
    if kind == "money":
        return money(value)
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return t("gaps.unknown", lang) if kind in ("pct", "num") else (None if kind == "int" else "")
    if kind == "pct":
        return f"{fmt.number(float(value) * 100, lang, 1)} %"
    if kind == "num":
        return fmt.number(value, lang)
    if kind == "dec":
        return fmt.number(value, lang, 2)
    if kind == "int":
        return int(value)
    return str(value)


def show_table(frame: pd.DataFrame, layout: list[Column], key: str, title: str, total_col: str | None,
               extra_sums: tuple[str, ...] = ()) -> None:
    """Formatted table with an illustrative caption, and CSV / Excel downloads of the raw numbers."""
    skip = tuple(c.key for c in layout if not c.summable)
    shown = gaps.with_total(frame, total_col, t("report.total", lang), extra_sums, skip) if total_col else frame
    data = pd.DataFrame({c.title(lang): [cell_text(v, c.kind) for v in shown[c.key]] for c in layout})
    if total_col:  # in the totals row, a blank means "not a sum", except the measures that can be unknown
        for c in layout:
            if c.key not in ("share_covered", "committed_per_person", "population") and pd.isna(shown[c.key].iloc[-1]):
                data.iloc[-1, data.columns.get_loc(c.title(lang))] = None if c.kind == "int" else ""
    wide = {c.title(lang): st.column_config.TextColumn(width="medium") for c in layout if c.key == "note"}
    st.dataframe(data, hide_index=True, width="stretch", height=fit_height(len(data)), column_config=wide)
    illustrative_caption()
    downloads(frame, layout, key, title, bool(total_col))


def downloads(frame: pd.DataFrame, layout: list[Column], key: str, title: str, total: bool) -> None:
    """CSV and Excel buttons; files are built only when clicked (no cost on every rerun, no rerun on click)."""
    c1, c2, _ = st.columns([1, 1, 4])
    c1.download_button(t("gaps.download_csv", lang),
                       lambda: report.table_csv(ds, frame, layout, lang, LAYERS, title, UNITS),
                       file_name=f"{key}.csv", mime="text/csv", key=f"csv_{key}", icon=":material/download:",
                       on_click="ignore")
    c2.download_button(t("gaps.download_xlsx", lang),
                       lambda: report.table_xlsx(ds, frame, layout, lang, LAYERS, title, total=total,
                                                 unit_version=UNITS),
                       file_name=f"{key}.xlsx", key=f"xlsx_{key}", icon=":material/download:", on_click="ignore",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def fit_height(rows: int) -> int | str:
    """Show every row of short tables (no inner scroll); long ones scroll."""
    return 36 * (rows + 1) + 3 if rows <= 25 else "auto"


def illustrative_caption() -> None:
    prefix = t("gaps.illustrative_tag", lang) + " · " if report.is_illustrative(ds, LAYERS) else ""
    st.caption(prefix + " · ".join(md_text(line) for line in ds.provenance_lines(lang, ("projects", "funding"))))


def chart_title(text: str) -> alt.TitleParams:
    sub = t("gaps.illustrative_tag", lang) if report.is_illustrative(ds, LAYERS) else ""
    return alt.TitleParams(text, subtitle=sub, subtitleColor="#8a4b00", anchor="start")


MEASURES = ["need", "committed", "disbursed", "gap"]
SCALE = 1e9  # charts in billions of VND (tỷ ₫)


# --- page -----------------------------------------------------------------------------------------
st.title(t("gaps.heading", lang))
st.caption(t("gaps.intro", lang))
_shared.provenance_banner(ds, lang)
UNITS = _shared.unit_version_switch(lang)
LAYERS = report.report_layers(UNITS)
filters = _shared.sidebar_filters(ds, lang)
RATE = usd_settings()
frames = gap_frames(VERSION, filters, lang, UNITS)
unit_names = report.unit_names(ds, UNITS, lang)
unit_title = t("units.unit" if UNITS == "2025" else "common.commune", lang)

tab_gaps, tab_cp, tab_prio, tab_report = st.tabs(
    [t("gaps.tab_gaps", lang), t("gaps.tab_counterpart", lang), t("gaps.tab_priorities", lang), t("gaps.tab_report", lang)])

with tab_gaps:
    bc = frames["by_commune"]
    need, committed, gap = int(bc["need"].sum()), int(bc["committed"].sum()), int(bc["gap"].sum())
    cols = st.columns(4)
    cols[0].metric(t("common.need", lang), money_short(need), help=money(need))
    cols[1].metric(t("common.committed", lang), money_short(committed), help=money(committed))
    cols[2].metric(t("common.gap", lang), money_short(gap), help=money(gap))
    cols[3].metric(t("gaps.col.share_covered", lang), cell_text((need - gap) / need if need else None, "pct"))
    st.markdown(t("gaps.measures_explained", lang))

    measure = st.radio(t("gaps.measure", lang), MEASURES, format_func=lambda m: t(f"common.{m}", lang),
                       horizontal=True, key="gap_measure")
    unit = t("gaps.unit_bn", lang)
    stacked = frames["stacked"].assign(value=lambda d: d[measure] / SCALE)
    stacked["amount"] = stacked[measure].map(money)
    order = [s(lang) for s in schema.FUNDING_SOURCES]
    commune_order = list(unit_names.values())
    bars = alt.Chart(stacked, title=chart_title(t("gaps.chart_stacked", lang, measure=t(f"common.{measure}", lang)))).mark_bar().encode(
        x=alt.X("commune:N", sort=commune_order, title=unit_title),
        y=alt.Y("sum(value):Q", title=f"{t(f'common.{measure}', lang)} ({unit})"),
        color=alt.Color("source_label:N", sort=order, title=t("gaps.col.source", lang),
                        scale=alt.Scale(domain=order, scheme="tableau10"), legend=alt.Legend(labelLimit=320)),
        order=alt.Order("source:N"),
        tooltip=[alt.Tooltip("commune:N", title=unit_title),
                 alt.Tooltip("source_label:N", title=t("gaps.col.source", lang)),
                 alt.Tooltip("amount:N", title=t(f"common.{measure}", lang))],
    ).properties(height=380)
    st.altair_chart(bars, width="stretch")
    illustrative_caption()

    heat_measure = st.radio(t("gaps.heat_measure", lang), [*MEASURES, "share_covered"], index=3,
                            format_func=lambda m: t("gaps.col.share_covered", lang) if m == "share_covered"
                            else t(f"common.{m}", lang), horizontal=True, key="heat_measure")
    wide = heat_frame(VERSION, filters, heat_measure, UNITS)
    heat = wide.rename(index=unit_names).stack(future_stack=True).rename("v").reset_index()
    heat.columns = ["commune", "area", "v"]
    heat["area_label"] = heat["area"].map(lambda c: schema.content_area_label(c, lang))
    is_share = heat_measure == "share_covered"
    heat["value"] = heat["v"] * 100 if is_share else heat["v"] / SCALE
    heat_unit = "%" if is_share else unit
    if not is_share:
        heat.loc[heat["v"] == 0, "value"] = None  # no project: blank, not a pale "0"
    heat["label"] = [fmt.number(v, lang, 0 if is_share else 1) if pd.notna(v) else "" for v in heat["value"]]
    heat["amount"] = [cell_text(v, "pct") if is_share else money(v) for v in heat["v"]]
    area_order = [schema.content_area_label(c, lang) for c in schema.CONTENT_AREAS]
    heat_title = t("gaps.col.share_covered", lang) if is_share else t(f"common.{heat_measure}", lang)
    base = alt.Chart(heat, title=chart_title(t("gaps.chart_heat", lang, measure=f"{heat_title} ({heat_unit})")))
    rects = base.mark_rect(stroke="white").encode(
        x=alt.X("commune:N", sort=commune_order, title=unit_title,
                axis=alt.Axis(labelAngle=-40, labelLimit=200, orient="top", labelOverlap=False)),
        y=alt.Y("area_label:N", sort=area_order, title=None, axis=alt.Axis(labelLimit=360)),
        color=alt.Color("value:Q", title=heat_unit, scale=alt.Scale(scheme="greens" if is_share else "reds")),
        tooltip=[alt.Tooltip("commune:N", title=unit_title),
                 alt.Tooltip("area_label:N", title=t("gaps.col.content_area", lang)),
                 alt.Tooltip("amount:N", title=heat_title)],
    )
    labels = base.transform_filter("datum.label != ''").mark_text(fontSize=11).encode(
        x=alt.X("commune:N", sort=commune_order), y=alt.Y("area_label:N", sort=area_order), text="label:N",
        color=alt.condition(alt.datum.value > heat["value"].max() * 0.6, alt.value("white"), alt.value("black")))
    st.altair_chart((rects + labels).properties(height=alt.Step(34)), width="stretch")
    st.caption(t("gaps.heat_blank", lang))
    illustrative_caption()

    st.subheader(t("gaps.by_commune", lang))
    _shared.units_caption(UNITS, lang)
    _shared.partial_units_note(units.unit_table(ds, UNITS), lang)
    show_table(frames["by_commune"], report.layout("by_commune", UNITS), "gaps_by_commune",
               f"{t('gaps.by_commune', lang)} ({schema.UNIT_VERSIONS[UNITS](lang)})", "label")
    _shared.unallocated_notice(_shared.unallocated(filters, UNITS), lang)
    st.subheader(t("gaps.by_area", lang))
    show_table(frames["by_area"], report.LAYOUTS["by_area"], "gaps_by_area", t("gaps.by_area", lang), "label")
    st.subheader(t("gaps.by_source", lang))
    show_table(frames["by_source"], report.LAYOUTS["by_source"], "gaps_by_source", t("gaps.by_source", lang), "label")
    with st.expander(t("gaps.detail", lang)):
        show_table(frames["detail"], report.layout("detail", UNITS), "gaps_detail", t("gaps.detail", lang), "commune")

with tab_cp:
    st.markdown(t("counterpart.explain", lang))
    st.info(t("counterpart.assumption_note", lang), icon=":material/info:")
    cols = st.columns(len(counterpart.INTERNATIONAL))
    ratios = {}
    for col, key in zip(cols, counterpart.INTERNATIONAL):
        pct = col.number_input(f"{schema.SOURCE_BY_KEY[key](lang)} (%)", min_value=0, max_value=100,
                               value=round(counterpart.DEFAULT_RATIOS[key] * 100), step=1, key=f"cp_ratio_{key}")
        ratios[key] = pct / 100
    lines = frames["lines"]
    per_project = counterpart.by_project(lines, ratios)
    totals = counterpart.totals(per_project)
    cols = st.columns(4)
    for col, key in zip(cols, counterpart.COLUMNS):
        col.metric(t(f"counterpart.col.{key}", lang), money_short(totals[key]), help=money(totals[key]))
    st.subheader(t("counterpart.by_source", lang))
    by_src = counterpart.by_source(lines, ratios).reset_index()
    by_src.insert(0, "label", by_src["source"].map(lambda k: schema.SOURCE_BY_KEY[k](lang)))
    show_table(by_src, report.LAYOUTS["counterpart_sources"], "counterpart_by_source",
               t("counterpart.by_source", lang), "label", ("committed", "required"))
    st.subheader(t("counterpart.by_project", lang))
    plist = frames["projects"].set_index("project_id")
    cp = per_project.join(plist[["name_vi", "name_en", "commune_code"]], how="left")
    cp = cp[(cp["required"] > 0) | (cp["counterpart_committed"] > 0)].sort_values("required", ascending=False)
    cp["name"] = report.project_name(cp, lang)
    cp["commune"] = cp["commune_code"].map(unit_names)
    cp = cp.reset_index()
    st.caption(t("counterpart.by_project_note", lang))
    show_table(cp, report.layout("counterpart", UNITS), "counterpart_by_project", t("counterpart.by_project", lang),
               "project_id", counterpart.COLUMNS)

with tab_prio:
    st.markdown(t("priority.formula", lang))
    all_features = priority_features(VERSION, filters)
    features = all_features[priority.rankable(all_features)]
    comps = priority.components(features)
    st.markdown("**" + t("priority.weights", lang) + "**")
    cols = st.columns(len(priority.COMPONENTS) + 1)
    weights: dict[str, float] = {}
    for col, key in zip(cols, priority.COMPONENTS):
        weights[key] = col.slider(t(f"priority.comp.{key}", lang), 0, 100,
                                  int(priority.DEFAULT_WEIGHTS[key]), key=f"w_{key}")

    with st.expander(t("priority.extra_heading", lang), icon=":material/add_chart:"):
        st.caption(t("priority.extra_help", lang))
        extra_name = st.text_input(t("priority.extra_name", lang), value=t("priority.extra_default_name", lang),
                                   key="extra_name").strip() or t("priority.extra_default_name", lang)
        higher = st.checkbox(t("priority.extra_higher", lang), value=True, key="extra_higher")
        upload = st.file_uploader(t("priority.extra_upload", lang), type=["csv"], key="extra_upload")
        base = pd.DataFrame({"code": ds.communes["code"], "commune": ds.communes["full_name"], "value": float("nan")})
        if upload is not None:
            try:
                index = names.NameIndex.from_records(zip(ds.communes["code"], ds.communes["full_name"]))
                table = indicator_csv.read_indicator_csv(upload.getvalue(), upload.name)
                parsed = indicator_csv.parse_indicator(table, upload.name, index)
                base["value"] = base["code"].map(parsed)
            except DataError as err:
                _shared.show_data_error(err, lang)
        edited = st.data_editor(
            base, hide_index=True, disabled=["code", "commune"], key=f"extra_values_{upload.file_id if upload else ''}",
            column_config={"code": t("common.code", lang), "commune": t("common.commune", lang),
                           "value": st.column_config.NumberColumn(extra_name)})
    values = pd.Series(pd.to_numeric(edited["value"], errors="coerce").to_numpy(), index=edited["code"])
    extra_key = priority.EXTRA_PREFIX + extra_name
    if values.notna().any():
        comps = priority.add_indicator(comps, features, extra_name, values, higher)
        weights[extra_key] = cols[-1].slider(extra_name, 0, 100, 20, key="w_extra")
        if values.isna().any():
            st.caption(t("priority.extra_unknown", lang))

    if sum(weights.values()) <= 0:
        st.warning(t("priority.no_weight", lang))
    elif comps.empty:
        st.info(t("priority.no_projects", lang))
    else:
        ranked = priority.rank(comps, weights)
        plist = frames["projects"].set_index("project_id")
        cnames = unit_names
        table = ranked.join(plist[["name_vi", "name_en", "commune_code", "status"]]).join(features[["gap"]].rename(columns={"gap": "gap_vnd"}))
        table["name"] = report.project_name(table, lang)
        table["commune"] = table["commune_code"].map(cnames)
        table["status_label"] = table["status"].map(lambda k: schema.STATUS_BY_KEY[k](lang))
        table = table.reset_index()
        comp_cols = [c for c in comps.columns]
        comp_label = {c: t(f"priority.comp.{c}", lang) if c in priority.COMPONENTS else
                      c.removeprefix(priority.EXTRA_PREFIX) for c in comp_cols}
        st.subheader(t("priority.ranking", lang))
        if len(all_features) > len(features):
            st.caption(t("priority.n_not_ranked", lang, n=len(all_features) - len(features)))
        layout = [Column("rank", "priority.col.rank", "int"), Column("project_id", "gaps.col.project_id"),
                  Column("name", "gaps.col.project"), report.layout("projects", UNITS)[2],
                  Column("status_label", "gaps.col.status"), Column("gap_vnd", "common.gap", "money"),
                  Column("score", "priority.col.score", "num")]
        shown = pd.DataFrame({t(c.header, lang): [cell_text(v, c.kind) for v in table[c.key]] for c in layout[:2]})
        shown[t("priority.col.score", lang)] = [fmt.number(v * 100, lang, 1) for v in table["score"]]
        for c in comp_cols:  # whole numbers on 0–100: no decimal separator to misread
            shown[comp_label[c]] = [t("gaps.unknown", lang) if pd.isna(v) else round(v * 100) for v in table[c]]
        for c in layout[2:-1]:
            shown[t(c.header, lang)] = [cell_text(v, c.kind) for v in table[c.key]]
        st.dataframe(shown, hide_index=True, width="stretch")
        st.caption(t("priority.table_note", lang))
        illustrative_caption()
        export = table.assign(score=table["score"] * 100, **{c: table[c] * 100 for c in comp_cols})
        exp_layout = [*layout[:-1], Column("score", "priority.col.score", "dec"),
                      *[Column(c, "priority.col.component", "dec", comp_label[c]) for c in comp_cols]]
        exp_title = t("priority.ranking", lang) + " — " + t("priority.weights", lang) + ": " + "; ".join(
            f"{comp_label.get(k, k)} {fmt.number(v, lang)}" for k, v in weights.items())
        downloads(export, exp_layout, "priority_ranking", exp_title, False)

        st.subheader(t("priority.explain", lang))
        pick_labels = {pid: f"#{int(r)} · {pid} · {n}" for pid, r, n in zip(table["project_id"], table["rank"], table["name"])}
        pick = st.selectbox(t("priority.pick", lang), list(pick_labels), format_func=pick_labels.get, key="prio_pick")
        row = ranked.loc[pick]
        f = features.loc[pick]
        max_gap = features["gap"].max()
        max_share = features["commune_risk_share"].max()
        inputs = {
            "gap": t("priority.in_gap", lang, gap=money(f["gap"]), top=money(max_gap)),
            "risk": t("priority.in_risk", lang,
                      zone=schema.RISK_LEVELS[f["zone_level"]](lang) if f["zone_level"] else t("priority.no_zone", lang),
                      share=fmt.number(f["commune_risk_share"], lang, 1), top=fmt.number(max_share, lang, 1)),
            "crop_fit": t("priority.in_crop", lang, area=schema.content_area_label(f["content_area"], lang),
                          ha=fmt.number(f["crop_ha"], lang, 0)),
            "readiness": t("priority.in_ready", lang, status=schema.STATUS_BY_KEY[f["status"]](lang),
                           rank=schema.status_rank(f["status"]), top=priority.READY_RANK),
        }
        if extra_key in comps.columns:
            inputs[extra_key] = t("priority.in_extra", lang, value=fmt.number(values.get(f["commune_code"]), lang, 2))
        parts = priority.contributions(row[comp_cols], weights)
        breakdown = pd.DataFrame({
            t("priority.col.component", lang): [comp_label[c] for c in comp_cols],
            t("priority.col.input", lang): [inputs.get(c, "") for c in comp_cols],
            t("priority.col.value", lang): [cell_text(v, "num") if pd.isna(v) else fmt.number(v, lang, 2)
                                            for v in parts["value"]],
            t("priority.col.weight", lang): [fmt.number(w, lang) for w in parts["weight"]],
            t("priority.col.points", lang): [t("gaps.unknown", lang) if pd.isna(p) else fmt.number(p * 100, lang, 1)
                                             for p in parts["points"]],
        })
        st.dataframe(breakdown, hide_index=True, width="stretch", column_config={
            t("priority.col.input", lang): st.column_config.TextColumn(width="large")})
        st.markdown(t("priority.sum_line", lang, score=fmt.number(row["score"] * 100, lang, 1)))

        st.subheader(t("priority.by_commune", lang))
        # Projects keep their scores; only the grouping follows the unit switch.
        communes = priority.commune_scores(ranked, plist["commune_code"]).reset_index()
        _shared.units_caption(UNITS, lang)
        st.dataframe(pd.DataFrame({
            unit_title: communes["commune_code"].map(cnames),
            t("priority.col.score", lang): [fmt.number(v * 100, lang, 1) for v in communes["score"]],
            t("gaps.col.n_projects", lang): communes["n_projects"],
        }), hide_index=True, width="stretch")
        st.caption(t("priority.commune_note", lang))
        illustrative_caption()

with tab_report:
    st.markdown(t("report.explain", lang))
    lo, hi = schema.SANE_YEARS
    c1, c2, c3 = st.columns(3)
    start = c1.number_input(t("report.from", lang), min_value=lo, max_value=hi, value=schema.PLAN_YEARS[0], step=1,
                            key="report_from")
    end = c2.number_input(t("report.to", lang), min_value=lo, max_value=hi, value=schema.PLAN_YEARS[1], step=1,
                          key="report_to")
    rlang = c3.radio(t("report.language", lang), ["vi", "en"], index=0 if lang == "vi" else 1,
                     format_func=lambda k: {"vi": "Tiếng Việt", "en": "English"}[k], horizontal=True, key="report_lang")
    ratios_now = ratios  # the Counterpart tab's inputs
    st.caption(t("report.ratios_used", lang, ratios="; ".join(
        f"{schema.SOURCE_BY_KEY[k](lang)} {fmt.number(v * 100, lang, 0)} %" for k, v in ratios_now.items())))
    try:
        start, end = report.check_period(int(start), int(end))
    except ValueError:
        st.error(t("report.bad_period", lang, start=int(start), end=int(end)))
    else:
        ratio_key = tuple(sorted(ratios_now.items()))
        data = lambda: report_bytes(VERSION, start, end, rlang, ratio_key, UNITS)  # noqa: E731 (built on click)
        kind = report.report_kind(start, end)
        suffix = "-don-vi-2025" if UNITS == "2025" else ""
        st.caption(unit_version_line(UNITS, rlang))  # the sidebar's unit choice goes into the workbook
        st.download_button(t("report.download", lang, title=t(f"report.title_{kind}", rlang, start=start, end=end)),
                           data, file_name=f"bao-cao-{start}-{end}-{rlang}{suffix}.xlsx", key="report_download",
                           on_click="ignore",
                           icon=":material/download:", type="primary",
                           mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        st.caption(t("report.sheets_list", rlang, sheets=", ".join(
            t(f"report.sheet.{s}", rlang) for s in report.SHEETS)))
    illustrative_caption()
