"""Text is text (issue 13): file names and provenance a user typed show literally on the pages, and a
line break planted in a layer's source cannot start a live formula line in the CSV export."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from geo.cli.main import main
from geo.storage.store import BundledStore
from tests.hostile import IMAGE, IMAGE_ESCAPED, LINK, LINK_ESCAPED, TAG, TAG_ESCAPED, plant

APP = str(Path(__file__).resolve().parent.parent / "app.py")
def page(path: str, lang: str = "en", **state) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["lang"] = lang
    for key, value in state.items():
        at.session_state[key] = value
    at.switch_page(path)
    at.run()
    assert not at.exception, at.exception
    return at


def bodies(at: AppTest) -> list[str]:
    """Every Markdown source the page sent (markdown, captions, alerts)."""
    out = [e.value for e in [*at.markdown, *at.caption, *at.info, *at.warning, *at.error, *at.success]]
    return [str(v) for v in out]


def assert_literal(texts: list[str]) -> None:
    joined = "\n".join(texts)
    assert IMAGE not in joined and TAG not in joined and LINK not in joined, joined
    assert not re.search(r"(?<!\\)\]\(|(?<!\\)<img|(?<!\\)!\[", joined), joined  # nothing left unescaped


@pytest.mark.parametrize("path", ["pages/data.py", "pages/overview.py"])
def test_planted_provenance_is_shown_escaped(path, store, signed_in):
    plant(store)
    at = page(path, **signed_in())
    texts = bodies(at)
    assert any(IMAGE_ESCAPED in t and TAG_ESCAPED in t for t in texts), texts
    assert any(LINK_ESCAPED in t for t in texts), texts
    assert_literal(texts)


def test_uploaded_file_name_is_shown_escaped(store, signed_in):
    at = page("pages/data.py", **signed_in())
    name = f"![x](evil.png){TAG}.csv"  # a browser sends no "/" in a file name
    at.file_uploader(key="data_table_upload").set_value((name, b"project_id\n", "text/csv")).run()
    assert not at.exception
    texts = bodies(at)
    assert any(r"\!\[x\]\(evil.png\)" + TAG_ESCAPED in t for t in texts), texts
    assert not any(name in t for t in texts)
    assert_literal(texts)


def test_sources_page_shows_provenance_escaped(store):
    plant(store)
    at = page("pages/sources.py")
    texts = bodies(at)
    assert any(IMAGE_ESCAPED in t and TAG_ESCAPED in t for t in texts), texts  # the source, shown as typed
    assert any(LINK_ESCAPED in t for t in texts), texts  # the licence
    assert_literal(texts)


def test_csv_export_has_no_line_starting_with_a_formula(store, tmp_path, capsys):
    plant(store)
    out = tmp_path / "atlas.csv"
    assert main(["export", "--format", "csv", "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8-sig")
    for line in text.splitlines():
        assert not line.startswith(("=", "+", "-", "@")), line
    comments = [ln for ln in text.splitlines() if ln.startswith("#")]
    assert any("=HYPERLINK" in ln and "Sở TN&MT" in ln for ln in comments)  # kept, as text, on its line
    # And it still reads back as a table: the comment lines are skipped, the header comes next.
    rows = list(csv.reader(io.StringIO("\n".join(ln for ln in text.splitlines() if not ln.startswith("#")))))
    assert rows[0][0] and all(len(r) == len(rows[0]) for r in rows)


def test_bundled_provenance_header_is_unchanged_by_the_fix():
    """Ordinary provenance lines come out as before: one ``# `` line per layer."""
    from geo.output.exports.exporting import provenance_header

    ds = BundledStore().load()
    head = provenance_header(ds, "en", ("communes", "projects"))
    assert head.count("\n") == 2 and all(ln.startswith("# ") for ln in head.splitlines())


def test_a_typed_indicator_name_is_a_literal_slider_label(store):
    """Widget labels are Markdown too: the name a user gives an added indicator must not render."""
    ds = store.load()
    at = page("pages/funding.py")
    at.text_input(key="extra_name").set_value(f"{IMAGE}{TAG}")
    csv_bytes = ("code,value\n" + "".join(f"{c},{i}\n" for i, c in enumerate(ds.communes["code"]))).encode()
    at.file_uploader(key="extra_upload").set_value(("chi_so.csv", csv_bytes, "text/csv")).run()
    assert not at.exception, at.exception
    label = at.slider(key="w_extra").label
    assert IMAGE_ESCAPED in label and TAG_ESCAPED in label
    assert_literal([label])
