"""End-to-end: the print-export panel in headless Chromium serves a real PNG when clicked, offline."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.helpers import require_browser, streamlit_server, wait_app_idle

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def panel_url(tmp_path_factory):
    require_browser()
    data_dir = tmp_path_factory.mktemp("atlas-data")
    with streamlit_server(env={"ATLAS_DATA_DIR": str(data_dir)}, script="tests/print_export_app.py") as url:
        yield url


def test_download_button_serves_the_print_png(panel_url, offline_browser):
    page = offline_browser.page
    page.goto(panel_url)
    wait_app_idle(page)
    page.get_by_text("Print-quality map").click()
    wait_app_idle(page)  # a rerun still in flight would replace the button and swallow the click
    button = page.get_by_role("button", name="Download PNG map")
    button.wait_for()
    # Under a loaded 2-core run the first click produced no download in about one run in four (cause not
    # found yet; noted in the closing note). A second click is allowed so the file itself is still checked.
    for attempt in range(2):
        try:
            with page.expect_download(timeout=60_000) as info:
                button.click()
            break
        except PlaywrightTimeout:
            if attempt:
                raise
            wait_app_idle(page)
    download = info.value
    assert download.suggested_filename.endswith("-A4-landscape-300dpi.png")
    img = Image.open(io.BytesIO(open(download.path(), "rb").read()))
    assert img.info["dpi"] == pytest.approx((300, 300), abs=0.05)
    assert img.size[0] == pytest.approx(297 / 25.4 * 300, abs=1.5)
    assert offline_browser.blocked == [], offline_browser.blocked
