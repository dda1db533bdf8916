"""End-to-end: the Data sources page shows every layer's licence and date inside the window, without
horizontal scrolling, on a 1024 px laptop and a 1400 px screen (a wide table used to put them off-screen)."""

from __future__ import annotations

import pytest

from geo.text import fmt
from tests.helpers import wait_app_idle

pytestmark = pytest.mark.browser

#: For each needle, the horizontal extent of every line box its text occupies inside the card.
TEXT_BOXES = """([selector, needles]) => {
    const card = document.querySelector(selector);
    if (!card) return null;
    const out = {};
    const walker = document.createTreeWalker(card, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        for (const needle of needles) {
            const at = node.textContent.indexOf(needle);
            if (at < 0 || out[needle]) continue;
            const range = document.createRange();
            range.setStart(node, at);
            range.setEnd(node, at + needle.length);
            out[needle] = [...range.getClientRects()].filter(r => r.width > 0).map(r => [r.left, r.right]);
        }
    }
    return out;
}"""

SCROLL = """() => {
    const main = document.querySelector('[data-testid="stMain"]') || document.scrollingElement;
    return [document.scrollingElement.scrollWidth, window.innerWidth, main.scrollWidth, main.clientWidth];
}"""


@pytest.mark.parametrize("width,height", [(1024, 768), (1400, 1000)])
def test_licence_and_date_of_every_layer_are_inside_the_window(app_url, offline_browser, ds, width, height):
    page = offline_browser.page
    page.set_viewport_size({"width": width, "height": height})
    page.goto(app_url + "/sources")
    wait_app_idle(page)
    page.get_by_role("heading", name="Nguồn và chất lượng dữ liệu").wait_for()
    page_width, inner, main_width, main_client = page.evaluate(SCROLL)
    assert page_width <= inner and main_width <= main_client, (page_width, inner, main_width, main_client)
    for layer_id, p in ds.provenance.items():
        selector = f".st-key-source_{layer_id}"
        page.locator(selector).scroll_into_view_if_needed()
        shown = [p.licence_in("vi"), fmt.date(p.date, "vi")]  # the page opens in Vietnamese
        boxes = page.evaluate(TEXT_BOXES, [selector, shown])
        assert boxes is not None, f"no card for {layer_id}"
        for needle in shown:
            lines = boxes.get(needle)
            assert lines, (layer_id, needle, boxes)  # the text itself is on the page, not in a canvas
            assert all(0 <= left and right <= inner + 0.5 for left, right in lines), (layer_id, needle, lines, inner)
