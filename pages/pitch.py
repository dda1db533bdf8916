"""Donor pitch (issue 5): donor profiles, matching, pitch packs (PPTX + PDF) and presentation mode."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from geo.analysis import funding, matching
from geo.ingest import donors
from geo.ingest.validate import DataError, parse_decimal
from geo.model import schema
from geo.model.dataset import Dataset
from geo.model.donors import DonorProfile
from geo.model.roles import Action
from geo.output.pitch import build, explain, tables
from geo.output.pitch import pack as pitch
from geo.storage.donors import load_profiles
from geo.storage.records import ConflictError, KeyedRefusal
from geo.storage.store import default_store
from geo.text import fmt
from geo.text.i18n import t
from geo.text.provenance_text import provenance_line
from geo.text.safe import html_text, md_fill, md_text
from pages import _shared

lang = _shared.lang()
ds = _shared.dataset()
store = default_store()
VERSION = store.version()
NEW = "__new__"
#: The pitch-pack widgets; presentation mode reads them from ``present_args`` (they are not drawn there).
PACK_KEYS: tuple[str, ...] = ("pack_kind", "pack_donor", "pack_theme", "pack_communes", "pack_top", "pack_lang",
                              "pack_stages")


# --- cached computations (keyed on the data version and inputs) ---------------------------------------
@st.cache_data(show_spinner=False, max_entries=8)
def profiles(version: str) -> list[DonorProfile]:
    return load_profiles(default_store())


@st.cache_data(show_spinner=False)
def candidates(version: str, filters: funding.Filters) -> pd.DataFrame:
    data = _shared.dataset()
    projects, lines = funding.apply_filters(data.projects, data.funding, filters, data.risk_zones)
    return matching.candidates(projects, lines, _shared.indicator_table(filters), data.risk_zones)


@st.cache_data(show_spinner=False)
def pack_for(version: str, target: pitch.Target, filters: funding.Filters, lang: str, top: int,
             unit_version: str, stages: tuple[str, ...]) -> pitch.PitchPack:
    eff = pitch.target_filters(target, filters)
    return pitch.build_pack(_shared.dataset(), target, filters, lang=lang, top=top, unit_version=unit_version,
                            indicator_table=_shared.indicator_table(eff), stages=stages)


@st.cache_data(show_spinner=False, max_entries=64)
def map_png(version: str, spec: pitch.MapSpec, filters: funding.Filters, lang: str, dpi: int) -> bytes:
    table = _shared.indicator_table(filters) if spec.unit_version == "2021" else None  # the renderer sums 2025 units
    return pitch.render_png(_shared.dataset(), spec, filters, lang, dpi, table)


@st.cache_data(show_spinner=False, max_entries=4)
def pack_files(version: str, target: pitch.Target, filters: funding.Filters, lang: str, top: int,
               unit_version: str, stages: tuple[str, ...]) -> tuple[bytes, bytes]:
    """(deck .pptx, zip of one-pager PDFs)."""
    pack = pack_for(version, target, filters, lang, top, unit_version, stages)
    files = build.build_files(_shared.dataset(), pack,
                              render=lambda spec: map_png(version, spec, pack.filters, lang, build.DEFAULT_DPI))
    return files.deck, files.onepagers_zip()


# --- helpers --------------------------------------------------------------------------------------------
def illustrative_caption(ds: Dataset, lang: str, extra: str = "") -> None:
    st.caption(tables.provenance_caption(ds, lang, extra))


def why_list(lines: list[str], size: str = "1rem") -> None:
    items = "".join(f"<li>{html_text(x)}</li>" for x in lines)  # project names are user text
    st.markdown(f"<ul style='font-size:{size};margin:0'>{items}</ul>", unsafe_allow_html=True)


# --- presentation mode ----------------------------------------------------------------------------------
#: Keys of presentation mode, handled by Streamlit's own button shortcuts (no script of ours in the page).
SHORTCUTS: dict[str, str] = {"present_prev": "Left", "present_next": "Right", "present_exit": "Escape"}
#: The slide fills the window and no more, whatever its size (1024×768 projector to 1920×1080 screen): the
#: stage is one viewport tall, the map takes what the title leaves (scaled down whole, never cropped) and the
#: figures column scrolls on its own. A page no taller than the window also cannot open scrolled down from
#: the pack tab.
STAGE_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stExpandSidebarButton"],
[data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stBottom"] { display: none !important; }
.block-container, [data-testid="stMainBlockContainer"] {
  max-width: 100% !important; padding: .6rem 1.2rem 0 1.2rem !important; }
.st-key-present_stage { height: calc(100dvh - 2.8rem) !important; flex: 0 0 auto !important; overflow: hidden;
  gap: .35rem; }
.st-key-present_stage > div { flex: 0 0 auto !important; }
.st-key-present_stage > div:has(.st-key-present_body) { flex: 1 1 0 !important; min-height: 0; }
.st-key-present_body, .st-key-present_body > [data-testid="stLayoutWrapper"], .st-key-present_stage [data-testid="stLayoutWrapper"]:has(> .st-key-present_body),
.st-key-present_body [data-testid="stHorizontalBlock"], .st-key-present_body [data-testid="stColumn"],
.st-key-present_body [data-testid="stColumn"] > [data-testid="stVerticalBlock"],
.st-key-present_body [data-testid="stColumn"] > div > [data-testid="stLayoutWrapper"],
.st-key-present_map, .st-key-present_figures, .st-key-present_map [data-testid="stElementContainer"],
.st-key-present_map [data-testid="stFullScreenFrame"], .st-key-present_map [data-testid="stFullScreenFrame"] > div,
.st-key-present_map [data-testid="stImage"], .st-key-present_map [data-testid="stImageContainer"] {
  height: 100% !important; min-height: 0 !important; }
.st-key-present_map [data-testid="stImageContainer"] { align-items: flex-start; justify-content: flex-start; }
.st-key-present_map img { max-width: 100% !important; max-height: 100% !important; width: auto !important;
  height: auto !important; }
.st-key-present_figures { overflow-y: auto; }
.st-key-present_stage h1 { font-size: clamp(1.4rem, 1.1rem + 1.6vw, 2.6rem) !important; line-height: 1.15;
  margin: 0 !important; padding: 0 !important; }
</style>
"""


def presentation(version: str, lang: str, profs: dict[str, DonorProfile], filters: funding.Filters,
                 unit_version: str) -> None:
    """One opportunity per slide in the interface's language (the switch is hidden here), ◀ ▶ and Exit."""
    st.markdown(STAGE_CSS, unsafe_allow_html=True)
    args = st.session_state.get("present_args", {})
    target = build.target_from(args, profs)
    if target is None:
        st.session_state["present"] = False
        st.rerun()
    pack = pack_for(version, target, filters, lang, int(args.get("pack_top", pitch.DEFAULT_TOP)), unit_version,
                    build.stages_from(args))
    n = len(pack.opportunities)
    i = min(max(int(st.session_state.get("present_i", 0)), 0), max(n - 1, 0))
    st.session_state["present_i"] = i
    stage = st.container(key="present_stage")
    c1, c2, c3, c4 = stage.columns([1.1, 1.1, 4.4, 1.9], vertical_alignment="center")
    if c1.button("◀ " + t("pitch.prev", lang), key="present_prev", disabled=i <= 0, width="stretch",
                 shortcut=SHORTCUTS["present_prev"]):
        st.session_state["present_i"] = i - 1
        st.rerun()
    if c2.button(t("pitch.next", lang) + " ▶", key="present_next", disabled=i >= n - 1, width="stretch",
                 shortcut=SHORTCUTS["present_next"]):
        st.session_state["present_i"] = i + 1
        st.rerun()
    banner = (f"<span style='background:#fff3cd;border:1px solid #8b0000;color:#8b0000;font-weight:700;"
              f"padding:.1rem .5rem;border-radius:4px;margin-right:.6rem'>"
              f"{html_text(t('pitch.illustrative_label', lang))}</span>") if pack.illustrative else ""
    c3.markdown(f"<div style='font-size:1rem;color:#555;line-height:1.5'>{banner}{html_text(pack.subtitle)} · "
                f"{t('pitch.step', lang, i=i + 1 if n else 0, n=n)}</div>", unsafe_allow_html=True)
    if c4.button(t("pitch.exit", lang), key="present_exit", icon=":material/close:", width="stretch",
                 shortcut=SHORTCUTS["present_exit"]):
        st.session_state["present"] = False
        st.rerun()
    if not n:
        stage.info(t("pitch.no_opportunities", lang))
        return
    opp = pack.opportunities[i]
    stage.markdown(f"<div style='padding-bottom:1rem'><h1 data-testid='presentation-title'>{i + 1}. "
                   f"{html_text(opp.title)}</h1><div style='font-size:clamp(1rem, .8rem + .8vw, 1.4rem);color:#444'>"
                   f"{html_text(opp.subtitle)}</div></div>", unsafe_allow_html=True)
    left, right = stage.container(key="present_body").columns([2, 1])
    left.container(key="present_map").image(map_png(version, opp.map, pack.filters, lang, build.DEFAULT_DPI))
    with right.container(key="present_figures"):
        total = opp.sources.iloc[-1]
        big = [(t("common.need", lang), fmt.vnd_short(total["need"], lang)),
               (t("common.committed", lang), fmt.vnd_short(total["committed"], lang)),
               (t("pitch.ask", lang), fmt.vnd_short(opp.ask, lang))]
        st.markdown("".join(
            f"<div style='font-size:clamp(.9rem, .7rem + .5vw, 1.2rem);color:#555'>{html_text(k)}</div>"
            f"<div class='present-figure' style='font-size:clamp(1.5rem, 1rem + 1.6vw, 2.6rem);font-weight:700;"
            f"line-height:1.2;"
            f"margin-bottom:.3rem'>{html_text(v)}</div>"
            for k, v in big), unsafe_allow_html=True)
        why_list(opp.why, "clamp(.9rem, .7rem + .4vw, 1.15rem)")
        st.caption(" · ".join(md_text(line) for line in [*pack.provenance[:2], t("pitch.made", lang, date=pack.made)]))


# --- page --------------------------------------------------------------------------------------------------
unit_version = _shared.unit_version_switch(lang)
filters = _shared.sidebar_filters(ds, lang)
profs = {p.donor_id: p for p in profiles(VERSION)}

if st.session_state.get("present"):
    presentation(VERSION, lang, profs, filters, unit_version)
    st.stop()

st.title(t("pitch.heading", lang))
st.caption(t("pitch.intro", lang))
_shared.provenance_banner(ds, lang)
account = _shared.signed_in()
editable = store.editable and _shared.may(account, Action.EDIT_DONORS)  # the store checks the role again
user = _shared.acting(account)
tab_profiles, tab_match, tab_pack = st.tabs(
    [t("pitch.tab_profiles", lang), t("pitch.tab_matching", lang), t("pitch.tab_pack", lang)])

with tab_profiles:
    st.markdown(t("pitch.profiles_explain", lang))
    table = tables.profiles_table(profs.values(), lang)
    st.dataframe(table, hide_index=True, width="stretch")
    st.caption(md_text(provenance_line(ds.provenance["donors"], lang)) if "donors" in ds.provenance else "")
    if not store.editable:
        st.info(t("pitch.read_only", lang))
    elif not editable:
        st.caption(t("pitch.sign_in_to_edit", lang))
    else:
        st.subheader(t("pitch.edit_heading", lang))
        if flash := st.session_state.pop("pitch_flash", None):
            st.success(flash)
        if "edit_donor_next" in st.session_state:  # set by a save/delete in the previous run
            st.session_state["edit_donor"] = st.session_state.pop("edit_donor_next")
        pick = st.selectbox(t("pitch.pick_donor", lang), [NEW, *profs], key="edit_donor",
                            format_func=lambda d: t("pitch.new_donor", lang) if d == NEW else profs[d].label(lang))
        rec = None if pick == NEW else store.get_donor(pick)
        cur = rec.donor if rec else donors.blank_donor()
        k = f"{pick}_{rec.revision if rec else 0}"  # fresh widgets after every save
        with st.form(f"donor_form_{k}"):
            c1, c2 = st.columns(2)
            did = c1.text_input(t("pitch.col_id", lang), cur["donor_id"], disabled=rec is not None,
                                help=t("pitch.id_help", lang))
            name = c2.text_input(t("pitch.col_name_en", lang), cur["name"])
            name_vi = c1.text_input(t("pitch.col_name_vi", lang), cur["name_vi"])
            kind = c2.selectbox(t("pitch.col_type", lang), list(schema.DONOR_TYPE_BY_KEY),
                                index=list(schema.DONOR_TYPE_BY_KEY).index(cur["donor_type"] or "bilateral"),
                                format_func=lambda k: schema.DONOR_TYPE_BY_KEY[k](lang))
            inst = c1.multiselect(t("pitch.col_instruments", lang), list(schema.INSTRUMENTS),
                                  default=list(donors.split_instruments(cur["instruments"])),
                                  format_func=lambda k: schema.INSTRUMENTS[k](lang))
            # text, not number_input: Streamlit would print "0.0"; the digits follow the language (0,5 / 0.5)
            lo_text = c2.text_input(t("pitch.ticket_min_bn", lang), fmt.editable(cur["ticket_min"] / 1e9, lang),
                                    help=t("pitch.ticket_help", lang), key=f"ticket_min_{k}")
            hi_text = c2.text_input(t("pitch.ticket_max_bn", lang), fmt.editable(cur["ticket_max"] / 1e9, lang),
                                    help=t("pitch.ticket_help", lang), key=f"ticket_max_{k}")
            st.markdown("**" + t("pitch.priorities_heading", lang) + "**")
            cols = st.columns(2)
            levels = {}
            for j, code in enumerate(schema.CONTENT_AREAS):
                col = schema.priority_column(code)
                levels[col] = cols[j % 2].select_slider(
                    schema.content_area_label(code, lang), options=list(schema.PRIORITY_LEVELS),
                    value=int(cur[col] or 0), format_func=lambda v: f"{v} · {schema.PRIORITY_LEVELS[v](lang)}")
            notes = st.text_area(t("pitch.col_contact", lang), cur["contact_notes"])
            basis = st.text_area(t("pitch.col_basis", lang), cur["priorities_basis"])
            st.caption(t("pitch.quality_now", lang, quality=donors.quality_text(cur["priorities_quality"], lang)))
            saved = st.form_submit_button(t("pitch.save", lang), type="primary")
        tickets = {"ticket_min": (lo_text, "pitch.ticket_min_bn"), "ticket_max": (hi_text, "pitch.ticket_max_bn")}
        amounts = {c: parse_decimal(text, lang) if text.strip() else 0.0 for c, (text, _) in tickets.items()}
        if saved and None in amounts.values():  # nothing is saved: say which box holds what
            for c, (text, label) in tickets.items():
                if amounts[c] is None:
                    st.error(t("pitch.ticket_not_number", lang, field=t(label, lang), value=text))
        elif saved:
            lo, hi = amounts["ticket_min"] or 0.0, amounts["ticket_max"] or 0.0
            new = {**cur, "donor_id": did, "name": name, "name_vi": name_vi, "donor_type": kind,
                   "instruments": schema.INSTRUMENT_SEP.join(inst), **levels, "ticket_min": round(lo * 1e9),
                   "ticket_max": round(hi * 1e9), "contact_notes": notes, "priorities_basis": basis}
            try:
                out = store.save_donor(new, rec.revision if rec else None, user)
                st.session_state["pitch_flash"] = md_fill("pitch.saved", lang, donor=out.donor["donor_id"])
                st.session_state["edit_donor_next"] = out.donor["donor_id"]
                profiles.clear()
                st.rerun()
            except DataError as err:  # a refused role too (one sentence)
                _shared.show_data_error(err, lang)
            except ConflictError as err:
                st.error(md_fill("pitch.conflict", lang, error=err.text(lang)))
        if rec is not None:
            c1, c2 = st.columns(2)
            if c1.button(t("pitch.confirm", lang), key=f"confirm_{k}", icon=":material/verified:",
                         help=t("pitch.confirm_help", lang)):
                try:
                    out = store.confirm_donor(pick, rec.revision, user)
                    st.session_state["pitch_flash"] = donors.quality_text(out.donor["priorities_quality"], lang)
                    profiles.clear()
                    st.rerun()
                except ConflictError as err:
                    st.error(md_fill("pitch.conflict", lang, error=err.text(lang)))
                except KeyedRefusal as err:
                    st.error(err.text(lang, quote=md_text))
            with c2.expander(t("pitch.delete", lang)):
                sure = st.checkbox(t("pitch.delete_confirm", lang), key=f"del_sure_{k}")
                if st.button(t("pitch.delete", lang), disabled=not sure, key=f"del_{k}"):
                    try:
                        store.delete_donor(pick, rec.revision, user)
                        st.session_state["pitch_flash"] = md_fill("pitch.deleted", lang, donor=pick)
                        st.session_state["edit_donor_next"] = NEW
                        profiles.clear()
                        st.rerun()
                    except ConflictError as err:
                        st.error(md_fill("pitch.conflict", lang, error=err.text(lang)))
                    except KeyedRefusal as err:
                        st.error(err.text(lang, quote=md_text))
            entries = store.donor_history(pick)
            with st.expander(t("pitch.history", lang)):
                if entries:
                    st.dataframe(tables.history_table(entries, lang), hide_index=True, width="stretch")
                else:
                    st.caption(t("pitch.no_history", lang))

with tab_match:
    st.markdown(t("pitch.match_formula", lang, min=fmt.vnd_short(matching.LOAN_MIN_ASK, lang)))
    cands = candidates(VERSION, filters)
    names = _shared.commune_names(ds, lang)
    st.subheader(t("pitch.for_a_donor", lang))
    if not profs:
        st.info(t("pitch.no_donors", lang))
    else:
        did = st.selectbox(t("pitch.pick_donor", lang), list(profs), key="match_donor",
                           format_func=lambda d: profs[d].label(lang))
        donor = profs[did]
        st.caption(md_fill("pitch.donor_quality", lang, donor=donor.label(lang),
                     quality=donors.quality_text(donor.priorities_quality, lang)))
        matches = matching.match_donor(donor, cands)
        if matches.empty:
            st.info(t("pitch.no_matches", lang))
        else:
            shown = tables.donor_matches_table(matches, cands, names, lang)
            st.dataframe(shown, hide_index=True, width="stretch")
            illustrative_caption(ds, lang)
            pid = st.selectbox(t("pitch.why_pick", lang), list(matches.index), key="match_why",
                               format_func=lambda p: tables.project_label(cands, p, lang))
            why_list(explain.explain(matches.loc[pid], donor, lang))
            st.markdown("**" + t("pitch.by_commune", lang) + "**")
            st.dataframe(tables.commune_matches_table(matches, names, lang), hide_index=True, width="stretch")
    st.subheader(t("pitch.for_a_project", lang))
    if cands.empty:
        st.info(t("pitch.no_matches", lang))
    else:
        pid = st.selectbox(t("pitch.pick_project", lang), list(cands.index), key="match_project",
                           format_func=lambda p: tables.project_label(cands, p, lang))
        fits = matching.match_project(profs.values(), cands.loc[pid])
        if fits.empty:
            st.info(t("pitch.no_donor_fits", lang))
        else:
            st.dataframe(tables.donor_fits_table(fits, profs, lang), hide_index=True, width="stretch")
            best = fits.index[0]
            st.markdown("**" + md_fill("pitch.why_best", lang, donor=profs[best].label(lang)) + "**")
            row = pd.concat([cands.loc[pid], fits.loc[best]])
            why_list(explain.explain(row, profs[best], lang))
        illustrative_caption(ds, lang)

with tab_pack:
    st.markdown(t("pitch.pack_explain", lang))
    for k, v in st.session_state.pop("present_args", {}).items():  # back from presentation mode
        st.session_state[k] = v
    st.session_state.setdefault("pack_top", pitch.DEFAULT_TOP)
    c1, c2 = st.columns([1, 2])
    kind = c1.radio(t("pitch.target", lang), list(pitch.KINDS), key="pack_kind",
                    format_func=lambda k: t(f"pitch.kind_{k}", lang))
    if kind == "donor":
        c2.selectbox(t("pitch.pick_donor", lang), list(profs), key="pack_donor", format_func=lambda d: profs[d].label(lang))
    elif kind == "theme":
        c2.selectbox(t("filters.content_area", lang), list(schema.CONTENT_AREAS), key="pack_theme",
                     format_func=lambda c: schema.content_area_label(c, lang))
    else:
        c2.multiselect(t("pitch.pick_communes", lang), list(ds.communes["code"]), key="pack_communes",
                       format_func=lambda c: names.get(c, c))
    c3, c4 = st.columns(2)
    top = c3.number_input(t("pitch.top", lang), min_value=1, max_value=15, key="pack_top",
                          disabled=kind == "communes")
    st.session_state.setdefault("pack_lang", lang)  # the files start in the language of the screen
    plang = c4.radio(t("pitch.pack_lang", lang), list(("en", "vi")), key="pack_lang", horizontal=True,
                     format_func=lambda k: {"vi": "Tiếng Việt", "en": "English"}[k])
    st.session_state.setdefault("pack_stages", list(build.DEFAULT_STAGES))
    st.multiselect(t("pitch.stages", lang), [s.key for s in schema.STATUSES], key="pack_stages",
                   format_func=lambda k: schema.STATUS_BY_KEY[k](lang), help=t("pitch.stages_help", lang))
    st.caption(t("pitch.units_used", lang, units=schema.UNIT_VERSIONS[unit_version](lang)))
    target = build.target_from(st.session_state, profs)
    stages = build.stages_from(st.session_state)
    if target is None:
        st.info(t("pitch.pick_target", lang))
    else:
        pack = pack_for(VERSION, target, filters, plang, int(top), unit_version, stages)
        st.markdown(tables.pack_summary(pack, lang))
        if build.includes_unapproved(pack):
            st.warning(t("pitch.stages_not_default", lang))
        st.info(pitch.stages_line(pack.stages, pack.left_out, lang))
        st.dataframe(tables.opportunities_table(pack, lang), hide_index=True, width="stretch")
        key = (VERSION, target, filters, plang, int(top), unit_version, stages)
        b1, b2 = st.columns(2)
        if b1.button(t("pitch.build", lang), type="primary", icon=":material/slideshow:", key="pack_build"):
            with st.spinner(t("pitch.building", lang)):
                st.session_state["pack_built"] = (key, *pack_files(*key))
        if b2.button(t("pitch.present", lang), icon=":material/co_present:", key="present_start",
                     disabled=not pack.opportunities):
            st.session_state["present"] = True
            st.session_state["present_i"] = 0
            st.session_state["present_args"] = {k: st.session_state[k] for k in PACK_KEYS if k in st.session_state}
            st.rerun()
        built = st.session_state.get("pack_built")
        if built and built[0] == key:
            _, slides, pdfs = built
            d1, d2 = st.columns(2)
            d1.download_button(t("pitch.download_deck", lang), slides, f"pitch-{target.slug()}-{plang}.pptx",
                               "application/vnd.openxmlformats-officedocument.presentationml.presentation",
                               key="dl_deck", icon=":material/download:", on_click="ignore")
            d2.download_button(t("pitch.download_pdfs", lang, n=len(pack.opportunities)), pdfs,
                               f"pitch-{target.slug()}-{plang}-onepagers.zip", "application/zip", key="dl_pdfs",
                               icon=":material/download:", on_click="ignore")
        illustrative_caption(ds, lang, t("pitch.maps_units", lang, units=schema.UNIT_VERSIONS[unit_version](lang)))
