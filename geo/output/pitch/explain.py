"""Why a project fits a donor, in plain sentences (the numbers are :mod:`geo.analysis.matching`'s).

>>> from geo.model.donors import DonorProfile
>>> d = DonorProfile("d", "D", instruments=("grant",), priorities={3: 3}, ticket_min=1_000, ticket_max=10_000)
>>> row = pd.Series({"content_area": 3, "instrument": "grant", "ask": 5_000, "area_fit": 1.0,
...                  "size_fit": 1.0, "fit": 1.0, "score": 0.5, "match": 0.5})
>>> explain(row, d, "en")[-1]
'Fit 1.00 × priority score 50.0 = match 50.0'
"""

from __future__ import annotations

import pandas as pd

from geo.analysis import matching
from geo.model import schema
from geo.model.donors import DonorProfile
from geo.text import fmt
from geo.text.i18n import t


def explain(row: pd.Series, donor: DonorProfile, lang: str) -> list[str]:
    """Plain sentences: why this project fits this donor (one per part, then the match)."""
    area = int(row["content_area"])
    level = donor.weight(area)
    lines = [t("match.why_area", lang, area=schema.content_area_label(area, lang), donor=donor.label(lang),
               level=level, level_label=schema.PRIORITY_LEVELS[level](lang), top=matching.MAX_LEVEL,
               value=fmt.number(row["area_fit"], lang, 2))]
    if row["instrument"]:
        lines.append(t(f"match.why_inst_{row['instrument']}", lang,
                       min=fmt.vnd_short(matching.LOAN_MIN_ASK, lang)))
    else:
        offered = ", ".join(schema.INSTRUMENTS[i](lang) for i in donor.instruments)
        lines.append(t("match.why_inst_none", lang, offered=offered))
    ask, lo, hi = int(row["ask"]), donor.ticket_min, donor.ticket_max
    key = "inside" if row["size_fit"] >= 1 else ("below" if ask < lo else "above")
    lines.append(t(f"match.why_size_{key}", lang, ask=fmt.vnd_short(ask, lang), min=fmt.vnd_short(lo, lang),
                   max=fmt.vnd_short(hi, lang), value=fmt.number(row["size_fit"], lang, 2)))
    lines.append(t("match.why_total", lang, fit=fmt.number(row["fit"], lang, 2),
                   score=fmt.number(float(row["score"]) * 100, lang, 1),
                   match=fmt.number(float(row["match"]) * 100, lang, 1)))
    return lines
