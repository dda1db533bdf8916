"""Text is text (issue 13): the escaping helpers, checked by rendering with a CommonMark parser.

A string passed through :func:`geo.text.safe.md_text` must render as one paragraph whose text is the
string itself (line breaks as spaces): no image, link, HTML tag, heading, list or entity.
"""

from __future__ import annotations

import html
import re

import pytest
from markdown_it import MarkdownIt

from geo.text import safe

# CommonMark with raw HTML on (Streamlit's unsafe_allow_html) and GFM's extras: the hardest reader.
MD = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])

HOSTILE = [
    "![x](http://evil/x.png)",
    "<img src=x onerror=alert(1)>",
    "[click](http://evil/)",
    "[a](javascript:alert(1))",
    "<http://evil/auto>",
    "&lt;b&gt; &amp; &#60;",
    "# heading",
    "1. list",
    "- item",
    "> quote",
    "| a | b |\n|---|---|",
    "`code` and ```fence```",
    "**bold** _em_ ~~del~~",
    "Sở TN&MT Lai Châu\n=HYPERLINK(\"http://evil\")",
    "line one\n\n<script>alert(1)</script>",
    "a\r\n@SUM(1)*cmd|' /C calc'!A0",
    ":red[red] :material/home: $x^2$",
    "trailing backslash \\",
    "\\![escaped already](u)",
    "\x00nul\x1bescape\u2028sep\u202eRTL",
    "[ref]: http://evil/ref",
    "<!-- comment --> <?pi?> <![CDATA[x]]>",
]


def rendered_text(markdown: str) -> str:
    out = MD.render(markdown).strip()
    assert out.startswith("<p>") and out.endswith("</p>"), out  # one paragraph, nothing else
    inner = out[3:-4]
    assert not re.search(r"<(?!br)", inner), out  # no tag at all inside it
    return html.unescape(inner)


@pytest.mark.parametrize("text", HOSTILE)
def test_md_text_renders_as_exactly_the_text_on_one_line(text):
    assert rendered_text(safe.md_text(text)) == safe.one_line(text).strip()


@pytest.mark.parametrize("text", HOSTILE)
def test_md_text_has_no_line_break_or_control_character(text):
    out = safe.md_text(text)
    assert "\n" not in out and "\r" not in out
    assert not any(ord(c) < 32 or 0x7F <= ord(c) <= 0x9F for c in out)


def test_plain_vietnamese_is_unchanged():
    assert safe.md_text("Xã Bản Bo, huyện Tam Đường: EPSG:9205, 2025-06-30") == \
        "Xã Bản Bo, huyện Tam Đường: EPSG:9205, 2025-06-30"
    assert rendered_text(safe.md_text("Xã Bản Bo, huyện Tam Đường")) == "Xã Bản Bo, huyện Tam Đường"


def test_md_fill_escapes_values_and_keeps_the_catalogue_sentence():
    out = safe.md_fill("data.preview_summary", "en", file="![x](http://evil/x.png).csv", enc="utf-8", n=1, new=1,
                       changed=0)
    assert r"\!\[x\]\(http\://evil/x.png\).csv" in out
    assert "<img" not in MD.render(out) and "<a " not in MD.render(out)


@pytest.mark.parametrize("text", HOSTILE)
def test_html_text_inside_an_html_block_stays_literal(text):
    block = f"<div class='x'>{safe.html_text(text)}</div>"
    out = MD.render(block)
    assert out.strip() == block  # still one raw HTML block: no Markdown parsed, no tag of the user's
    assert "<img" not in out and "<script" not in out and "<a " not in out


def test_none_is_empty_text():
    assert safe.md_text(None) == "" and safe.html_text(None) == ""


@pytest.mark.parametrize("text, broken", [
    ("see http://evil/x", "http\\://"), ("see https://evil/x", "https\\://"), ("see www.evil.com", "www\\."),
    ("mail a@evil.com", "a\\@evil"),
])
def test_autolink_literals_are_broken(text, broken):
    """GFM (which Streamlit uses) links bare URLs, www. names and e-mails; the escape breaks each."""
    assert broken in safe.md_text(text)
