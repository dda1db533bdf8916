"""Funding gaps, counterpart funds, priority scores and the periodic report (issue 4)."""

from __future__ import annotations

from datetime import date

import altair as alt
import pandas as pd
import streamlit as st

from geo.analysis import counterpart, exposure, funding, priority, units
from geo.ingest import indicator_csv, limits, names
from geo.ingest.validate import DataError
from geo.model import schema
from geo.output.exports.exporting import unit_version_line
from geo.output.reports import funding_tables as tables
from geo.output.reports import money_report, report
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
    return tables.gap_frames(_shared.dataset(), filters, lang, unit_version)


@st.cache_data(show_spinner=False)
def heat_frame(version: str, filters: funding.Filters, measure: str, unit_version: str) -> pd.DataFrame:
    return tables.heat_matrix(_shared.dataset(), filters, measure, unit_version)


@st.cache_data(show_spinner=False)
def priority_features(version: str, filters: funding.Filters) -> pd.DataFrame:
    data = _shared.dataset()
    projects, lines = funding.apply_filters(data.projects, data.funding, filters, data.risk_zones)
    return priority.project_features(projects, lines, _shared.indicator_table(filters), data.risk_zones)


@st.cache_data(show_spinner=False)
def report_bytes(version: str, start: int, end: int, lang: str, ratios: tuple[tuple[str, float], ...],
                 unit_version: str) -> bytes:
    return report.build_report(_shared.dataset(), start, end, lang, dict(ratios), unit_version=unit_version,
                               money=money_records(version))


@st.cache_data(show_spinner=False)
def money_records(version: str) -> pd.DataFrame:
    return default_store().money_records()


@st.cache_data(show_spinner=False)
def period_workbook(version: str, start: date, end: date, lang: str, filters: funding.Filters) -> bytes:
    return money_report.build_period_workbook(_shared.dataset(), money_records(version), start, end, lang, filters)


# --- display helpers ---------------------------------------------------------------------------
def usd_settings(lang: str) -> float | None:
    """The optional USD view: None, or the VND-per-USD rate: the atlas's sourced rate (``[money]`` in
    ``atlas.toml``) unless the user types another, which is then named as theirs."""
    cfg = _shared.dataset().config
    sourced = round(cfg.usd_rate) if cfg.usd_rate and 1_000 <= cfg.usd_rate <= 100_000 else None
    c1, c2 = st.columns([1, 2])
    on = c1.toggle(t("gaps.usd_toggle", lang), key="usd_on")
    rate = c2.number_input(t("gaps.usd_rate", lang), min_value=1_000, max_value=100_000, value=sourced or 25_000,
                           step=100, key="usd_rate", disabled=not on)
    if on and sourced is not None and rate == sourced:
        st.caption(t("gaps.usd_note_sourced", lang, rate=fmt.number(rate, lang), source=cfg.usd_rate_source))
    elif on:
        st.caption(t("gaps.usd_note", lang, rate=fmt.number(rate, lang)))
    return float(rate) if on else None


def show_table(view: tables.View, frame: pd.DataFrame, layout: list[Column], key: str, title: str,
               total_col: str | None, extra_sums: tuple[str, ...] = ()) -> None:
    """Formatted table with an illustrative caption, and CSV / Excel downloads of the raw numbers."""
    data = tables.shown_table(frame, layout, view.money, total_col, extra_sums)
    wide = {c.title(view.lang): st.column_config.TextColumn(width="medium") for c in layout if c.key == "note"}
    st.dataframe(data, hide_index=True, width="stretch", height=fit_height(len(data)), column_config=wide)
    illustrative_caption(view)
    downloads(view, frame, layout, key, title, bool(total_col))


def downloads(view: tables.View, frame: pd.DataFrame, layout: list[Column], key: str, title: str,
              total: bool) -> None:
    """CSV and Excel buttons; files are built only when clicked (no cost on every rerun, no rerun on click)."""
    ds, lang, layers, units_now = view.ds, view.lang, view.layers, view.unit_version
    row = st.container(horizontal=True)  # buttons as wide as their labels, wrapping when the page is narrow
    row.download_button(t("gaps.download_csv", lang),
                       lambda: report.table_csv(ds, frame, layout, lang, layers, title, units_now),
                       file_name=f"{key}.csv", mime="text/csv", key=f"csv_{key}", icon=":material/download:",
                       on_click="ignore", width="content")
    row.download_button(t("gaps.download_xlsx", lang),
                       lambda: report.table_xlsx(ds, frame, layout, lang, layers, title, total=total,
                                                 unit_version=units_now),
                       file_name=f"{key}.xlsx", key=f"xlsx_{key}", icon=":material/download:", on_click="ignore",
                       width="content", mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def fit_height(rows: int) -> int | str:
    """Show every row of short tables (no inner scroll); long ones scroll."""
    return 36 * (rows + 1) + 3 if rows <= 25 else "auto"


def illustrative_caption(view: tables.View) -> None:
    st.caption(tables.provenance_caption(view.ds, view.layers, view.lang))


def chart_title(view: tables.View, text: str) -> alt.TitleParams:
    sub = t("gaps.illustrative_tag", view.lang) if view.illustrative else ""
    return alt.TitleParams(text, subtitle=sub, subtitleColor="#8a4b00", anchor="start")


# --- page -----------------------------------------------------------------------------------------
st.title(t("gaps.heading", lang))
st.caption(t("gaps.intro", lang))
_shared.provenance_banner(ds, lang)
unit_version = _shared.unit_version_switch(lang)
filters = _shared.sidebar_filters(ds, lang)
money = tables.Money(lang, usd_settings(lang))
view = tables.View(ds, money, unit_version)
frames = gap_frames(VERSION, filters, lang, unit_version)
unit_names = report.unit_names(ds, unit_version, lang)
unit_title = tables.unit_title(unit_version, lang)

tab_gaps, tab_cp, tab_prio, tab_time, tab_report = st.tabs(
    [t("gaps.tab_gaps", lang), t("gaps.tab_counterpart", lang), t("gaps.tab_priorities", lang), t("money.tab", lang),
     t("gaps.tab_report", lang)])

with tab_gaps:
    _shared.filters_caption(filters, lang)  # every figure in the tab counts only these projects
    head = tables.headline(frames["by_commune"])
    _shared.metrics_row([*[(t(f"common.{key}", lang), money.short(head[key]), money.full(head[key]))
                           for key in ("need", "committed", "gap")],
                         (t("gaps.col.share_covered", lang), tables.cell_text(head["share_covered"], "pct", money), None)])
    st.markdown(t("gaps.measures_explained", lang))

    measure = st.radio(t("gaps.measure", lang), tables.MEASURES, format_func=lambda m: t(f"common.{m}", lang),
                       horizontal=True, key="gap_measure")
    _, unit = fmt.money_scale(tables.SCALE, lang)
    stacked = tables.stacked_chart_frame(frames["stacked"], measure, money)
    order = [s(lang) for s in schema.FUNDING_SOURCES]
    commune_order = list(unit_names.values())
    bars = alt.Chart(stacked, title=chart_title(view, t("gaps.chart_stacked", lang, measure=t(f"common.{measure}", lang)))).mark_bar().encode(
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
    illustrative_caption(view)

    heat_measure = st.radio(t("gaps.heat_measure", lang), [*tables.MEASURES, "share_covered"], index=3,
                            format_func=lambda m: t("gaps.col.share_covered", lang) if m == "share_covered"
                            else t(f"common.{m}", lang), horizontal=True, key="heat_measure")
    heat = tables.heat_chart_frame(heat_frame(VERSION, filters, heat_measure, unit_version), unit_names,
                                   heat_measure, money)
    is_share = heat_measure == "share_covered"
    heat_unit = schema.UNITS["percent"](lang) if is_share else unit
    area_order = [schema.content_area_label(c, lang) for c in schema.CONTENT_AREAS]
    heat_title = t("gaps.col.share_covered", lang) if is_share else t(f"common.{heat_measure}", lang)
    base = alt.Chart(heat, title=chart_title(view, t("gaps.chart_heat", lang, measure=f"{heat_title} ({heat_unit})")))
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
    st.caption(tables.heat_caption(heat_measure, lang))
    illustrative_caption(view)

    st.subheader(t("gaps.by_commune", lang))
    _shared.units_caption(unit_version, lang)
    _shared.partial_units_note(units.unit_table(ds, unit_version), lang)
    show_table(view, frames["by_commune"], report.layout("by_commune", unit_version), "gaps_by_commune",
               f"{t('gaps.by_commune', lang)} ({schema.UNIT_VERSIONS[unit_version](lang)})", "label")
    _shared.unallocated_notice(_shared.unallocated(filters, unit_version), lang)
    st.subheader(t("gaps.by_area", lang))
    show_table(view, frames["by_area"], report.LAYOUTS["by_area"], "gaps_by_area", t("gaps.by_area", lang), "label")
    st.subheader(t("gaps.by_source", lang))
    show_table(view, frames["by_source"], report.LAYOUTS["by_source"], "gaps_by_source", t("gaps.by_source", lang),
               "label")
    st.subheader(t("exposure.heading", lang))
    exposure_view = tables.View(ds, money, unit_version, extra_layers=("risk_zones",))
    st.warning(tables.exposure_caption(ds, frames["exposure_by_unit"], lang), icon=":material/landslide:")
    levels = frames["exposure_by_unit"].attrs.get("levels", exposure.LEVELS)
    show_table(exposure_view, frames["exposure_by_unit"], report.layout("exposure_counts", unit_version, levels),
               "exposure_by_unit", t("exposure.heading", lang), "label", levels)
    if frames["exposure_projects"].empty:
        st.info(t("exposure.none", lang))
    else:
        show_table(exposure_view, frames["exposure_projects"], report.layout("exposure_projects", unit_version),
                   "exposure_projects", t("exposure.heading", lang), None)
    with st.expander(t("gaps.detail", lang)):
        show_table(view, frames["detail"], report.layout("detail", unit_version), "gaps_detail",
                   t("gaps.detail", lang), "commune")

with tab_cp:
    _shared.filters_caption(filters, lang)  # every figure in the tab counts only these projects
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
    _shared.metrics_row([(t(f"counterpart.col.{key}", lang), money.short(totals[key]), money.full(totals[key]))
                         for key in counterpart.COLUMNS])
    st.subheader(t("counterpart.by_source", lang))
    show_table(view, tables.counterpart_sources(lines, ratios, lang), report.LAYOUTS["counterpart_sources"],
               "counterpart_by_source", t("counterpart.by_source", lang), "label", ("committed", "required"))
    st.subheader(t("counterpart.by_project", lang))
    st.caption(t("counterpart.by_project_note", lang))
    show_table(view, tables.counterpart_projects(per_project, frames["projects"], unit_names, lang),
               report.layout("counterpart", unit_version), "counterpart_by_project", t("counterpart.by_project", lang),
               "project_id", counterpart.COLUMNS)

with tab_prio:
    _shared.filters_caption(filters, lang)  # every figure in the tab counts only these projects
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
        upload = _shared.file_uploader(t("priority.extra_upload", lang), ["csv"], "extra_upload",
                                       limits.MAX_TABLE_BYTES, lang)
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
        weights[extra_key] = cols[-1].slider(md_text(extra_name), 0, 100, 20, key="w_extra")  # labels are Markdown
        if values.isna().any():
            st.caption(t("priority.extra_unknown", lang))

    if sum(weights.values()) <= 0:
        st.warning(t("priority.no_weight", lang))
    elif comps.empty:
        st.info(t("priority.no_projects", lang))
    else:
        ranked = priority.rank(comps, weights)
        comp_cols = list(comps.columns)
        table = tables.ranking_frame(ranked, features, frames["projects"], unit_names, lang)
        st.subheader(t("priority.ranking", lang))
        if len(all_features) > len(features):
            st.caption(t("priority.n_not_ranked", lang, n=len(all_features) - len(features)))
        st.dataframe(tables.shown_ranking(table, comp_cols, unit_version, money), hide_index=True, width="stretch")
        st.caption(t("priority.table_note", lang))
        illustrative_caption(view)
        export, export_layout, export_title = tables.ranking_export(table, comp_cols, weights, unit_version, lang)
        downloads(view, export, export_layout, "priority_ranking", export_title, False)

        st.subheader(t("priority.explain", lang))
        pick_labels = tables.pick_labels(table)
        pick = st.selectbox(t("priority.pick", lang), list(pick_labels), format_func=pick_labels.get, key="prio_pick")
        row = ranked.loc[pick]
        inputs = tables.component_inputs(features.loc[pick], features, money,
                                         values if extra_key in comps.columns else None)
        st.dataframe(tables.priority_breakdown(row, comp_cols, weights, inputs, lang), hide_index=True,
                     width="stretch", column_config={t("priority.col.input", lang): st.column_config.TextColumn(width="large")})
        st.markdown(t("priority.sum_line", lang, score=fmt.number(row["score"] * 100, lang, 1)))

        st.subheader(t("priority.by_commune", lang))
        # Projects keep their scores; only the grouping follows the unit switch.
        _shared.units_caption(unit_version, lang)
        st.dataframe(tables.commune_scores(ranked, frames["projects"], unit_names, unit_version, lang),
                     hide_index=True, width="stretch")
        st.caption(t("priority.commune_note", lang))
        illustrative_caption(view)

with tab_time:
    _shared.filters_caption(filters, lang)  # every figure in the tab counts only these projects
    st.subheader(t("money.heading", lang))
    st.markdown(t("money.explain", lang))
    first, last = schema.SANE_YEARS
    c1, c2, c3 = st.columns(3)
    m_start = c1.date_input(t("money.from", lang), value=date(schema.PLAN_YEARS[0], 1, 1), min_value=date(first, 1, 1),
                            max_value=date(last, 12, 31), format="DD/MM/YYYY", key="money_from")
    m_end = c2.date_input(t("money.to", lang), value=date(schema.PLAN_YEARS[1], 12, 31), min_value=date(first, 1, 1),
                          max_value=date(last, 12, 31), format="DD/MM/YYYY", key="money_to")
    freq = c3.radio(t("money.freq", lang), ["year", "quarter"], format_func=lambda f: t(f"money.freq.{f}", lang),
                    horizontal=True, key="money_freq")
    projects_sel, recs = money_report.selected(ds, money_records(VERSION), filters)
    if m_start > m_end:
        st.error(t("money.bad_period", lang, start=fmt.date(m_start, lang), end=fmt.date(m_end, lang)))
    elif recs.empty:
        st.info(t("money.none", lang))
    else:
        summaries = money_report.summary_tables(ds, recs, projects_sel, m_start, m_end, lang)
        total = summaries["all"].iloc[0]
        _shared.metrics_row([(t(f"money.col.{key}", lang), money.short(total[key]), money.full(total[key]))
                             for key in ("committed_in", "disbursed_in", "disbursed_to_end", "disbursed_undated")])
        st.info(money_report.undated_sentence(total, lang), icon=":material/event_busy:")
        if gap_note := money_report.unrecorded_sentence(ds, recs, projects_sel, lang):
            st.warning(md_text(gap_note), icon=":material/rule:")
        flows = money_report.flows_table(recs, projects_sel, freq, lang)
        chart = money_report.chart_frame(flows, lang)
        scale, unit = fmt.money_scale(float(chart["value"].max() or 1), lang)
        chart = chart.assign(value=chart["value"] / scale)
        bars = alt.Chart(chart, title=chart_title(view, t("money.chart", lang, freq=t(f"money.freq.{freq}", lang)))
                         ).mark_bar().encode(
            x=alt.X("period:N", sort=list(flows["period"]), title=t("money.period", lang)),
            xOffset=alt.XOffset("measure:N"),
            y=alt.Y("value:Q", title=unit),
            color=alt.Color("measure:N", title=None, sort=list(dict.fromkeys(chart["measure"])),
                            scale=alt.Scale(scheme="tableau10")),
            opacity=alt.condition(alt.datum.undated, alt.value(0.45), alt.value(1.0)),
            tooltip=[alt.Tooltip("period:N", title=t("money.period", lang)), alt.Tooltip("measure:N", title=" "),
                     alt.Tooltip("amount:N", title=unit)],
        ).properties(height=340)
        st.altair_chart(bars, width="stretch")
        st.caption(t("money.chart_undated_note", lang))
        group = st.radio(t("money.group", lang), ["source", "content_area", "commune_code"], horizontal=True,
                         format_func=lambda g: t(f"money.by.{g}", lang), key="money_group")
        wide = money_report.disbursed_by(ds, recs, projects_sel, group, freq, lang)
        if not wide.empty:
            long = wide.reset_index().melt(id_vars="period", var_name="group", value_name="amount_vnd")
            long = long.assign(value=long["amount_vnd"] / scale, amount=[fmt.vnd(v, lang) for v in long["amount_vnd"]])
            stacked_by = alt.Chart(long, title=chart_title(view, t("money.chart_by", lang, by=t(f"money.by.{group}", lang)))
                                   ).mark_bar().encode(
                x=alt.X("period:N", sort=list(wide.index), title=t("money.period", lang)),
                y=alt.Y("sum(value):Q", title=unit),
                color=alt.Color("group:N", title=t(f"money.by.{group}", lang), legend=alt.Legend(labelLimit=320)),
                tooltip=[alt.Tooltip("period:N", title=t("money.period", lang)),
                         alt.Tooltip("group:N", title=t(f"money.by.{group}", lang)),
                         alt.Tooltip("amount:N", title=t("money.col.disbursement", lang))],
            ).properties(height=340)
            st.altair_chart(stacked_by, width="stretch")
        kinds = [k for k in ("budget", "commitment", "disbursement", "expenditure") if k in flows.columns]
        flow_layout = [Column("period", "money.period"), *[Column(k, f"money.col.{k}", "money") for k in kinds]]
        show_table(view, flows, flow_layout, f"money_per_{freq}", t("money.chart", lang, freq=t(f"money.freq.{freq}", lang)),
                   None)
        for by in ("source", "commune_code", "content_area"):
            st.subheader(t(f"money.by.{by}", lang))
            show_table(view, summaries[by], [Column("label", f"money.by.{by}"), *money_report.SUMMARY_COLUMNS],
                       f"money_by_{by}", t(f"money.by.{by}", lang), "label", money_report.SUMMED)
        st.download_button(t("money.download", lang), lambda: period_workbook(VERSION, m_start, m_end, lang, filters),
                           file_name=f"bao-cao-von-{m_start}-{m_end}-{lang}.xlsx", key="money_download",
                           on_click="ignore", icon=":material/download:", type="primary",
                           mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

with tab_report:
    _shared.filters_caption(filters, lang)  # every figure in the tab counts only these projects
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
    st.caption(t("report.ratios_used", lang, ratios=tables.ratios_text(ratios_now, lang)))
    try:
        start, end = report.check_period(int(start), int(end))
    except ValueError:
        st.error(t("report.bad_period", lang, start=int(start), end=int(end)))
    else:
        ratio_key = tuple(sorted(ratios_now.items()))
        data = lambda: report_bytes(VERSION, start, end, rlang, ratio_key, unit_version)  # noqa: E731 (built on click)
        kind = report.report_kind(start, end)
        suffix = "-don-vi-2025" if unit_version == "2025" else ""
        st.caption(unit_version_line(unit_version, rlang))  # the sidebar's unit choice goes into the workbook
        st.download_button(t("report.download", lang, title=t(f"report.title_{kind}", rlang, start=start, end=end)),
                           data, file_name=f"bao-cao-{start}-{end}-{rlang}{suffix}.xlsx", key="report_download",
                           on_click="ignore",
                           icon=":material/download:", type="primary",
                           mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        st.caption(t("report.sheets_list", rlang, sheets=", ".join(
            t(f"report.sheet.{s}", rlang) for s in report.SHEETS)))
    illustrative_caption(view)
