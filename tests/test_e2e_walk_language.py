"""End-to-end (issue 18): every page and tab, in Vietnamese and in English, read in a real headless Chromium as a
signed-in admin, shows no catalogue key, no sentence of the other language's catalogue and no figure of five or
more digits that is not written the language's way (6.800.000.000 in Vietnamese, 6,800,000,000 in English)."""

from __future__ import annotations

import re

import pytest

from geo.text.i18n import CATALOG, t
from tests.helpers import add_account, browser_sign_in, wait_app_idle

pytestmark = pytest.mark.browser

LANGS = {"vi": "Tiếng Việt", "en": "English"}
#: Streamlit's own English upload chrome, which states its server-wide limit: the atlas says it once, in the language.
STREAMLIT_UPLOAD_TEXT = ("Drag and drop file", "MB per file •", "200MB")
_PLACEHOLDER = re.compile(r"\{[^}]*\}|\*\*|[*_`#>\[\]()]")
# A fragment is checked only when long enough to be a phrase of one language (not a name, code or unit).
MIN_FRAGMENT = 12


def fragments(text: str) -> list[str]:
    """The literal pieces of a catalogue template, between placeholders and markdown marks."""
    return [f.strip(" .,:;·—–-'\"") for f in _PLACEHOLDER.split(text) if len(f.strip(" .,:;·—–-'\"")) >= MIN_FRAGMENT]


def foreign_fragments(lang: str) -> set[str]:
    """Phrases that exist only in the other language's catalogue."""
    mine = [pair[0 if lang == "vi" else 1] for pair in CATALOG.values()]
    out = set()
    for vi, en in CATALOG.values():
        if vi == en:
            continue
        for frag in fragments(en if lang == "vi" else vi):
            if not any(frag in m for m in mine):
                out.add(frag)
    return out


def unformatted_numbers(text: str, lang: str, codes: set[str]) -> list[str]:
    """Figures of ≥ 5 digits not grouped for ``lang`` (commune codes and EPSG codes are identifiers)."""
    found = [m.group(0) for m in re.finditer(r"(?<![\w:/.,-])\d{5,}(?![\w.,])", text) if m.group(0) not in codes]
    wrong_group = r"\d{1,3}(?:,\d{3}){2,}" if lang == "vi" else r"\d{1,3}(?:\.\d{3}){2,}"
    found += [m.group(0) for m in re.finditer(rf"(?<![\w.,]){wrong_group}(?![\w.,])", text)]
    return found


def key_leaks(text: str) -> list[str]:
    return [k for k in CATALOG if "." in k and re.search(rf"(?<![\w.]){re.escape(k)}(?![\w.])", text)]


@pytest.fixture(scope="module")
def admin_app(tmp_path_factory):
    from geo.storage.gpkg_store import STORE_FILE, GpkgStore
    from tests.helpers import require_browser, streamlit_server

    require_browser()
    data_dir = tmp_path_factory.mktemp("atlas-walk")
    store = GpkgStore(data_dir / STORE_FILE)
    add_account(store, "admin1")
    store.checkpoint()
    with streamlit_server(env={"ATLAS_DATA_DIR": str(data_dir)}) as url:
        yield url


# Tables are drawn on a canvas; their cells are also in an accessibility table, one cell per line here.
CELLS = """() => [...document.querySelectorAll('[data-testid="stMain"] [data-testid="stDataFrame"] table')]
  .map(tb => [...tb.querySelectorAll('th, td')].map(c => c.textContent).join('\\n')).join('\\n')"""


HEADINGS = """() => location.pathname + '|' + [...document.querySelectorAll('[data-testid="stMain"] :is(h1, h2, h3)')]
  .map(h => h.innerText).join('|')"""


def _open_all(page) -> None:
    """Open every expander of the page, so its text is read too."""
    for summary in page.locator('[data-testid="stMain"] [data-testid="stExpander"] details:not([open]) > summary').all():
        if summary.is_visible():
            summary.click()
    page.wait_for_timeout(300)


def screens(page):
    """(page name, tab name, visible text) for every page of the navigation and every tab on it."""
    nav = page.locator('.st-key-atlas_nav a')
    names = [a.inner_text().strip() for a in nav.all()]
    for i, name in enumerate(names):
        before = page.evaluate(HEADINGS)
        page.locator('.st-key-atlas_nav a').nth(i).click()
        page.wait_for_function(f"(old) => ({HEADINGS})() !== old", arg=before, timeout=60_000)  # the new page
        wait_app_idle(page)
        tabs = page.locator('[data-testid="stMain"] [role="tab"]')
        labels = [tb.inner_text().strip() for tb in tabs.all()] or [""]
        for label in labels:
            if label:
                page.locator('[data-testid="stMain"] [role="tab"]', has_text=label).first.click()
                wait_app_idle(page)
            _open_all(page)
            yield name, label, page.inner_text("body") + "\n" + page.evaluate(CELLS)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_page_and_tab_speaks_one_language_with_its_own_numbers(admin_app, offline_browser, ds, lang):
    page = offline_browser.page
    browser_sign_in(page, admin_app)
    page.locator('[data-testid="stSidebar"]').get_by_text(LANGS[lang], exact=True).click()
    page.get_by_role("button", name=t("auth.sign_out", lang)).wait_for()  # the sidebar speaks the language
    wait_app_idle(page)
    codes = set(ds.communes["code"]) | {c for c in getattr(ds, "communes_2025", ds.communes)["code"]}
    foreign = foreign_fragments(lang)
    problems: dict[str, list[str]] = {}
    seen = 0
    for name, tab, text in screens(page):
        seen += 1
        where = f"{name} / {tab}" if tab else name
        found = [f"key {k}" for k in key_leaks(text)]
        found += [f"other language: {f!r}" for f in sorted(foreign) if f in text]
        found += [f"number {n}" for n in unformatted_numbers(text, lang, codes)]
        found += [f"uploader text {s!r}" for s in STREAMLIT_UPLOAD_TEXT if s in text]
        if found:
            problems[where] = found
    assert seen >= 10  # every page and the data page's tabs were read
    assert not problems, problems
