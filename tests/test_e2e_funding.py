"""End-to-end: the Funding gaps page draws its charts in real headless Chromium with no internet."""

import pytest

from tests.browser import wait_app_idle

pytestmark = pytest.mark.browser


def test_funding_charts_render_offline_and_names_stay_text(app_url, offline_browser):
    page = offline_browser.page
    page.goto(app_url)
    wait_app_idle(page)
    page.locator('[data-testid="stSidebar"]').get_by_text("Khoảng trống vốn").click()
    page.get_by_role("tab").first.wait_for()
    wait_app_idle(page)
    # Both Altair/Vega charts drew (bars and heat map), from the app's own bundle.
    charts = page.locator('[data-testid="stVegaLiteChart"]')
    charts.nth(1).wait_for()
    assert charts.count() == 2
    page.locator('[data-testid="stVegaLiteChart"] canvas, [data-testid="stVegaLiteChart"] svg').first.wait_for()
    assert page.get_by_text("DỮ LIỆU MINH HỌA").first.is_visible()
    page.get_by_role("tab", name="Thứ tự ưu tiên").click()
    wait_app_idle(page)
    page.get_by_text("Xếp hạng ưu tiên dự án").wait_for()
    assert offline_browser.dialogs == []  # the HTML-named test project never runs as markup
    assert offline_browser.blocked == [], offline_browser.blocked
