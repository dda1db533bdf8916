"""District overview: headline figures, indicators by commune, provenance."""

import streamlit as st

from geo import fmt, funding, schema
from geo.i18n import t
from pages import _shared

lang = _shared.lang()
ds = _shared.dataset()

st.title(t("app.title", lang))
st.caption(t("app.subtitle", lang))
_shared.provenance_banner(ds, lang)

filters = _shared.sidebar_filters(ds, lang)
table = _shared.indicator_table(filters)
st.subheader(t("overview.heading", lang))
cols = st.columns(4)
cols[0].metric(t("overview.metric_need", lang), fmt.vnd_short(table["need"].sum(), lang))
cols[1].metric(t("overview.metric_committed", lang), fmt.vnd_short(table["committed"].sum(), lang))
cols[2].metric(t("overview.metric_gap", lang), fmt.vnd_short(table["gap"].sum(), lang))
cols[3].metric(t("overview.metric_projects", lang), int(table["n_projects"].sum()))

st.subheader(t("overview.table", lang))
names = _shared.commune_names(ds, lang)
shown = table.reset_index()
shown.insert(1, "commune", shown["code"].map(names))
money = {c: t(f"common.{c}", lang) for c in ("need", "committed", "disbursed", "gap")}
for col in money:
    shown[col] = shown[col].map(lambda v: fmt.vnd(v, lang))
shown["area_km2"] = shown["area_km2"].map(lambda v: fmt.number(v, lang, 2))
shown["population"] = shown["population"].map(lambda v: fmt.number(v, lang))
shown = shown[["code", "commune", *money, "n_projects", "area_km2", "population"]].rename(
    columns={"code": t("common.code", lang), "commune": t("common.commune", lang), **money,
             "n_projects": t("overview.metric_projects", lang), "area_km2": t("common.area_km2", lang),
             "population": t("common.population", lang)})
st.dataframe(shown, hide_index=True, width="stretch")

st.subheader(t("overview.by_area", lang))
projects, lines = funding.apply_filters(ds.projects, ds.funding, filters)
by_area = funding.totals_by(projects, lines, ["content_area"]).reset_index()
for col in ("need", "committed", "gap"):
    by_area[col] = by_area[col].map(lambda v: fmt.vnd(v, lang))
by_area.insert(0, "label", by_area["content_area"].map(lambda c: schema.content_area_label(c, lang)))
st.dataframe(
    by_area[["label", "need", "committed", "gap", "n_projects"]].rename(
        columns={"label": t("overview.by_area", lang), **money, "n_projects": t("overview.metric_projects", lang)}),
    hide_index=True, width="stretch",
)
st.caption(" · ".join(ds.provenance_lines(lang, ("communes", "projects", "funding"))))
