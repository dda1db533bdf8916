"""Widgets and cached data shared by every page (one sidebar, not one per page)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from geo import funding, i18n, indicators, schema
from geo.i18n import t
from geo.store import Dataset, default_store


def lang() -> str:
    """The language chosen in the sidebar (Vietnamese by default)."""
    return st.session_state.get("lang", i18n.DEFAULT_LANG)


def language_switch() -> str:
    """Sidebar radio for the UI language; returns the chosen code."""
    st.sidebar.radio(
        i18n.t("app.language"), options=list(i18n.LANGS), format_func=i18n.LANGS.get,
        key="lang", horizontal=True,
    )
    return lang()


@st.cache_resource(show_spinner=False)
def _dataset(version: str) -> Dataset:
    return default_store().load()


def dataset() -> Dataset:
    """The current dataset, loaded once per store version."""
    return _dataset(default_store().version())


@st.cache_data(show_spinner=False)
def _indicator_table(version: str, filters: funding.Filters) -> pd.DataFrame:
    return indicators.commune_indicators(_dataset(version), filters)


def indicator_table(filters: funding.Filters = funding.Filters()) -> pd.DataFrame:
    """Per-commune indicators for ``filters``, computed once per (data version, filters)."""
    return _indicator_table(default_store().version(), filters)


def provenance_banner(ds: Dataset, lang: str) -> None:
    """A visible warning whenever any shown layer is not official."""
    if any(not p.is_official for p in ds.provenance.values()):
        st.warning(t("common.illustrative_banner", lang), icon="⚠️")


def show_data_error(err: Exception, lang: str) -> None:
    """List every problem of a DataError (file, row, column)."""
    st.error(t("common.data_error", lang) + "\n\n" + "\n".join(f"- {p}" for p in getattr(err, "problems", [err])))


def commune_names(ds: Dataset, lang: str) -> dict[str, str]:
    """Code → display name (full Vietnamese name; ASCII-free English keeps diacritics)."""
    return dict(zip(ds.communes["code"], ds.communes["full_name"]))


def quality_label(quality: schema.Quality, lang: str) -> str:
    return schema.QUALITY_LABELS[quality][1 if lang == "en" else 0]


def sidebar_filters(ds: Dataset, lang: str) -> funding.Filters:
    """The one filter panel (content area, source, status, years, donor); returns a hashable Filters."""
    sb = st.sidebar
    sb.subheader(t("filters.heading", lang))
    areas = sb.multiselect(
        t("filters.content_area", lang), options=list(schema.CONTENT_AREAS),
        format_func=lambda c: schema.content_area_label(c, lang), key="f_areas",
        placeholder=t("filters.all", lang),
    )
    sources = sb.multiselect(
        t("filters.source", lang), options=[s.key for s in schema.FUNDING_SOURCES],
        format_func=lambda k: schema.SOURCE_BY_KEY[k](lang), key="f_sources", placeholder=t("filters.all", lang),
    )
    statuses = sb.multiselect(
        t("filters.status", lang), options=[s.key for s in schema.STATUSES],
        format_func=lambda k: schema.STATUS_BY_KEY[k](lang), key="f_statuses",
        placeholder=t("filters.all_but_cancelled", lang),
    )
    lo = int(ds.projects["start_year"].min())
    hi = int(ds.projects["end_year"].max())
    years = sb.slider(t("filters.years", lang), min_value=lo, max_value=hi, value=(lo, hi), key="f_years")
    donors = sorted(d for d in ds.projects["donor"].unique() if d)
    chosen_donors = sb.multiselect(t("filters.donor", lang), options=donors, key="f_donors",
                                   placeholder=t("filters.all", lang))
    return funding.Filters(
        content_areas=tuple(sorted(areas)), sources=tuple(sources), statuses=tuple(statuses),
        years=None if tuple(years) == (lo, hi) else (int(years[0]), int(years[1])),
        donors=tuple(chosen_donors),
    )
