"""No page ever shows a traceback: an unforeseen error becomes a sentence with a reference found in the log."""

from __future__ import annotations

import logging
import re

import pytest

from geo.output.exports import exporting
from geo.text.i18n import t

REF = re.compile(r"\d{8}-\d{6}-[0-9a-f]{6}")


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("page", ["pages/map.py", "pages/overview.py", "pages/sources.py"])
def test_a_failing_page_shows_a_reference_and_logs_the_traceback(app_page, monkeypatch, caplog, page, lang):
    def boom(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(exporting, "quality_notice", boom)  # every page draws the honesty banner first
    with caplog.at_level(logging.ERROR, logger="atlas"):
        at = app_page(page, lang)
    assert not at.exception, [e.value for e in at.exception]  # no Streamlit exception box
    [shown] = [e.value for e in at.error]
    ref = REF.search(shown).group(0)
    assert shown == t("err.unexpected", lang, ref=ref)
    assert "disk on fire" not in shown and "Traceback" not in shown
    [record] = [r for r in caplog.records if ref in r.getMessage()]
    assert record.exc_info and record.exc_info[0] is RuntimeError  # the details are in the log, under the ref
    assert page.split("/")[-1].removesuffix(".py") in record.getMessage()


def test_st_stop_is_not_reported_as_an_error(app_page, caplog):
    """st.stop() is Streamlit's own control flow (presentation mode ends the pitch page with it): no error."""
    with caplog.at_level(logging.ERROR, logger="atlas"):
        at = app_page("pages/pitch.py", "en", present=True)
    assert not at.error and not at.exception
    assert not [r for r in caplog.records if r.name == "atlas"]


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_a_failing_widget_callback_shows_a_reference_and_the_page_still_draws(app_page, monkeypatch, caplog, lang):
    """Streamlit runs callbacks before the page, outside its guard: choosing a commune whose callback fails
    must still give the sentence and reference, not a traceback, and the commune's panel."""
    from pages import _shared

    def boom(*args, **kwargs):
        raise RuntimeError("callback on fire")

    monkeypatch.setattr(_shared, "_keep", boom)  # kept widgets' callbacks go through _keep
    at = app_page("pages/map.py", lang)
    with caplog.at_level(logging.ERROR, logger="atlas"):
        at.selectbox(key="map_commune").set_value("03424").run()
    assert not at.exception, [e.value for e in at.exception]
    [shown] = [e.value for e in at.error]
    ref = REF.search(shown).group(0)
    assert shown == t("err.unexpected", lang, ref=ref) and "callback on fire" not in shown
    [record] = [r for r in caplog.records if ref in r.getMessage()]
    assert record.exc_info and record.exc_info[0] is RuntimeError and "map_commune" in record.getMessage()
    assert at.subheader, "the page went on and drew the commune's panel"
    at.run()  # shown once: the next run has no stale error
    assert not at.error
