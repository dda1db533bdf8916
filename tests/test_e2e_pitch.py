"""End-to-end: presentation mode in real headless Chromium, stepped with the keyboard, offline."""

import pytest

from tests.helpers import wait_app_idle

pytestmark = pytest.mark.browser
H1 = "[data-testid='stMarkdownContainer'] h1"  # the opportunity's title in presentation mode


def test_presentation_mode_steps_with_arrow_keys_and_hides_the_sidebar(app_url, offline_browser):
    page = offline_browser.page
    page.goto(app_url + "/pitch")
    wait_app_idle(page)
    page.get_by_role("tab", name="Bộ tài liệu kêu gọi").click()
    wait_app_idle(page)
    page.get_by_role("button", name="Trình bày").click()
    wait_app_idle(page)
    page.locator(".st-key-present_next button").wait_for()
    page.wait_for_function(f"() => {{ const h = document.querySelector({H1!r}); return h && h.innerText.startsWith('1. '); }}")
    title = page.locator(H1).first
    first = title.inner_text()
    assert not page.locator('[data-testid="stSidebar"]').is_visible()  # no editing controls on screen
    page.locator('[data-testid="stImage"] img').first.wait_for()  # the map
    page.keyboard.press("ArrowRight")
    page.wait_for_function(f"t => {{ const h = document.querySelector({H1!r});"
                           " return h && h.innerText.startsWith('2. ') && h.innerText !== t; }", arg=first)
    page.keyboard.press("ArrowLeft")
    page.wait_for_function(f"() => {{ const h = document.querySelector({H1!r}); return h && h.innerText.startsWith('1. '); }}")
    assert title.inner_text() == first
    page.keyboard.press("Escape")
    page.get_by_role("tab", name="Hồ sơ nhà tài trợ").wait_for()
    wait_app_idle(page)
    assert page.locator('[data-testid="stSidebar"]').is_visible()
    assert offline_browser.dialogs == []
    assert offline_browser.blocked == [], offline_browser.blocked
