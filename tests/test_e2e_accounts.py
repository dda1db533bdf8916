"""End-to-end (issue 15): signed-out visitors in a real headless Chromium see no edit control on any page;
a sign-in through the form opens the data page, and a sign-out (or a new page load) closes it again."""

from __future__ import annotations

import pytest

from tests.helpers import PASSWORD, add_account, browser_sign_in, wait_app_idle

pytestmark = pytest.mark.browser

#: Every page a signed-out visitor can open, and the two they must not reach (the map opens instead).
READ_ONLY = ("map", "overview", "funding", "pitch", "sources", "signin")
CLOSED = ("data", "accounts")
#: Buttons that would change the store (Vietnamese, the default language).
#: Uploads that change nothing stored: the Funding gaps page reads a user's own indicator CSV for the priority
#: score of that page view only.
READ_ONLY_UPLOADS = {"funding": 1}
EDIT_BUTTONS = ("Lưu", "Xóa", "Xác nhận nhập", "Xác nhận", "Thêm tài khoản", "Khôi phục", "Lưu hồ sơ")


@pytest.fixture(scope="module")
def accounts_app(tmp_path_factory):
    from geo.storage.gpkg_store import STORE_FILE, GpkgStore
    from tests.helpers import require_browser, streamlit_server

    require_browser()
    data_dir = tmp_path_factory.mktemp("atlas-accounts")
    store = GpkgStore(data_dir / STORE_FILE)
    add_account(store, "admin1", display_name="<b>Quản</b> trị")
    store.checkpoint()
    with streamlit_server(env={"ATLAS_DATA_DIR": str(data_dir)}) as url:
        yield url


def edit_controls(page, path: str = "") -> list[str]:
    main = page.locator('[data-testid="stMain"]')
    uploads = main.locator("input[type=file]").count() - READ_ONLY_UPLOADS.get(path, 0)
    found = [f"file inputs: {uploads}"] if uploads > 0 else []
    for label in EDIT_BUTTONS:
        if main.get_by_role("button", name=label, exact=True).count():
            found.append(label)
    if main.locator('[data-testid="stDataFrameGlideDataEditor"], [data-testid="stDataEditor"]').count():
        found.append("data editor")
    return found


@pytest.mark.parametrize("path", READ_ONLY + CLOSED)
def test_signed_out_pages_have_no_edit_control(accounts_app, offline_browser, path):
    page = offline_browser.page
    page.goto(f"{accounts_app}/{path}")
    wait_app_idle(page)
    page.get_by_text("Ngôn ngữ / Language").first.wait_for()
    assert edit_controls(page, path) == []
    nav = page.locator('.st-key-atlas_nav').inner_text()
    assert "Quản lý dữ liệu" not in nav and "Tài khoản" not in nav
    assert "Quản lý dữ liệu" not in [h.inner_text() for h in page.locator("h1").all()]
    assert offline_browser.blocked == []


def test_sign_in_opens_the_data_page_and_sign_out_closes_it(accounts_app, offline_browser):
    page = offline_browser.page
    browser_sign_in(page, accounts_app, "admin1", PASSWORD)
    sidebar = page.locator('[data-testid="stSidebar"]').inner_text()
    assert "<b>Quản</b> trị" in sidebar  # the display name as typed, not bold
    assert page.locator('[data-testid="stSidebar"] b').count() == 0
    page.locator('.st-key-atlas_nav').get_by_text("Quản lý dữ liệu").click()
    wait_app_idle(page)
    page.get_by_role("heading", name="Quản lý dữ liệu").first.wait_for()
    assert "Lưu" in edit_controls(page)
    page.get_by_role("button", name="Đăng xuất").click()
    page.get_by_text("Bạn đã đăng xuất.").first.wait_for()
    wait_app_idle(page)
    assert "Quản lý dữ liệu" not in page.locator('.st-key-atlas_nav').inner_text()
    page.go_back()  # the old address opens a signed-out page, not the editor
    wait_app_idle(page)
    assert edit_controls(page) == []
    page.goto(accounts_app + "/data")  # a new page load is a new session
    wait_app_idle(page)
    assert edit_controls(page) == []


def test_a_share_link_opens_the_view_signed_out_and_read_only(accounts_app, offline_browser):
    page = offline_browser.page
    browser_sign_in(page, accounts_app)
    page.locator('.st-key-atlas_nav').get_by_text("Kêu gọi tài trợ").click()
    wait_app_idle(page)
    page.get_by_text("Kêu gọi tài trợ: hồ sơ nhà tài trợ").first.wait_for()
    assert edit_controls(page, "pitch")  # the administrator's donor form is there
    page.locator('[data-testid="stSidebar"]').get_by_text("Chia sẻ chế độ xem này (chỉ đọc)").click()
    link = page.locator('[data-testid="stSidebar"]').get_by_role(
        "textbox", name="Chia sẻ chế độ xem này (chỉ đọc)").input_value().strip()  # read-only, selectable
    assert link == f"{accounts_app}/pitch?lang=vi"
    page.goto(link)  # what the recipient does: a new page load, a new session
    wait_app_idle(page)
    page.get_by_text("Kêu gọi tài trợ: hồ sơ nhà tài trợ").first.wait_for()
    assert edit_controls(page, "pitch") == []
    assert page.get_by_text("Đã đăng nhập").count() == 0
    assert offline_browser.blocked == []
