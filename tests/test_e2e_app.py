"""End-to-end: the app in a real headless Chromium with no internet."""

import pytest

from tests.helpers import wait_app_idle

pytestmark = pytest.mark.browser


def test_app_loads_offline_and_shows_honesty_banner(app_url, offline_browser):
    page = offline_browser.page
    page.goto(app_url)
    wait_app_idle(page)
    page.get_by_text("Bản đồ Đầu tư Tam Đường").first.wait_for()
    assert page.get_by_text("MINH HỌA").first.is_visible()
    # The map explorer opens first; the overview is one click away in the navigation.
    page.locator('.st-key-atlas_nav').get_by_text("Tổng quan").click()
    page.locator('[data-testid="stMetric"]').first.wait_for()
    wait_app_idle(page)
    # The figures rendered (metrics and the 13-row table), not just placeholders.
    page.wait_for_function("document.querySelectorAll('[data-testid=\"stMetric\"]').length === 4")
    assert page.locator('[data-testid="stMetric"]').count() == 4
    # Everything the page needed came from the app itself.
    assert offline_browser.blocked == [], offline_browser.blocked


def test_bookmarked_page_as_first_request_keeps_navigation(offline_browser, tmp_path):
    """A deep link hit first after a restart still runs through app.py (language switch present)."""
    from tests.helpers import require_browser, streamlit_server

    require_browser()
    with streamlit_server(env={"ATLAS_DATA_DIR": str(tmp_path)}) as fresh_url:
        page = offline_browser.page
        page.goto(fresh_url + "/sources")
        wait_app_idle(page)
        page.get_by_text("Ngôn ngữ / Language").first.wait_for()
        nav = page.locator('.st-key-atlas_nav').inner_text()
        assert "shared" not in nav and "Nguồn dữ liệu" in nav
