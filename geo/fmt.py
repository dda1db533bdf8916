"""Number and money formatting, the Vietnamese way in Vietnamese and the English way in English.

Examples
--------
>>> vnd(1234567890, "vi")
'1.234.567.890 ₫'
>>> vnd(1234567890, "en")
'VND 1,234,567,890'
>>> vnd_short(12_500_000_000, "vi"), vnd_short(12_500_000_000, "en")
('12,5 tỷ ₫', 'VND 12.5 bn')
>>> number(1234.5, "vi", 1)
'1.234,5'
"""

from __future__ import annotations

import math

import pandas as pd


def number(value: float, lang: str, decimals: int = 0) -> str:
    """Thousands and decimal separators by language (vi: ``1.234,5``; en: ``1,234.5``)."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return "–"
    text = f"{value:,.{decimals}f}"
    if lang == "en":
        return text
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def vnd(amount: float, lang: str) -> str:
    """A whole VND amount with its currency."""
    if amount is None or (isinstance(amount, float) and math.isnan(amount)):
        return "–"
    return f"{number(round(amount), lang)} ₫" if lang != "en" else f"VND {number(round(amount), lang)}"


def vnd_short(amount: float, lang: str) -> str:
    """Billions (tỷ) or millions (triệu) with one decimal, for legends and metrics."""
    if amount is None or (isinstance(amount, float) and math.isnan(amount)):
        return "–"
    if abs(amount) >= 1e9:
        return f"{number(amount / 1e9, lang, 1)} tỷ ₫" if lang != "en" else f"VND {number(amount / 1e9, lang, 1)} bn"
    return f"{number(amount / 1e6, lang, 1)} triệu ₫" if lang != "en" else f"VND {number(amount / 1e6, lang, 1)} m"
