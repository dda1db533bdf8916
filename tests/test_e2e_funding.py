"""End-to-end: the Funding gaps page draws its charts in real headless Chromium with no internet."""

import openpyxl
import pytest

from tests.helpers import wait_app_idle

pytestmark = pytest.mark.browser


def test_funding_charts_render_offline_and_report_downloads(app_url, offline_browser, tmp_path):
    page = offline_browser.page
    page.goto(app_url)
    wait_app_idle(page)
    page.locator('[data-testid="stSidebar"]').get_by_text("Khoảng trống vốn").click()
    page.get_by_role("tab").first.wait_for()
    wait_app_idle(page)
    # Every Altair/Vega chart drew (bars, heat map; the Over time tab's flows and split), from the app's own bundle.
    charts = page.locator('[data-testid="stVegaLiteChart"]')
    charts.nth(3).wait_for(state="attached")
    assert charts.count() == 4
    page.locator('[data-testid="stVegaLiteChart"] canvas, [data-testid="stVegaLiteChart"] svg').first.wait_for()
    assert page.get_by_text("DỮ LIỆU MINH HỌA").first.is_visible()
    page.get_by_role("tab", name="Thứ tự ưu tiên").click()
    wait_app_idle(page)
    page.get_by_text("Xếp hạng ưu tiên dự án").wait_for()
    # The report is built when its button is clicked and arrives as a real workbook.
    page.get_by_role("tab", name="Báo cáo sơ kết, tổng kết").click()
    wait_app_idle(page)
    with page.expect_download() as info:
        page.get_by_role("button", name="Tải Báo cáo tổng kết").click()
    assert info.value.suggested_filename == "bao-cao-2021-2025-vi.xlsx"
    saved = tmp_path / info.value.suggested_filename
    info.value.save_as(saved)
    workbook = openpyxl.load_workbook(saved)
    assert workbook.sheetnames[-1] == "Nguồn dữ liệu" and "MINH HỌA" in workbook.worksheets[0]["A1"].value
    assert offline_browser.dialogs == []  # the HTML-named test project never runs as markup
    assert offline_browser.blocked == [], offline_browser.blocked
