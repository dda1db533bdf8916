"""Widgets and cached data shared by every page (one sidebar, not one per page)."""

from __future__ import annotations

import time

import geopandas as gpd
import pandas as pd
import streamlit as st

from geo.analysis import funding, indicators, units
from geo.ingest import atlas_toml
from geo.ingest.validate import DataError
from geo.model import roles, schema
from geo.model.config import AtlasConfig
from geo.model.dataset import Dataset
from geo.model.roles import Action, Actor, allows
from geo.output import incident
from geo.output.exports import exporting
from geo.output.exports.exporting import unit_note
from geo.storage import accounts
from geo.storage.records import KeyedRefusal, StoreUnavailable, UserRecord
from geo.storage.store import default_store
from geo.text import fmt, i18n
from geo.text.i18n import t
from geo.text.safe import md_text


def run_through_navigation() -> None:
    """Send a deep link that is a server's first request through app.py.

    Until the first ``st.navigation`` call in a server process, Streamlit treats the ``pages/``
    folder as old-style auto-navigation: a bookmarked ``/overview`` as the first request after a
    restart would run that page alone (no language switch, an auto-generated menu). The flag is
    process-wide and flips once, so this reruns at most one page load per server start.
    """
    try:
        from streamlit.runtime.pages_manager import PagesManager
    except ImportError:  # a future Streamlit without the old mode
        return
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


def lang() -> str:
    """The language chosen in the sidebar (Vietnamese by default)."""
    run_through_navigation()  # a deep link as the first request runs the page alone
    return st.session_state.get("lang", i18n.DEFAULT_LANG)


def language_switch() -> str:
    """Sidebar radio for the UI language; returns the chosen code."""
    st.sidebar.radio(
        i18n.t("app.language"), options=list(i18n.LANGS), format_func=i18n.LANGS.get,
        key="lang", horizontal=True,
    )
    return lang()


def unexpected_error(err: Exception, lang: str, where: str) -> None:
    """A page failed in a way we did not foresee: a sentence and a reference, the traceback only in the log."""
    ref = incident.log_incident(err, where)
    st.error(t("err.unexpected", lang, ref=ref), icon=":material/error:")


def require_store(lang: str) -> None:
    """Stop the page with a clear message when the store cannot be opened (which server and how to fix it;
    a database written by a newer app)."""
    try:
        default_store()
    except StoreUnavailable as err:
        st.error(err.text(lang))
        st.stop()
    except DataError as err:
        show_data_error(err, lang)
        st.stop()


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


@st.cache_resource(show_spinner=False)
def _config(bundle: str) -> AtlasConfig:
    return atlas_toml.load_config(bundle)


def page_title() -> str:
    """The browser-tab title: the data folder's own atlas name (English, as tab titles are short)."""
    return _config(str(atlas_toml.bundle_dir())).title("en")


def provenance_banner(ds: Dataset, lang: str) -> None:
    """A visible warning naming every layer that is not official (nothing when all are)."""
    if notice := exporting.quality_notice(ds, lang, quote=md_text):  # titles come from the data folder
        st.warning(notice, icon="⚠️")


def show_data_error(err: Exception, lang: str) -> None:
    """List every problem of a DataError (file, row, column) in ``lang``; other errors as their text."""
    if isinstance(err, KeyedRefusal):  # server gone, permission denied, account refused: one sentence, no list
        st.error(err.text(lang, quote=md_text))
        return
    problems = getattr(err, "problems", None)
    lines = [p.text(lang, quote=md_text) for p in problems] if problems is not None else [md_text(err)]
    st.error(t("common.data_error", lang) + "\n\n" + "\n".join(f"- {line}" for line in lines))


def commune_names(ds: Dataset, lang: str) -> dict[str, str]:
    """Code → display name (full Vietnamese name; ASCII-free English keeps diacritics)."""
    return dict(zip(ds.communes["code"], ds.communes["full_name"]))


def quality_label(quality: schema.Quality, lang: str) -> str:
    return schema.QUALITY_LABELS[quality](lang)


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


# --- 2025 units (issue 8) -------------------------------------------------------------
def _keep_units() -> None:
    st.session_state["units_kept"] = st.session_state["units"]


def unit_version_switch(lang: str) -> str:
    """Sidebar radio "units 2021–2025" / "units from 1/7/2025" (key ``units``); returns the version key.

    The choice lives in ``units_kept`` and is written into the widget before each run: it survives pages
    without the switch (Streamlit drops an unrendered widget's state) and moves between pages that
    have it (each page's radio is a new widget, which would start at its default).
    """
    st.session_state["units"] = st.session_state.get("units_kept", schema.DEFAULT_UNIT_VERSION)
    st.sidebar.radio(
        t("units.switch", lang), options=list(schema.UNIT_VERSIONS),
        format_func=lambda v: schema.UNIT_VERSIONS[v](lang), key="units", on_change=_keep_units,
    )
    return st.session_state["units"]


@st.cache_data(show_spinner=False)
def _unit_view(version: str, filters: funding.Filters, unit_version: str) -> gpd.GeoDataFrame:
    return units.view(_dataset(version), unit_version, filters)


def unit_view(filters: funding.Filters, unit_version: str) -> gpd.GeoDataFrame:
    """The layer keyed by ``code`` with indicator columns, cached per data version and inputs (not language)."""
    return _unit_view(default_store().version(), filters, unit_version)


@st.cache_data(show_spinner=False)
def _unallocated(version: str, filters: funding.Filters) -> pd.DataFrame:
    return units.unallocated_projects(_dataset(version), filters)


def unallocated(filters: funding.Filters, unit_version: str) -> pd.DataFrame:
    """Projects that cannot be placed in one old commune (always empty in the 2025 view)."""
    if unit_version != "2021":
        return pd.DataFrame(columns=units.UNALLOCATED_COLUMNS)
    return _unallocated(default_store().version(), filters)


def units_caption(unit_version: str, lang: str) -> str:
    """A caption under a map or table saying which units it shows (and the legal source for 2025)."""
    ds = dataset()
    if unit_version == "2025":
        text = t("units.caption_2025", lang, n=len(units.new_units(ds.units_2025)),
                 source=schema.REFORM_LEGAL_SOURCE_LABEL(lang))
    else:
        text = t("units.caption_2021", lang, n=len(ds.communes))
    st.caption(text)
    return text


def partial_units_note(layer: pd.DataFrame, lang: str) -> None:
    """Name the new units only partly shown (they also hold territory outside the old district)."""
    partial = layer[layer["partial"].astype(bool)] if "partial" in layer else layer.iloc[0:0]
    if len(partial):
        st.info(f"{md_text(', '.join(partial['full_name']))}: {unit_note(True, lang)}.", icon=":material/info:")


def unallocated_notice(stuck: pd.DataFrame, lang: str) -> None:
    """The table of projects that cannot be placed in one former commune, with their total; nothing if none."""
    if stuck.empty:
        return
    st.subheader(t("units.unallocated_heading", lang))
    st.write(t("units.unallocated_explain", lang))
    outside = t("units.outside", lang)
    shown = pd.DataFrame({
        t("units.project", lang): stuck["name_en" if lang == "en" else "name_vi"].where(
            stuck["name_en" if lang == "en" else "name_vi"] != "", stuck["name_vi"]),
        t("units.new_unit", lang): stuck["new_code"] + " " + stuck["new_name"],
        t("units.could_lie_in", lang): [
            f"{codes} + {outside}" if out else codes for codes, out in zip(stuck["former_codes"], stuck["outside"])],
        **{t(f"common.{c}", lang): stuck[c].map(lambda v: fmt.vnd(v, lang)) for c in units.MONEY},
    })
    st.dataframe(shown, hide_index=True, width="stretch")
    st.caption(t("units.unallocated_total", lang, amount=fmt.vnd(int(stuck["need"].sum()), lang), n=len(stuck)))


# --- accounts and sign-in (issue 15) ------------------------------------------------------------------
AUTH_KEY = "auth"


def has_accounts() -> bool:
    """True once the store has any account: then editing needs a sign-in (a fresh install is read-only)."""
    return default_store().has_users()


def signed_in() -> UserRecord | None:
    """The signed-in account, checked against the store on every run (idle timeout, disabled, password reset)."""
    session = st.session_state.get(AUTH_KEY)
    if not session:
        return None
    rec, ended = accounts.check_session(default_store(), session, time.time())
    if ended:
        sign_out(ended)
        return None
    if rec is not None:
        st.session_state[AUTH_KEY] = dict(session, seen=time.time())
    return rec


def _fresh_session_state() -> None:
    """Drop every widget value, form and cached choice of this browser session; keep only the language."""
    keep = st.session_state.get("lang")
    for key in list(st.session_state.keys()):
        del st.session_state[key]
    if keep:
        st.session_state["lang"] = keep


def sign_in(rec: UserRecord) -> None:
    """Start a fresh session for ``rec``: nothing of the signed-out session's state is carried over."""
    _fresh_session_state()
    st.session_state[AUTH_KEY] = accounts.new_session(rec, time.time())


def sign_out(reason: str = "auth.signed_out") -> None:
    """End the session: every widget value and form of the signed-in user is dropped, the language kept."""
    _fresh_session_state()
    st.session_state["auth_flash"] = reason


def acting(rec: UserRecord | None) -> Actor | str:
    """What page writes pass to the store: the signed-in account (a store without accounts takes no name)."""
    return rec.actor() if rec is not None else ""


def may(rec: UserRecord | None, action: Action) -> bool:
    """Whether to show the controls for ``action``: signed in with a role that allows it.

    The store checks again on every write; hiding a control is only for the reader's sake.
    """
    return rec is not None and allows(rec.actor(), action)


def account_sidebar(lang: str) -> UserRecord | None:
    """The sidebar's account line (who is signed in, sign-out) or a sign-in hint; returns the account."""
    rec = signed_in()
    if flash := st.session_state.pop("auth_flash", None):
        st.sidebar.info(t(flash, lang, minutes=roles.IDLE_MINUTES) if flash == "auth.idle_out" else t(flash, lang))
    if rec is not None:
        st.sidebar.caption(t("auth.signed_in_as", lang, name=md_text(rec.display_name),
                                  role=t(f"role.{rec.role.value}", lang)))
        if st.sidebar.button(t("auth.sign_out", lang), key="sign_out", icon=":material/logout:"):
            sign_out()
            st.rerun()
    return rec


def require_editor(lang: str) -> UserRecord | None:
    """Stop the page unless someone is signed in (once accounts exist); a store without accounts: read-only stop."""
    if not has_accounts():
        st.info(t("auth.no_accounts", lang))
        st.stop()
    rec = signed_in()
    if rec is None:
        st.info(t("auth.needed", lang))
        st.page_link("pages/signin.py", label=t("auth.nav", lang), icon=":material/login:")
        st.stop()
    return rec

