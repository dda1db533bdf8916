"""End-to-end: the map explorer in a real headless Chromium that can reach nothing but the app."""

from __future__ import annotations

import re

import pytest

from geo.analysis.indicators import INDICATORS
from geo.text.i18n import t
from tests.helpers import OfflineBrowser, wait_app_idle

pytestmark = pytest.mark.browser

MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
# Leaflet is loaded, the communes are drawn and streamlit-folium has bound its click handlers.
MAP_READY = """() => !!window.map && document.querySelectorAll('path.td-commune').length > 0
    && Object.values(window.map._layers).some(l => l.feature && l.listens && l.listens('click'))"""


@pytest.fixture(scope="module")
def warm_app(hostile_app_url, chromium):
    """The app with a hostile project name in Thị trấn Tam Đường (tests/helpers.py), served one session
    before the tests. Streamlit runs the very first script run of a server in its
    legacy ``pages/`` directory mode, which drops the first widget change of that session (a known
    foundation issue, reported); users reaching a running server are not affected."""
    b = OfflineBrowser(chromium)
    try:
        b.page.goto(hostile_app_url)
        wait_app_idle(b.page)
    finally:
        b.close()
    return hostile_app_url


def open_map(page, url: str):
    page.goto(url)
    wait_app_idle(page)
    page.locator(MAP_FRAME).wait_for()
    frame = next(f for f in page.frames if "streamlit_folium" in f.url)
    frame.wait_for_function(MAP_READY)
    return page.frame_locator(MAP_FRAME), frame


def test_map_draws_the_13_communes_and_a_click_shows_details(warm_app, offline_browser):
    page = offline_browser.page
    fr, frame = open_map(page, warm_app)
    communes = fr.locator("path.td-commune")
    assert communes.count() == 13
    # The honesty note is on the map itself.
    note = fr.locator('[data-testid="map-note"]').inner_text()
    assert "GẦN ĐÚNG" in note and "MINH HỌA" in note
    # Every polygon has a fill colour from the legend.
    legend_colors = set(frame.evaluate("""() => [...document.querySelectorAll('[data-testid=map-legend] .td-sw')]
        .map(s => getComputedStyle(s).backgroundColor)"""))
    fills = set(frame.evaluate("""() => [...document.querySelectorAll('path.td-commune')].map(p => {
        const s = document.createElement('span'); s.style.background = p.getAttribute('fill');
        document.body.appendChild(s); const c = getComputedStyle(s).backgroundColor; s.remove(); return c; })"""))
    assert fills and fills <= legend_colors

    page.get_by_text(t("map.click_prompt", "vi")).wait_for()
    communes.nth(0).click(force=True)  # the first commune by GSO code: 03390, Thị trấn Tam Đường
    page.get_by_role("heading", name="Thị trấn Tam Đường").wait_for()
    wait_app_idle(page)
    figures = page.get_by_role("table", name="Thị trấn Tam Đường").inner_text()  # the panel's figures
    assert INDICATORS["gap"].label("vi") in figures
    assert re.search(r"\d{1,3}(\.\d{3})+ ₫", figures)  # VND figures, Vietnamese style
    # The hostile project of that commune is shown as text, and nothing ran.
    page.get_by_text("<img src=x onerror=alert(1)>").first.wait_for(state="attached")
    assert page.locator('img[src="x"]').count() == 0
    assert offline_browser.dialogs == []
    # A click re-runs the page but keeps the same map (no rebuild, no geometry resent).
    assert frame.evaluate("() => !!window.map") and not frame.is_detached()
    assert offline_browser.blocked == [], offline_browser.blocked


def test_switching_language_changes_the_legend(warm_app, offline_browser):
    page = offline_browser.page
    fr, _ = open_map(page, warm_app)
    legend = fr.locator('[data-testid="map-legend"]')
    assert INDICATORS["gap"].label("vi") in legend.inner_text()
    assert "tỷ ₫" in legend.inner_text()

    page.locator('[data-testid="stSidebar"]').get_by_text("English", exact=True).click()
    page.get_by_role("heading", name=t("map.heading", "en")).wait_for()
    fr, _ = open_map_frame(page)
    legend = fr.locator('[data-testid="map-legend"]')
    legend.get_by_text(INDICATORS["gap"].label("en")).wait_for()
    assert "VND" in legend.inner_text() and "tỷ" not in legend.inner_text()
    assert "ILLUSTRATIVE" in fr.locator('[data-testid="map-note"]').inner_text()
    assert offline_browser.blocked == [], offline_browser.blocked
    assert offline_browser.dialogs == []


def open_map_frame(page):
    wait_app_idle(page)
    frame = next(f for f in page.frames if "streamlit_folium" in f.url and not f.is_detached())
    frame.wait_for_function(MAP_READY)
    return page.frame_locator(MAP_FRAME), frame


# A label is cut when its text runs past a clipping ancestor (Streamlit ends it with "…").
CUT_TOGGLES = """() => [...document.querySelectorAll('[data-testid="stCheckbox"]')].map(box => {
    const p = box.querySelector('[data-testid="stMarkdownContainer"] p') || box.querySelector('p');
    const r = p.getBoundingClientRect();
    let cut = p.scrollWidth > p.clientWidth + 1;
    for (let a = p.parentElement; a && a !== box.parentElement; a = a.parentElement) {
        if (getComputedStyle(a).overflow !== 'visible' && r.right > a.getBoundingClientRect().right + 1) cut = true;
    }
    return [p.innerText.trim(), cut]; })"""


@pytest.mark.parametrize("width,height", [(1024, 768), (1400, 1000)])
def test_layer_switch_labels_are_whole_on_a_laptop_screen(warm_app, offline_browser, width, height):
    page = offline_browser.page
    page.set_viewport_size({"width": width, "height": height})
    open_map(page, warm_app)
    for lang in ("vi", "en"):
        if lang == "en":
            page.locator('[data-testid="stSidebar"]').get_by_text("English", exact=True).click()
            page.get_by_role("heading", name=t("map.heading", "en")).wait_for()
            page.get_by_text(t("map.online_basemap", "en"), exact=True).wait_for()
            wait_app_idle(page)
        shown = dict(page.evaluate(CUT_TOGGLES))
        keys = ("crop_zones", "risk_zones", "landslide_events", "projects", "labels")
        expected = [t(f"map.layer_{k}", lang) for k in keys] + [t("map.online_basemap", lang)]
        assert set(expected) <= set(shown), (lang, shown)
        assert not [label for label in expected if shown[label]], (lang, width, shown)  # none ends in "…"


def _meters(page) -> tuple[list[int], list[int]]:
    """Sizes of the websocket messages and of the HTTP responses the page receives from now on (DevTools)."""
    sizes: list[int] = []
    http: list[int] = []
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.on("Network.webSocketFrameReceived", lambda e: sizes.append(len(e["response"].get("payloadData", ""))))
    cdp.on("Network.loadingFinished", lambda e: http.append(int(e.get("encodedDataLength", 0))))
    return sizes, http


def test_a_click_sends_the_panel_not_the_map_again(warm_app, offline_browser):
    """Issue 20: on a rural link a click must cost the panel's bytes, not the polygons a second time."""
    page = offline_browser.page
    sizes, http = _meters(page)
    fr, frame = open_map(page, warm_app)
    map_message = max(sizes)  # the map component's arguments: the polygons, legend and scripts
    frame.evaluate("() => { window.map.__probe = 'kept'; }")
    seen, fetched = len(sizes), len(http)
    fr.locator("path.td-commune").nth(0).click(force=True)  # 03390, Thị trấn Tam Đường
    page.get_by_role("heading", name="Thị trấn Tam Đường").wait_for()
    wait_app_idle(page)
    frame.wait_for_function("() => document.querySelectorAll('path.atlas-selected').length === 1")
    clicked = sizes[seen:]
    assert clicked, "the click reran the page"
    assert max(clicked) < map_message / 4 and sum(clicked) < map_message / 2, (map_message, sorted(clicked)[-5:])
    # Nor does the panel make the browser fetch more code (Streamlit's data grid was ~1.5 MB on the first click).
    assert sum(http[fetched:]) < 50_000, sorted(http[fetched:])[-5:]
    # The same map object in the same frame (not rebuilt), outlining the commune clicked.
    assert not frame.is_detached() and frame.evaluate("() => window.map.__probe") == "kept"
    assert frame.evaluate("""() => { const c = [...document.querySelectorAll('path.td-commune')][0].getBBox(),
        s = document.querySelector('path.atlas-selected').getBBox();
        return Math.abs(c.x - s.x) < 2 && Math.abs(c.width - s.width) < 2; }""")
    # A second click moves the outline, still without the map.
    seen = len(sizes)
    fr.locator("path.td-commune").nth(3).click(force=True)
    page.get_by_role("heading", name="Thị trấn Tam Đường").wait_for(state="detached")
    wait_app_idle(page)
    assert frame.evaluate("() => document.querySelectorAll('path.atlas-selected').length") == 1
    assert sizes[seen:] and max(sizes[seen:]) < map_message / 4
