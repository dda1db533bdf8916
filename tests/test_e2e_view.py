"""End-to-end: the selected commune is outlined on the map and the map goes to it; the address bar is a
link that reopens the view, also after a page change (real headless Chromium, no internet)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest

from tests.helpers import wait_app_idle

pytestmark = pytest.mark.browser

MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
MAP_READY = "() => !!window.map && document.querySelectorAll('path.td-commune').length > 0"


def _map(page):
    page.locator(MAP_FRAME).wait_for()
    frame = next(f for f in page.frames if "streamlit_folium" in f.url)
    frame.wait_for_function(MAP_READY)
    return frame


def _outlined(frame) -> int:
    return frame.evaluate("() => document.querySelectorAll('path.atlas-selected').length")


def _query(page) -> dict[str, list[str]]:
    return parse_qs(urlparse(page.url).query)


def _wait_at(page, path: str, exact: bool = True, **expected: str) -> None:
    """Wait until the address bar shows ``path`` with the query ``expected`` (only it, if ``exact``): Streamlit
    writes the query after the page has drawn, so it is waited for, never read at once."""
    page.wait_for_function("""([path, want, exact]) => { const q = new URLSearchParams(location.search);
        return location.pathname.endsWith(path) && (!exact || q.size === Object.keys(want).length)
            && Object.entries(want).every(([k, v]) => q.get(k) === v); }""", arg=[path, expected, exact],
                           timeout=20_000)


HEADINGS = {"/funding": "Funding gaps, counterpart funds and priorities", "/overview": "District overview"}


def _arrive(page, path: str, **expected: str) -> None:
    """Wait for page ``path`` (its address with ``expected`` as the query, then its heading) to have run."""
    _wait_at(page, path, **expected)
    page.get_by_role("heading", name=HEADINGS[path]).wait_for()
    wait_app_idle(page)


def test_a_link_opens_the_commune_outlined_and_in_view(app_url, offline_browser):
    page = offline_browser.page
    page.goto(f"{app_url}/?lang=en&commune=03424&area=3")
    wait_app_idle(page)
    frame = _map(page)
    frame.wait_for_function("() => document.querySelectorAll('path.atlas-selected').length === 1")
    # The outline is drawn above the communes (last in the SVG) and lets clicks through.
    assert frame.evaluate("""() => { const p = document.querySelector('path.atlas-selected');
        return getComputedStyle(p).pointerEvents === 'none' && !p.nextElementSibling; }""")
    # The map went to Bản Bo: its centre lies inside the commune's bounds.
    inside = frame.evaluate("() => [window.map.getCenter().lat, window.map.getCenter().lng, window.map.getZoom()]")
    assert 22.2 < inside[0] < 22.45 and 103.55 < inside[1] < 103.8 and inside[2] >= 11
    assert page.get_by_text("Filtered: Content area: 3").first.is_visible()
    assert page.get_by_role("heading", name="Xã Bản Bo").is_visible()


def test_choosing_from_the_list_moves_the_outline_and_the_link(app_url, offline_browser):
    page = offline_browser.page
    page.goto(f"{app_url}/?lang=en&commune=03424")
    wait_app_idle(page)
    frame = _map(page)
    frame.wait_for_function("() => document.querySelectorAll('path.atlas-selected').length === 1")
    before = frame.evaluate("() => document.querySelector('path.atlas-selected').getAttribute('d')")
    centre_before = frame.evaluate("() => [window.map.getCenter().lat, window.map.getCenter().lng]")
    box = page.get_by_test_id("stSelectbox").filter(has_text="Commune shown")
    box.click()
    page.keyboard.type("Thèn Sin")
    page.keyboard.press("Enter")
    wait_app_idle(page)
    page.get_by_role("heading", name="Xã Thèn Sin").wait_for()
    frame.wait_for_function(f"""() => {{ const p = document.querySelectorAll('path.atlas-selected');
        return p.length === 1 && p[0].getAttribute('d') !== {before!r}; }}""", timeout=20_000)
    frame.wait_for_function(f"() => window.map.getCenter().lat !== {centre_before[0]}", timeout=20_000)
    _wait_at(page, "", exact=False, commune="03394")  # the link now opens Thèn Sin
    assert _query(page)["commune"] == ["03394"]


def test_the_link_keeps_the_view_across_pages(app_url, offline_browser):
    page = offline_browser.page
    page.goto(f"{app_url}/?lang=en&area=3&source=ngo")
    wait_app_idle(page)
    page.get_by_role("link", name="Overview").click()
    wait_app_idle(page)
    page.get_by_text("Filtered: Content area: 3").first.wait_for()
    _wait_at(page, "/overview", area="3", source="ngo", lang="en")
    q = _query(page)
    assert urlparse(page.url).path.endswith("/overview")
    assert q["area"] == ["3"] and q["source"] == ["ngo"] and q["lang"] == ["en"]
    # Opening that address in a fresh tab shows the same filters.
    fresh = offline_browser.context.new_page()
    fresh.goto(page.url)
    wait_app_idle(fresh)
    fresh.get_by_text("Filtered: Content area: 3").first.wait_for()
    assert urlparse(fresh.url).path.endswith("/overview") and _query(fresh) == q


def test_back_returns_to_the_previous_page_with_its_filter_in_one_step(app_url, offline_browser):
    """Issue 18: a page change is one browser-history entry, and it already holds the view's query."""
    page = offline_browser.page
    page.goto(f"{app_url}/funding?lang=en&area=3")
    wait_app_idle(page)
    page.get_by_role("heading", name="Funding gaps, counterpart funds and priorities").wait_for()
    page.get_by_text("Filtered: Content area: 3").first.wait_for()
    # The sidebar's link to the next page already carries the view (also for opening it in a new tab).
    overview = page.locator(".st-key-atlas_nav").get_by_role("link", name="Overview")
    assert parse_qs(urlparse(overview.get_attribute("href")).query) == {"lang": ["en"], "area": ["3"]}
    overview.click()
    _arrive(page, "/overview", lang="en", area="3")
    page.get_by_text("Filtered: Content area: 3").first.wait_for()

    page.go_back()  # once
    _arrive(page, "/funding", lang="en", area="3")
    page.get_by_text("Filtered: Content area: 3").first.wait_for()
    assert urlparse(page.url).path.endswith("/funding") and _query(page) == {"lang": ["en"], "area": ["3"]}

    page.go_forward()
    _arrive(page, "/overview", lang="en", area="3")
    page.get_by_text("Filtered: Content area: 3").first.wait_for()
    assert _query(page) == {"lang": ["en"], "area": ["3"]}


def test_a_filter_chosen_on_a_page_goes_along_to_the_next_and_back(app_url, offline_browser):
    """The menu is drawn again after the page set a filter: its links carry the filter just chosen."""
    from geo.text.i18n import t

    page = offline_browser.page
    page.goto(f"{app_url}/funding?lang=en")
    wait_app_idle(page)
    page.get_by_role("heading", name="Funding gaps, counterpart funds and priorities").wait_for()
    box = page.locator('[data-testid="stSidebar"] [data-testid="stCheckbox"]').filter(has_text=t("filters.high_risk", "en"))
    high_risk = box.locator("input")
    box.get_by_text(t("filters.high_risk", "en")).click()
    _wait_at(page, "/funding", lang="en", risk="high")
    wait_app_idle(page)
    overview = page.locator(".st-key-atlas_nav").get_by_role("link", name="Overview")
    assert parse_qs(urlparse(overview.get_attribute("href")).query) == {"lang": ["en"], "risk": ["high"]}
    overview.click()
    _arrive(page, "/overview", lang="en", risk="high")

    page.go_back()  # one step: the funding page with the filter
    _arrive(page, "/funding", lang="en", risk="high")
    assert high_risk.is_checked()
    page.go_back()  # choosing the filter was a step of its own: before it, no filter
    _wait_at(page, "/funding", lang="en")
    wait_app_idle(page)
    high_risk.wait_for()
    page.wait_for_function("(box) => !box.checked", arg=high_risk.element_handle(), timeout=20_000)
