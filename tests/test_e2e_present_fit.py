"""End-to-end: presentation mode fits the screen it is shown on (issue 17).

At a 1024×768 projector, a 1366×768 laptop and a 1920×1080 screen, the slide opens with its title, the ◀ ▶ and
Exit controls and the whole map inside the window (not scrolled down from the pack tab, nothing cut off), in
the language of the interface, and the → key moves to the next slide (Streamlit's own button shortcuts).
"""

import pytest

from geo.text.i18n import t
from tests.helpers import OfflineBrowser, wait_app_idle

pytestmark = pytest.mark.browser
TITLE = "h1[data-testid='presentation-title']"
CONTROLS = (".st-key-present_prev button", ".st-key-present_next button", ".st-key-present_exit button")
MAP = ".st-key-present_map img"
SIZES = [((1024, 768), "vi"), ((1366, 768), "en"), ((1920, 1080), "vi")]


def _open_presentation(page, app_url: str, lang: str) -> None:
    page.goto(f"{app_url}/pitch?lang={lang}")
    wait_app_idle(page)
    page.get_by_role("tab", name=t("pitch.tab_pack", lang)).click()
    wait_app_idle(page)
    start = page.get_by_role("button", name=t("pitch.present", lang))
    start.scroll_into_view_if_needed()  # the button sits low on the tab: the slide must not open scrolled down
    start.click()
    page.wait_for_function(f"() => {{ const h = document.querySelector({TITLE!r}); "
                           "return h && h.innerText.startsWith('1. '); }")
    page.wait_for_function(f"() => {{ const i = document.querySelector({MAP!r}); "
                           "return i && i.complete && i.naturalWidth > 0; }")
    wait_app_idle(page)


def _outside(page, selector: str, width: int, height: int) -> str | None:
    """Why the element is not wholly inside the window, or None."""
    box = page.locator(selector).first.bounding_box()
    if box is None:
        return f"{selector} is not shown"
    inside = (box["x"] >= 0 and box["y"] >= 0 and box["x"] + box["width"] <= width + 0.5
              and box["y"] + box["height"] <= height + 0.5 and box["width"] > 0 and box["height"] > 0)
    return None if inside else f"{selector} at {box} is outside {width}×{height}"


def _assert_fits(page, width: int, height: int) -> None:
    problems = [p for sel in (TITLE, *CONTROLS, MAP) if (p := _outside(page, sel, width, height))]
    assert not problems, problems
    # the whole map is drawn, scaled down, not cropped: shown at the picture's own proportions and not cut
    # by the stage (which hides what overflows it)
    shown = page.evaluate(f"""() => {{
        const img = document.querySelector({MAP!r});
        const r = img.getBoundingClientRect();
        const stage = document.querySelector('.st-key-present_stage').getBoundingClientRect();
        return {{ratio: r.width / r.height, natural: img.naturalWidth / img.naturalHeight,
                 inStage: r.bottom <= stage.bottom + 0.5 && r.right <= stage.right + 0.5,
                 width: r.width, figure: parseFloat(getComputedStyle(
                     document.querySelector('.st-key-present_figures .present-figure')).fontSize)}};
    }}""")
    assert abs(shown["ratio"] - shown["natural"]) < 0.01 * shown["natural"], shown
    assert shown["inStage"], shown
    assert shown["width"] >= width * 0.55, shown  # the map is the slide's main thing
    assert shown["figure"] >= 24, shown  # the amounts are read from the back of the room


@pytest.mark.parametrize(("size", "lang"), SIZES, ids=[f"{w}x{h}-{lang}" for (w, h), lang in SIZES])
def test_presentation_fits_the_window_and_steps_with_the_arrow_key(app_url, chromium, size, lang):
    width, height = size
    browser = OfflineBrowser(chromium, viewport=size)
    try:
        page = browser.page
        _open_presentation(page, app_url, lang)
        _assert_fits(page, width, height)
        step = page.locator(".st-key-present_stage").first.inner_text()
        assert t("pitch.step", lang, i=1, n=99).split("99")[0] in step  # "cơ hội 1/…": the interface's language
        assert t("pitch.exit", lang) in page.locator(CONTROLS[2]).inner_text()
        first = page.locator(TITLE).inner_text()
        page.keyboard.press("ArrowRight")
        page.wait_for_function(f"t => {{ const h = document.querySelector({TITLE!r});"
                               " return h && h.innerText.startsWith('2. ') && h.innerText !== t; }", arg=first)
        page.wait_for_function(f"() => {{ const i = document.querySelector({MAP!r}); "
                               "return i && i.complete && i.naturalWidth > 0; }")
        wait_app_idle(page)
        _assert_fits(page, width, height)
        assert browser.blocked == [], browser.blocked
    finally:
        browser.close()
