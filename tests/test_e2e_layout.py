"""End-to-end: every page fits 1024×768, 1366×768 and 1920×1080 in both languages: no headline figure,
label or button cut to "…", nothing past the right edge, no sideways scrolling (real headless Chromium)."""

from __future__ import annotations

import pytest

from tests.helpers import wait_app_idle

pytestmark = pytest.mark.browser

SIZES = [(1024, 768), (1366, 768), (1920, 1080)]
PAGES = ["", "overview", "funding", "pitch", "sources", "data"]

# Streamlit's hover toolbars sit outside their element by design; they are not content.
CUT = """() => {
  const W = window.innerWidth, out = [];
  const main = document.querySelector('[data-testid="stMain"]');
  const sel = '[data-testid="stMetricValue"], [data-testid="stMetricLabel"], [data-testid="stWidgetLabel"], '
    + '[data-testid="stMarkdownContainer"] p, [data-testid="stCaptionContainer"], h1, h2, h3, button, label';
  for (const el of main.querySelectorAll(sel)) {
    if (el.closest('[data-testid="stElementToolbar"]') || el.closest('[hidden]')) continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    const what = (el.dataset.testid || el.tagName) + ' "' + el.innerText.slice(0, 40) + '"';
    if (r.right > W + 1) out.push('past the right edge: ' + what);
    for (const c of [el, ...el.querySelectorAll('*')]) {
      const cs = getComputedStyle(c);
      if ((cs.textOverflow === 'ellipsis' || cs.overflow === 'hidden') && c.scrollWidth > c.clientWidth + 1
          && c.innerText.trim()) { out.push('cut: ' + what); break; }
    }
  }
  if (document.documentElement.scrollWidth > W + 1) out.push('sideways scroll: ' + document.documentElement.scrollWidth);
  return out;
}"""


@pytest.fixture(scope="module")
def browser_page(app_url, chromium):
    from tests.helpers import OfflineBrowser

    b = OfflineBrowser(chromium, viewport=SIZES[0])
    try:
        yield b.page
    finally:
        b.close()


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("path", PAGES, ids=[p or "map" for p in PAGES])
def test_nothing_is_cut_at_common_screen_sizes(app_url, browser_page, path, lang):
    page = browser_page
    page.set_viewport_size({"width": SIZES[0][0], "height": SIZES[0][1]})  # load narrow, then widen
    page.goto(f"{app_url}/{path}?lang={lang}")
    wait_app_idle(page)
    page.locator('[data-testid="stMain"] h1').first.wait_for()
    problems = {}
    for w, h in SIZES:
        page.set_viewport_size({"width": w, "height": h})
        page.wait_for_timeout(500)  # re-layout
        if found := page.evaluate(CUT):
            problems[f"{w}x{h}"] = found
    assert not problems, problems
