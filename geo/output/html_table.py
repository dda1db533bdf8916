"""A small display table as plain HTML, for pages where ``st.dataframe``/``st.table`` cost too much to load.

On a rural link (issue 20) the first ``st.dataframe`` or ``st.table`` of a visit makes the browser fetch
Streamlit's grid and Arrow decoder (~1.5 MB of JavaScript, ~450 KB compressed: seconds at 1 Mbit/s) for
a panel of a few rows of text. These tables are already formatted text (:mod:`geo.output.maps.details`),
so an HTML table shows the same, reads as a real table to screen readers (header cells with ``scope``)
and costs nothing to load. Every header and cell is escaped (:func:`geo.text.safe.html_text`): a
project name such as ``<img src=x onerror=…>`` shows as those characters.

Examples
--------
>>> import pandas as pd
>>> out = html_table(pd.DataFrame({"Project": ["<b>x</b>"], "Need": ["1.000 ₫"]}), label="Dự án")
>>> "&lt;b&gt;x&lt;/b&gt;" in out and "<b>" not in out, '<th scope="col">Need</th>' in out
(True, True)
>>> 'aria-label="Dự án"' in out
True
"""

from __future__ import annotations

import pandas as pd

from geo.text.safe import html_text

#: The tables' look (thin rules, compact rows, the theme's own text colour, light or dark; figures on one line, a
#: wide table scrolls sideways as st.dataframe did); a page sends it once, as a style-only block.
STYLE = """<style>
.td-table-wrap { overflow-x: auto; margin: 0 0 1rem 0; }
.td-table { border-collapse: collapse; width: max-content; min-width: 100%; font-size: .875rem; line-height: 1.4;
  color: inherit; }
.td-table th, .td-table td { border-bottom: 1px solid rgba(128, 128, 128, .3); padding: .3rem .5rem;
  text-align: left; vertical-align: top; white-space: nowrap; }
.td-table td:first-child, .td-table tbody th { white-space: normal; min-width: 10rem; max-width: 20rem; }
.td-table thead th { font-weight: 600; border-bottom-width: 2px; }
.td-table tbody th { font-weight: 400; }
</style>"""


def _cell(value: object) -> str:
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else html_text(value)


def html_table(frame: pd.DataFrame, *, index: bool = False, label: str | None = None) -> str:
    """``frame`` as an escaped HTML ``<table>`` (class ``td-table``, in a scrolling wrapper).

    Parameters
    ----------
    frame : pandas.DataFrame
        Display values (text); column names are the header row.
    index : bool
        Write the index as the first column of row headers (its name heads that column).
    label : str, optional
        The table's accessible name (the heading it sits under).

    Returns
    -------
    str
        HTML for ``st.html``; pair it with :data:`STYLE` once per page.
    """
    head = [html_text(frame.index.name or "")] if index else []
    head += [html_text(c) for c in frame.columns]
    rows = []
    for key, values in zip(frame.index, frame.itertuples(index=False, name=None)):
        first = f'<th scope="row">{_cell(key)}</th>' if index else ""
        rows.append(f"<tr>{first}{''.join(f'<td>{_cell(v)}</td>' for v in values)}</tr>")
    aria = f' aria-label="{html_text(label)}"' if label else ""
    return (f'<div class="td-table-wrap"><table class="td-table"{aria}><thead><tr>'
            + "".join(f'<th scope="col">{h}</th>' for h in head)
            + f"</tr></thead><tbody>{''.join(rows)}</tbody></table></div>")


__all__ = ["STYLE", "html_table"]
