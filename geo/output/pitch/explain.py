"""Why a project fits a donor, in sentences a person would write (issue 17); the numbers are
:mod:`geo.analysis.matching`'s, but the scoring arithmetic stays on the Matching tab's table.

The sentences say what the donor gives priority to, what shape the ask has (a concessional-loan line, grant
lines, or both) and which part this donor can take, then whether that part fits its usual ticket.

>>> from geo.model.donors import DonorProfile
>>> d = DonorProfile("jica", "JICA", instruments=("grant", "concessional_loan"), priorities={1: 3},
...                  ticket_min=2_000_000_000, ticket_max=50_000_000_000)
>>> row = pd.Series({"content_area": 1, "ask": 45_000_000_000, "ask_loan": 45_000_000_000, "ask_grant": 0})
>>> for line in explain(row, d, "en"):
...     print(line)
JICA gives priority 3 of 3 (Core) to 1. Production land and domestic water.
The ask of VND 45.0 billion is a concessional-loan line, and JICA lends.
The VND 45.0 billion JICA can take fits its usual range of VND 2.0 billion–VND 50.0 billion.
"""

from __future__ import annotations

import pandas as pd

from geo.analysis import matching
from geo.model import schema
from geo.model.donors import DonorProfile
from geo.text import fmt
from geo.text.i18n import t


def _split(row: pd.Series, donor: DonorProfile) -> dict:
    """The row's ask split and what the donor takes (:func:`geo.analysis.matching.fit_parts`)."""
    area, ask = int(row["content_area"]), int(row["ask"])
    lo = row.get("ask_loan")
    gr = row.get("ask_grant")
    parts = matching.fit_parts(donor, area, ask, None if lo is None or pd.isna(lo) else int(lo),
                               None if gr is None or pd.isna(gr) else int(gr))
    if lo is None or pd.isna(lo) or gr is None or pd.isna(gr):  # no split known: the ask as the donor would fund it
        loan = ask if parts["instrument"] == "concessional_loan" else 0
        lo, gr = loan, ask - loan
    return {**parts, "ask_loan": int(lo), "ask_grant": int(gr)}


def explain(row: pd.Series, donor: DonorProfile, lang: str) -> list[str]:
    """Sentences: the donor's priority for the content area, the shape of the ask and the part this donor can
    take, and how that part sits in its usual ticket range."""
    area = int(row["content_area"])
    level = donor.weight(area)
    name = donor.label(lang)
    lines = [t("match.s_area", lang, donor=name, level=level, top=matching.MAX_LEVEL,
               level_label=schema.PRIORITY_LEVELS[level](lang), area=schema.content_area_label(area, lang))]
    s = _split(row, donor)
    ask, loan, grant = int(row["ask"]), s["ask_loan"], s["ask_grant"]
    money = lambda v: fmt.vnd_short(v, lang)  # noqa: E731
    offered = ", ".join(schema.INSTRUMENTS[i](lang) for i in donor.instruments)
    if loan and not grant:
        key = "match.s_loan_only_yes" if s["loan_by"] else "match.s_loan_only_no"
        lines.append(t(key, lang, ask=money(ask), donor=name))
    elif grant and not loan:
        key = f"match.s_grant_only_{s['grant_by']}" if s["grant_by"] else "match.s_grant_only_no"
        lines.append(t(key, lang, ask=money(ask), donor=name, offered=offered))
    else:
        lines.append(t("match.s_mixed", lang, ask=money(ask), loan=money(loan), grant=money(grant)))
        lines.append(t("match.s_loan_yes" if s["loan_by"] else "match.s_loan_no", lang, donor=name, amount=money(loan)))
        key = f"match.s_grant_yes_{s['grant_by']}" if s["grant_by"] else "match.s_grant_no"
        lines.append(t(key, lang, donor=name, amount=money(grant), offered=offered))
    taken, lo_t, hi_t = int(s["ask_taken"]), donor.ticket_min, donor.ticket_max
    if taken > 0:
        key = "inside" if matching.size_fit(taken, lo_t, hi_t) >= 1 else ("below" if taken < lo_t else "above")
        lines.append(t(f"match.s_size_{key}", lang, donor=name, taken=money(taken), min=money(lo_t), max=money(hi_t)))
    return lines
