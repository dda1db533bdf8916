"""In a real browser: the sidebar's unit choice reaches the report the funding page downloads (issue 8)."""

import openpyxl
import pytest

from geo.output.exports.exporting import unit_version_line
from geo.text.i18n import t
from tests.helpers import wait_app_idle

pytestmark = pytest.mark.browser


def test_report_download_uses_the_units_chosen_in_the_sidebar(app_url, offline_browser, tmp_path):
    page = offline_browser.page
    page.goto(app_url)
    wait_app_idle(page)
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.get_by_text("Khoảng trống vốn").click()
    page.get_by_role("tab").first.wait_for()
    wait_app_idle(page)
    sidebar.get_by_text("Đơn vị từ 1/7/2025").click()
    wait_app_idle(page)
    page.get_by_text(t("units.unit", "vi")).first.wait_for()
    page.get_by_role("tab", name=t("gaps.tab_report", "vi")).click()
    wait_app_idle(page)
    page.get_by_text(unit_version_line("2025", "vi")).wait_for()
    with page.expect_download() as info:
        page.get_by_role("button", name="Tải Báo cáo tổng kết").click()
    assert info.value.suggested_filename == "bao-cao-2021-2025-vi-don-vi-2025.xlsx"
    saved = tmp_path / info.value.suggested_filename
    info.value.save_as(saved)
    wb = openpyxl.load_workbook(saved)
    money = t("money.sheet.period", "vi")[:31]  # by the units each project was entered in, and says so
    assert all(ws["A2"].value == unit_version_line("2025", "vi") for ws in wb.worksheets if ws.title != money)
    assert wb[money]["A2"].value == t("money.units_as_entered", "vi")
    ws = wb[t("report.sheet.by_commune", "vi")]
    codes = [r[0] for r in ws.iter_rows(values_only=True) if isinstance(r[0], str) and r[0].isdigit()]
    assert len(codes) == 6
    assert offline_browser.blocked == [], offline_browser.blocked
