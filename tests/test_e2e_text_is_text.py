"""End-to-end (issue 13): planted Markdown/HTML and a disguised VRT upload in a real headless Chromium.

The browser may reach only the app; every request it makes is recorded. A layer source holding
``![x](http://evil.example/x.png)`` and ``<img src=x>`` must show as those characters, with no request
for either image; a VRT named ``.geojson`` uploaded through the page must be refused by name, with
nothing of the local file it points at on the page.
"""

from __future__ import annotations

import uuid

import pytest

from tests.helpers import add_account, browser_sign_in, streamlit_server, wait_app_idle
from tests.hostile import IMAGE, TAG, plant, vrt_csv

pytestmark = pytest.mark.browser


@pytest.fixture
def planted_app(store, atlas_data_dir):
    from tests.helpers import require_browser

    require_browser()
    plant(store)
    store.checkpoint()
    with streamlit_server(env={"ATLAS_DATA_DIR": str(atlas_data_dir)}) as url:
        yield url


def test_planted_markdown_shows_as_text_and_requests_nothing(planted_app, offline_browser):
    page = offline_browser.page
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(planted_app + "/overview")
    wait_app_idle(page)
    page.locator('[data-testid="stMain"] [data-testid="stCaptionContainer"]').first.wait_for()
    assert page.locator('[data-testid="stMain"] img[src*="evil"], [data-testid="stMain"] img[src="x"]').count() == 0
    page.wait_for_load_state("networkidle")
    assert not [u for u in offline_browser.blocked if "evil" in u], offline_browser.blocked
    assert not [u for u in requests if "evil" in u or u.rstrip("/").endswith("/x")], requests
    page.get_by_text(IMAGE, exact=False).first.wait_for()  # the characters themselves are on the page
    body = page.inner_text("body")
    assert IMAGE in body and TAG in body


def test_disguised_vrt_upload_is_refused_in_the_browser(planted_app, offline_browser, tmp_path, store):
    marker = f"ATLAS-SECRET-{uuid.uuid4().hex[:10]}"
    secret = tmp_path / "secret.csv"
    secret.write_text(f"id,name\n1,{marker}\n")
    upload = tmp_path / "ranh_gioi.geojson"
    upload.write_bytes(vrt_csv(secret, "http://127.0.0.1:9"))
    page = offline_browser.page
    add_account(store, "admin1")  # uploading a layer needs an administrator's sign-in
    browser_sign_in(page, planted_app)
    page.locator('.st-key-atlas_nav').get_by_text("Quản lý dữ liệu").click()
    wait_app_idle(page)
    page.get_by_role("tab", name="Nhập lớp bản đồ").click()
    inputs = page.locator('input[type="file"]')
    inputs.nth(inputs.count() - 1).set_input_files(str(upload))  # the layer uploader (last tab with one)
    page.get_by_text("ranh_gioi.geojson").first.wait_for()
    # The problem table is a canvas grid; its cells are mirrored in an accessible (hidden) table.
    page.get_by_text("OGR VRT").first.wait_for(state="attached")
    wait_app_idle(page)
    html = page.content()
    assert "từ chối" in html.lower() and "ranh_gioi.geojson" in html
    assert marker not in html and marker not in page.inner_text("body")
    assert "Traceback" not in html and not page.locator('[data-testid="stException"]').count()
    assert offline_browser.blocked == [], offline_browser.blocked
