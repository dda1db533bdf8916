"""Text is text: user- and file-supplied strings made inert for Markdown and HTML display.

Streamlit renders ``st.markdown``/``caption``/``info``/``warning``/``error``/``success``/``write``,
titles, subheaders and widget labels as Markdown: a file name or a layer's source reading
``![](http://host/x.png)`` would make every visitor's browser fetch that URL, and ``[text](url)``
plants a link. :func:`md_text` backslash-escapes every ASCII punctuation character (CommonMark
renders ``\\x`` as ``x`` for all of them) where it opens syntax, which also disarms HTML tags, entities, autolinks,
Streamlit's ``:color[…]``/``:material/…:`` directives and ``$…$`` maths; line breaks and control
characters become spaces, so one value cannot start a heading, list or paragraph of its own.
:func:`md_fill` fills a catalogue sentence (which may hold our own Markdown) with escaped values.
:func:`html_text` is for the few places that build HTML with ``unsafe_allow_html``.

Pure functions: no Streamlit here.

Examples
--------
>>> md_text("![x](http://evil/x.png)")
'\\\\!\\\\[x\\\\]\\\\(http\\\\://evil/x.png\\\\)'
>>> md_text("Sở TN&MT\\nLai Châu")
'Sở TN\\\\&MT Lai Châu'
>>> html_text("<img src=x>\\n\\n![](u)")
'&lt;img src=x&gt; ![](u)'
"""

from __future__ import annotations

import html
import re

from geo.text import i18n

# Characters that open Markdown/GFM/Streamlit syntax anywhere on a line (links, images, emphasis, code,
# HTML, entities, tables, maths, headings). Common prose punctuation (. , : ; - ' " / = ? %) stays as is,
# so "EPSG:9205" or "2025-06-30" keep their look in the page source too; the few places where those
# matter are handled by _CONTEXT.
_ALWAYS = re.compile(r"([\\`*_{}\[\]()!|<>~$&#^])")
# Autolinks (http://, www., a@b), and a list/heading/setext marker at the start of the value.
_CONTEXT = re.compile(r"(?<=[A-Za-z0-9])(:)(?=//)|(?<=[Ww]{3})(\.)|(@)|^(\s*)([-+=])|^(\s*\d+)([.)])")
# C0/C1 controls, line/paragraph separators, and the BOM/zero-width marks that hide text.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]+")


def one_line(value: object) -> str:
    """``value`` as a single line: every run of control characters or line breaks becomes one space.

    >>> one_line("a\\r\\n=1+1\\tb")
    'a =1+1 b'
    """
    return _CONTROL.sub(" ", "" if value is None else str(value))


def md_text(value: object) -> str:
    """``value`` as literal text inside Markdown (shown exactly as written, on one line)."""
    text = _ALWAYS.sub(r"\\\1", one_line(value))
    return _CONTEXT.sub(lambda m: "".join(g if i in (3, 5) else "\\" + g
                                          for i, g in enumerate(m.groups()) if g is not None), text)


def md_fill(key: str, lang: str, **values: object) -> str:
    """Catalogue sentence ``key`` in ``lang`` with every text value escaped by :func:`md_text`.

    >>> md_fill("data.saved", "en", pid="<b>P1</b>", rev=2)
    'Saved \\\\<b\\\\>P1\\\\</b\\\\> (revision 2).'
    """
    return i18n.t(key, lang, **{k: md_text(v) if isinstance(v, str) else v for k, v in values.items()})


def html_text(value: object) -> str:
    """``value`` for HTML built with ``unsafe_allow_html``: tags and quotes escaped, on one line.

    Inside an HTML block Markdown is not parsed until a blank line ends the block, so keeping the value
    on one line is what keeps ``![](…)`` literal there (backslashes would show, as HTML is raw).
    """
    return html.escape(one_line(value), quote=True)
