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
>>> usd(2_600_000_000, 26_000, "vi"), usd(2_600_000_000, 26_000, "en")
('100.000 USD', 'USD 100,000')
>>> usd_short(650_000_000_000, 26_000, "vi"), usd_short(650_000_000_000, 26_000, "en")
('25,0 triệu USD', 'USD 25.0 m')
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


def usd(amount_vnd: float, rate: float, lang: str) -> str:
    """A VND amount shown in US dollars at a user-set ``rate`` (VND per USD), whole dollars.

    The rate is the user's, not a market feed; pages print it next to every USD figure.
    """
    if not rate or rate <= 0 or math.isnan(rate):
        raise ValueError(f"exchange rate must be a positive number of VND per USD, got {rate!r}")
    if amount_vnd is None or amount_vnd is pd.NA or (isinstance(amount_vnd, float) and math.isnan(amount_vnd)):
        return "–"
    dollars = number(round(amount_vnd / rate), lang)
    return f"USD {dollars}" if lang == "en" else f"{dollars} USD"


def usd_short(amount_vnd: float, rate: float, lang: str) -> str:
    """Millions (or thousands) of USD with one decimal at the user's rate, for metrics."""
    text = usd(amount_vnd, rate, lang)  # validates the rate
    if text == "–":
        return text
    dollars = amount_vnd / rate
    if abs(dollars) >= 1e6:
        value, vi_unit, en_unit = dollars / 1e6, "triệu USD", "m"
    else:
        value, vi_unit, en_unit = dollars / 1e3, "nghìn USD", "k"
    return f"USD {number(value, lang, 1)} {en_unit}" if lang == "en" else f"{number(value, lang, 1)} {vi_unit}"
