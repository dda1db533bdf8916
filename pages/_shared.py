"""Widgets and cached data shared by every page (one sidebar, not one per page)."""

from __future__ import annotations

import time

import geopandas as gpd
import pandas as pd
import streamlit as st

from geo.analysis import funding, indicators, units
from geo.analysis.classify import SCHEMES
from geo.analysis.indicators import INDICATORS
from geo.ingest import atlas_toml, limits
from geo.ingest.validate import DataError
from geo.model import roles, schema, view
from geo.model.config import AtlasConfig
from geo.model.dataset import Dataset
from geo.model.roles import Action, Actor, allows
from geo.output import incident
from geo.output.exports import exporting
from geo.output.exports.exporting import unit_note
from geo.storage import accounts
from geo.storage.records import KeyedRefusal, StoreUnavailable, UserRecord
from geo.storage.store import default_store
from geo.text import filters_text, fmt, i18n
from geo.text.i18n import t
from geo.text.safe import html_text, md_text


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
    a database written by a newer app; a store file that is empty, damaged, foreign or in an unusable folder)."""
    try:
        default_store().version()  # opens the file too: a GeoPackage store is only opened by its first read
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
    # Money by commune is summed by the store (SQL), not from every funding line loaded in memory;
    # "in a high-risk zone" is a spatial test the SQL does not make, so that filter sums in memory.
    money = None if filters.high_risk else default_store().funding_totals_by_commune(filters, "2021")
    return indicators.commune_indicators(_dataset(version), filters, money=money)


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
    """The one filter panel (content area, source, status, years, donor); returns a hashable Filters.

    The choices are kept (:func:`kept_widget`), so every page shows the same filters, and the last
    Filters are remembered for the link (:func:`sync_url`).
    """
    sb = st.sidebar
    sb.subheader(t("filters.heading", lang))
    areas = sb.multiselect(
        t("filters.content_area", lang), options=list(schema.CONTENT_AREAS),
        format_func=lambda c: schema.content_area_label(c, lang), placeholder=t("filters.all", lang),
        **kept_widget("f_areas", []),
    )
    sources = sb.multiselect(
        t("filters.source", lang), options=[s.key for s in schema.FUNDING_SOURCES],
        format_func=lambda k: schema.SOURCE_BY_KEY[k](lang), placeholder=t("filters.all", lang),
        **kept_widget("f_sources", []),
    )
    statuses = sb.multiselect(
        t("filters.status", lang), options=[s.key for s in schema.STATUSES],
        format_func=lambda k: schema.STATUS_BY_KEY[k](lang), placeholder=t("filters.all_but_cancelled", lang),
        **kept_widget("f_statuses", []),
    )
    lo = int(ds.projects["start_year"].min())
    hi = int(ds.projects["end_year"].max())
    want = _kept().get("f_years") or (lo, hi)  # a link's years are clamped to the data's
    years_now = (min(max(int(want[0]), lo), hi), max(min(int(want[1]), hi), lo))
    years = sb.slider(t("filters.years", lang), min_value=lo, max_value=hi,
                      **kept_widget("f_years", (lo, hi), value=years_now))
    donors = sorted(d for d in ds.projects["donor"].unique() if d)
    chosen_donors = sb.multiselect(
        t("filters.donor", lang), options=donors, placeholder=t("filters.all", lang),
        **kept_widget("f_donors", [], value=[d for d in _kept().get("f_donors", []) if d in donors]),
    )
    high_risk = sb.checkbox(t("filters.high_risk", lang), help=t("filters.high_risk_help", lang),
                            **kept_widget("f_risk", False))
    filters = funding.Filters(
        content_areas=tuple(sorted(areas)), sources=tuple(sources), statuses=tuple(statuses),
        years=None if tuple(years) == (lo, hi) else (int(years[0]), int(years[1])),
        donors=tuple(chosen_donors), high_risk=bool(high_risk),
    )
    st.session_state[_FILTERS] = filters
    return filters


def metrics_row(items: list[tuple[str, str, str | None]]) -> None:
    """Headline figures ``(label, value, help)`` side by side, each as wide as its text: on a narrow screen
    they wrap to a second row instead of being cut to "658,8 …" (columns of a quarter width cut them)."""
    row = st.container(horizontal=True, gap="large")
    for label, value, help_text in items:
        row.metric(label, value, help=help_text, width="content")


def filters_caption(filters: funding.Filters, lang: str) -> None:
    """One line under a panel or chart saying which filters it shows (nothing when none is on)."""
    if filters_text.is_filtered(filters):
        st.caption(md_text(t('view.filtered', lang, filters=filters_text.filters_line(filters, lang))))


# --- one view state, kept across pages and mirrored in the link (issue 18) ------------------
_KEPT = "_view_kept"  # widget key -> value; Streamlit drops a widget's state on a page without it
_FILTERS = "_view_filters"  # the last Filters a page computed
_WRITTEN = "_view_written"  # the query string this session last wrote (to tell a new link from our own)


def _kept() -> dict:
    return st.session_state.setdefault(_KEPT, {})


def _keep(key: str, then=None) -> None:
    _kept()[key] = st.session_state[key]
    if then is not None:
        then()


_UNSET = object()


def kept_value(key: str, default: object = None) -> object:
    """The kept value of a widget (also when this page does not draw it)."""
    return _kept().get(key, default)


def remember(key: str, value: object) -> None:
    """Set a kept widget's value from code (a map click choosing the commune); call before it is drawn."""
    _kept()[key] = value


def kept_widget(key: str, default: object, value: object = _UNSET, on_change=None) -> dict:
    """Keyword arguments that make a widget keep its value across pages: write the kept value (or
    ``value``, a cleaned-up one) into the widget before it is drawn, keep each change in a callback
    (callbacks run before the page, so the page sees the new value)."""
    chosen = _kept().get(key, default) if value is _UNSET else value
    st.session_state[key] = chosen
    _kept()[key] = chosen
    return {"key": key, "on_change": guarded, "args": (key, _keep, key, on_change)}


_CALLBACK_ERROR = "_callback_error"


def guarded(where: str, fn, *args) -> None:
    """Run a widget callback so that an error in it becomes the same sentence and reference as an error in a
    page: Streamlit runs callbacks before the page, outside app.py's guard, and would show a traceback."""
    try:
        fn(*args)
    except Exception as err:  # st.stop/st.rerun are BaseExceptions and pass through
        st.session_state[_CALLBACK_ERROR] = incident.log_incident(err, f"callback {where}")


def callback_error(lang: str) -> None:
    """Show (once) the error of a callback that failed before this run; app.py calls it on every run."""
    if ref := st.session_state.pop(_CALLBACK_ERROR, None):
        st.error(t("err.unexpected", lang, ref=ref), icon=":material/error:")


def _query_now() -> dict[str, list[str]]:
    return {k: st.query_params.get_all(k) for k in st.query_params}


def _canonical(q: dict) -> dict[str, list[str]]:
    return {k: [v] if isinstance(v, str) else list(v) for k, v in q.items()}


def load_view_from_url() -> None:
    """Open the view a link asks for: on a session's first run, and whenever the link in the address bar
    is not the one this session wrote (a pasted link, back/forward). Parts not understood are named."""
    incoming = _query_now()
    if not incoming or incoming == st.session_state.get(_WRITTEN):
        return
    v, ignored = view.from_query(incoming, indicators=INDICATORS, schemes=SCHEMES)
    st.session_state["lang"] = v.lang
    st.session_state["units_kept"] = v.unit_version
    f = v.filters
    kept = _kept()
    kept.update(f_areas=list(f.content_areas), f_sources=list(f.sources), f_statuses=list(f.statuses),
                f_donors=list(f.donors), f_risk=f.high_risk, map_commune=v.commune, map_online=v.online_basemap,
                map_offline=v.terrain)
    kept["f_years"] = f.years  # None: the data's whole range
    for layer in view.LAYERS:
        kept[f"map_layer_{layer}"] = layer not in v.hidden_layers
    for key, value in (("map_indicator", v.indicator), ("map_scheme", v.scheme)):
        if value is not None:
            st.session_state[key] = value
    st.session_state["_map_zoom_to"] = v.commune
    st.session_state[_FILTERS] = f
    st.session_state[_WRITTEN] = incoming
    if ignored:
        st.toast(t("view.link_ignored", v.lang, parts=", ".join(ignored)), icon=":material/link_off:")


def current_view() -> view.ViewState:
    """The view this session shows now, from the kept choices."""
    kept = _kept()
    return view.ViewState(
        lang=st.session_state.get("lang", i18n.DEFAULT_LANG),
        unit_version=st.session_state.get("units_kept", schema.DEFAULT_UNIT_VERSION),
        filters=st.session_state.get(_FILTERS, funding.Filters()),
        commune=kept.get("map_commune"),
        # the map's first choices are its defaults: a link leaves them out
        indicator=_unless_first(st.session_state.get("map_indicator"), INDICATORS),
        scheme=_unless_first(st.session_state.get("map_scheme"), SCHEMES),
        hidden_layers=tuple(k for k in view.LAYERS if kept.get(f"map_layer_{k}", True) is False),
        online_basemap=bool(kept.get("map_online", False)),
        terrain=bool(kept.get("map_offline", False)),
    )


def _unless_first(value: str | None, options: dict) -> str | None:
    return None if value == next(iter(options)) else value


def share_box(lang: str, page_path: str) -> None:
    """The sidebar's read-only share link of this view (page, language, filters, commune, map choices).

    Whoever opens it starts a new browser session, signed out: the same view with no edit control.
    """
    link = view.share_link(page_path or "map", current_view(), view.origin_of(st.context.url))
    if link is None:
        return
    with st.sidebar.expander(t("share.heading", lang), icon=":material/share:"):
        # A read-only text field, not st.code: st.code loads Streamlit's syntax highlighter (~440 KB compressed)
        # on every first visit, as every page draws this sidebar (issue 20). Select it and copy.
        st.html(f'<textarea readonly rows="3" aria-label="{html_text(t("share.heading", lang))}"'
                ' data-testid="atlas-share-link" style="width:100%;font:inherit;font-size:.8rem;padding:.35rem .5rem;'
                'border:1px solid rgba(128,128,128,.4);border-radius:.4rem;background:transparent;color:inherit;'
                f'resize:none;word-break:break-all">{html_text(link)}</textarea>')
        st.caption(t("share.caption" if public_view_open() else "share.caption_signin", lang))


def _view_query() -> dict[str, list[str]]:
    return _canonical(view.to_query(current_view()))


def navigation_slot():
    """The sidebar's first place, kept for the page links that ``navigation_links`` draws there."""
    return st.sidebar.container(key="atlas_nav").empty()


def navigation_links(slot, pages: list, drawn: dict | None = None) -> dict[str, list[str]]:
    """One link per page in ``slot`` that carries the current view's query; returns the query drawn.

    Streamlit's own menu opens a page without the query and ``sync_url`` then writes it: two browser-history
    entries per page change, so Back first showed the same page unfiltered (issue 18). A link that already
    holds the query makes one entry, and ``sync_url`` on the new page finds nothing to write. app.py draws
    the links before the page (so the menu never blinks) and again after it with the filters the page just
    set; ``drawn`` skips that second drawing when nothing changed.
    """
    q = _view_query()
    if q != drawn:
        with slot.container():
            for p in pages:
                st.page_link(p, query_params=q)
    return q


def sync_url() -> None:
    """Mirror the current view in the address bar, so the link reopens it (only when it changed)."""
    q = _view_query()
    if q != _query_now():
        st.query_params.from_dict(q)
    st.session_state[_WRITTEN] = q


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
        format_func=lambda v: schema.UNIT_VERSIONS[v](lang), key="units", on_change=guarded,
        args=("units", _keep_units),
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


def public_view_open() -> bool:
    """Signed-out visitors see the read-only pages: always on a fresh install (nobody could sign in yet), and
    afterwards unless an admin turned the public view off."""
    store = default_store()
    if not store.editable:  # the shipped files opened read-only: no accounts, nothing an admin could close
        return True
    return not store.has_users() or store.public_view()


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


#: ``st.date_input`` formats: day first in Vietnamese (as fmt.date writes dates), ISO order in English.
DATE_INPUT = {"vi": "DD/MM/YYYY", "en": "YYYY/MM/DD"}


def _css_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3c ")


def file_uploader(label: str, types: list[str], key: str, limit_bytes: int, lang: str, *, disabled: bool = False):
    """``st.file_uploader`` whose limit ``limit_bytes`` (the ingest limit, checked by the reader) is stated once.

    Streamlit's own drop-zone text is English and states the server-wide limit ("200MB per file"):
    it is hidden, the button is relabelled, and the caption below says the limit and the file types.
    """
    st.html("<style>[data-testid='stFileUploaderDropzoneInstructions'],"
            "[data-testid='stFileUploaderDropzone'] button [data-testid='stMarkdownContainer']{display:none}"
            f"[data-testid='stFileUploaderDropzone'] button::after{{content:\"{_css_text(t('common.upload_browse', lang))}\";margin-left:.4rem}}"
            "</style>")
    # The browser is told only the server's cap: a file over this uploader's own limit then gets the app's
    # bilingual refusal naming that limit, not Streamlit's English "File must be … MB or smaller".
    upload = st.file_uploader(label, type=types, key=key, max_upload_size=limits.megabytes(limits.MAX_UPLOAD_BYTES),
                              disabled=disabled)
    st.caption(t("common.upload_limit", lang, mb=fmt.number(limits.megabytes(limit_bytes), lang),
                 types=", ".join(dict.fromkeys(x.upper() for x in types))))
    return upload


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
        st.page_link("pages/signin.py", label=t("auth.nav", lang), icon=":material/login:",
                     query_params=_view_query())  # the view goes along: one history entry
        st.stop()
    return rec

