"""A stand-in page that shows only the print-export panel (the map page wires it in for real)."""

import streamlit as st

from geo.analysis.funding import Filters
from pages import _print_export, _shared

if st.runtime.exists():  # not when pytest's doctest collection merely imports this file
    lang = st.session_state.get("lang", "en")
    _print_export.print_export_panel(_shared.dataset(), "funding_gap", Filters(content_areas=(3,)), lang,
                                     ("crop_zones",), "quantiles")
