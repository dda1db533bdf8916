"""Download panel for a print-quality copy of what the map page shows (PNG, PDF, SVG).

Call :func:`print_export_panel` from the map page with its current indicator,
filters, language, layers, scheme and unit version (``_shared.unit_version_switch``). The page is rendered only when the user
clicks the download button (deferred data), and cached on all inputs. Title, subtitle and a note may be typed
(empty: the automatic title and subtitle, no note), checked like every text the atlas takes, as the CLI's
``--title/--subtitle/--note``.
"""

from __future__ import annotations

from collections.abc import Iterable

import streamlit as st

from geo.analysis import funding
from geo.model import schema
from geo.model.dataset import Dataset
from geo.output.exports.exporting import unit_version_line
from geo.output.maps import render
from geo.storage.store import default_store
from geo.text.i18n import t

DPI_OPTIONS: tuple[int, ...] = render.DPI_CHOICES


@st.cache_data(show_spinner=False, max_entries=16)
def render_cached(version: str, _ds: Dataset, indicator: str, filters: funding.Filters, lang: str,
                  layers: tuple[str, ...], scheme: str, paper: str, orientation: str, fmt: str, dpi: int,
                  unit_version: str = schema.DEFAULT_UNIT_VERSION, title: str | None = None,
                  subtitle: str | None = None, note: str | None = None) -> bytes:
    """The rendered file, once per (data version, map inputs, paper, format, dpi, unit version, texts)."""
    return render.render_bytes(_ds, indicator, fmt=fmt, dpi=dpi, filters=filters, lang=lang, layers=layers,
                               scheme=scheme, paper=paper, orientation=orientation, unit_version=unit_version,
                               title=title, subtitle=subtitle, note=note)


def file_name(indicator: str, paper: str, orientation: str, fmt: str, dpi: int,
              unit_version: str = schema.DEFAULT_UNIT_VERSION) -> str:
    """``tam-duong-gap-A4-landscape-300dpi.png`` (no dpi for vector formats; ``-units2025`` for the units from 1/7/2025).

    >>> file_name("funding_gap", "A3", "portrait", "pdf", 300, "2025")
    'tam-duong-gap-units2025-A3-portrait.pdf'
    """
    res = f"-{dpi}dpi" if fmt == "png" else ""
    new = "-units2025" if unit_version == "2025" else ""
    return f"tam-duong-{render.resolve_indicator(indicator)}{new}-{paper}-{orientation}{res}.{fmt}"


def print_export_panel(ds: Dataset, indicator: str, filters: funding.Filters, lang: str,
                       layers: Iterable[str] = (), scheme: str = "quantiles",
                       unit_version: str = schema.DEFAULT_UNIT_VERSION) -> None:
    """Paper / orientation / format / dpi choices and a download button for the rendered map."""
    layers = tuple(layers)
    with st.expander(t("print.heading", lang), icon=":material/print:"):
        c1, c2, c3, c4 = st.columns(4)
        paper = c1.selectbox(t("print.paper", lang), list(render.PAPER_MM), key="print_paper")
        orientation = c2.selectbox(t("print.orientation", lang), list(render.ORIENTATIONS),
                                   format_func=lambda o: t(f"print.{o}", lang), key="print_orientation")
        fmt = c3.selectbox(t("print.format", lang), list(render.FORMATS), format_func=str.upper, key="print_format")
        dpi = c4.selectbox(t("print.dpi", lang), DPI_OPTIONS, index=DPI_OPTIONS.index(300), key="print_dpi",
                           disabled=fmt != "png")
        w, h = render.paper_size(paper, orientation)
        if fmt == "png":
            st.caption(t("print.size", lang, w=round(w * dpi), h=round(h * dpi), dpi=dpi))
        else:
            st.caption(t("print.vector", lang, paper=paper))
        st.caption(unit_version_line(unit_version, lang))  # printed in the map's footer too
        title, subtitle, note = _texts(lang)
        problems = render.text_problems_of(title, subtitle, note, t("print.heading", lang),
                                           (t("print.title", lang), t("print.subtitle", lang), t("print.note", lang)))
        if problems:
            st.error("\n\n".join(p.text(lang) for p in problems) + "\n\n" + t("print.fix_text", lang))
            return
        version = default_store().version()
        args = (version, ds, indicator, filters, lang, layers, scheme, paper, orientation, fmt, int(dpi), unit_version,
                title, subtitle, note)
        st.download_button(
            t("print.download", lang, fmt=fmt.upper()), data=lambda: render_cached(*args),
            file_name=file_name(indicator, paper, orientation, fmt, int(dpi), unit_version), mime=render.MIME[fmt],
            icon=":material/download:", key="print_download", on_click="ignore",
        )


def _texts(lang: str) -> tuple[str | None, str | None, str | None]:
    """The typed title, subtitle and note; None where left empty."""
    c1, c2 = st.columns(2)
    title = c1.text_input(t("print.title", lang), key="print_title", max_chars=schema.MAX_LINE_CHARS,
                          help=t("print.auto_help", lang))
    subtitle = c2.text_input(t("print.subtitle", lang), key="print_subtitle", max_chars=schema.MAX_LINE_CHARS,
                             help=t("print.auto_help", lang))
    note = st.text_area(t("print.note", lang), key="print_note", max_chars=schema.MAX_TEXT_CHARS, height=68)
    return title.strip() or None, subtitle.strip() or None, note.strip() or None
