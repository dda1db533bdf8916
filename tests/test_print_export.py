"""The map page's print-export panel: choices, size caption and the file the download button serves."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from PIL import Image
from streamlit.testing.v1 import AppTest

from geo.text.i18n import t


def pixel_size(caption: str) -> tuple[int, int]:
    w, h = re.match(r"(\d+) × (\d+)", caption).groups()
    return int(w), int(h)


SCRIPT = str(Path(__file__).resolve().parent / "print_export_app.py")


def served_bytes_script():
    """The panel, with the download button's deferred data evaluated as a click would."""
    import streamlit as st

    from geo.analysis.funding import Filters
    from pages import _print_export, _shared

    original = st.download_button

    def capture(label, data, **kwargs):
        st.session_state["served"] = data() if callable(data) else data
        st.session_state["served_name"] = kwargs.get("file_name")
        return original(label, data, **kwargs)

    st.download_button = capture
    try:
        _print_export.print_export_panel(_shared.dataset(), "gap", Filters(), "vi", (), "quantiles")
    finally:
        st.download_button = original


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_panel_offers_paper_orientation_format_and_dpi(lang):
    at = AppTest.from_file(SCRIPT, default_timeout=60)
    at.session_state["lang"] = lang
    at.run()
    assert not at.exception
    labels = [s.label for s in at.selectbox]
    assert labels == [t(k, lang) for k in ("print.paper", "print.orientation", "print.format", "print.dpi")]
    button = at.get("download_button")[0]
    assert button.label == t("print.download", lang, fmt="PNG")
    # A4 landscape at 300 dpi: 297 × 210 mm.
    assert pixel_size(at.caption[0].value) == pytest.approx((297 / 25.4 * 300, 210 / 25.4 * 300), abs=1.5)


def test_changing_paper_and_dpi_updates_the_size():
    at = AppTest.from_file(SCRIPT, default_timeout=60).run()
    at.selectbox(key="print_paper").select("A3").run()
    at.selectbox(key="print_orientation").select("portrait").run()
    at.selectbox(key="print_dpi").select(150).run()
    assert pixel_size(at.caption[0].value) == pytest.approx((297 / 25.4 * 150, 420 / 25.4 * 150), abs=1.5)
    at.selectbox(key="print_format").select("svg").run()
    assert at.selectbox(key="print_dpi").disabled
    assert at.get("download_button")[0].label == t("print.download", "en", fmt="SVG")


def test_download_serves_the_rendered_png_with_its_dpi():
    at = AppTest.from_function(served_bytes_script, default_timeout=120)
    at.run()
    at.selectbox(key="print_dpi").select(150).run()
    assert not at.exception
    data = at.session_state["served"]
    img = Image.open(io.BytesIO(data))
    assert img.format == "PNG"
    assert img.info["dpi"] == pytest.approx((150, 150), abs=0.05)
    assert img.size[0] == pytest.approx(297 / 25.4 * 150, abs=1.5)
    assert at.session_state["served_name"].endswith("-A4-landscape-150dpi.png")
