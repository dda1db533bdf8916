"""District overview: headline figures, indicators by commune, provenance."""

import streamlit as st

from geo.analysis import funding, units
from geo.model import schema
from geo.output.exports import exporting
from geo.text import fmt
from geo.text.i18n import t
from geo.text.provenance_text import provenance_lines
from geo.text.safe import md_fill, md_text
from pages import _shared

lang = _shared.lang()
ds = _shared.dataset()

st.title(md_text(ds.config.title(lang)))  # the data folder's atlas.toml names the district
st.caption(md_fill("app.subtitle", lang, district=ds.config.name(lang), province=ds.config.province(lang)))
_shared.provenance_banner(ds, lang)

unit_version = _shared.unit_version_switch(lang)
filters = _shared.sidebar_filters(ds, lang)
layer = _shared.unit_view(filters, unit_version)
stuck = _shared.unallocated(filters, unit_version)
totals = units.district_totals(layer, stuck)
st.subheader(t("overview.heading", lang))
_shared.filters_caption(filters, lang)
_shared.metrics_row([
    (t("overview.metric_need", lang), fmt.vnd_short(totals["need"], lang), fmt.vnd(totals["need"], lang)),
    (t("overview.metric_committed", lang), fmt.vnd_short(totals["committed"], lang), fmt.vnd(totals["committed"], lang)),
    (t("overview.metric_gap", lang), fmt.vnd_short(totals["gap"], lang), fmt.vnd(totals["gap"], lang)),
    (t("overview.metric_projects", lang), fmt.number(int(totals["n_projects"]), lang, 0), None),
])

new_units = unit_version == "2025"
st.subheader(t("units.table_2025" if new_units else "overview.table", lang))
_shared.units_caption(unit_version, lang)
_shared.partial_units_note(layer, lang)
shown = exporting.with_unit_notes(layer.drop(columns="geometry"), lang)
money = {c: t(f"common.{c}", lang) for c in ("need", "committed", "disbursed", "gap")}
for col in money:
    shown[col] = shown[col].map(lambda v: fmt.vnd(v, lang))
for col in ("area_km2", "official_area_km2"):
    if col in shown:
        shown[col] = shown[col].map(lambda v: fmt.km2(v, lang, unit=False))  # header says (km²)
shown["population"] = shown["population"].map(lambda v: fmt.number(v, lang))
# The note goes next to the name: it must not scroll out of sight on a laptop screen.
extra_before = ["former_names", "note"] if new_units else []
extra_after = ["official_area_km2"] if new_units else []
shown = shown[["code", "full_name", *extra_before, *money, "n_projects", "area_km2", *extra_after, "population"]].rename(
    columns={"code": t("common.code", lang), "full_name": t("units.unit" if new_units else "common.commune", lang),
             "former_names": t("units.former", lang), **money, "n_projects": t("overview.metric_projects", lang),
             "area_km2": t("common.area_km2", lang), "official_area_km2": t("units.official_area", lang),
             "note": t("units.note", lang), "population": t("common.population", lang)})
st.dataframe(shown, hide_index=True, width="stretch",
             column_config={t("units.note", lang): st.column_config.TextColumn(width="medium")})
_shared.unallocated_notice(stuck, lang)

st.subheader(t("overview.by_area", lang))
projects, lines = funding.apply_filters(ds.projects, ds.funding, filters, ds.risk_zones)
by_area = funding.totals_by(projects, lines, ["content_area"]).reset_index()
for col in ("need", "committed", "gap"):
    by_area[col] = by_area[col].map(lambda v: fmt.vnd(v, lang))
by_area.insert(0, "label", by_area["content_area"].map(lambda c: schema.content_area_label(c, lang)))
st.dataframe(
    by_area[["label", "need", "committed", "gap", "n_projects"]].rename(
        columns={"label": t("overview.by_area", lang), **money, "n_projects": t("overview.metric_projects", lang)}),
    hide_index=True, width="stretch",
)
st.caption(" · ".join(md_text(line) for line in provenance_lines(ds,
    lang, ("communes", "projects", "funding", "crosswalk_2025"))))
