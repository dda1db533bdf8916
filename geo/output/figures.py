"""An indicator's value as text: the one place that maps an indicator to its formatter.

Web map, print map, detail panel and pitch pack call :func:`indicator_value`, so a commune's figure reads
the same on screen and on paper (rules per kind in :mod:`geo.text.fmt`). It sits in the output layer
because it joins what analysis knows (the indicator's kind and unit noun) with how text writes it.

Examples
--------
>>> indicator_value("gap", 1_260_000_000, "vi"), indicator_value("ha_tea", 812.34, "en")
('1,3 tỷ ₫', '812.3 ha')
>>> indicator_value("risk_share", 12.5, "vi"), indicator_value("n_projects", 1, "en")
('12,5%', '1 project')
>>> indicator_value("gap", 1_260_000_000, "en", short=False), indicator_value("n_events", None, "en")
('VND 1,260,000,000', 'no data')
"""

from __future__ import annotations

from geo.analysis.classify import LegendClass
from geo.analysis.indicators import INDICATORS
from geo.text import fmt
from geo.text.i18n import t


def indicator_value(key: str, value: float | None, lang: str, *, short: bool = True) -> str:
    """``value`` of indicator ``key`` with its unit; money in tỷ/triệu unless ``short=False`` (whole VND).

    A missing value reads "no data" (``map.no_data``), not a dash: it sits alone in a label or tooltip.
    """
    if value is None or fmt.is_missing(value):
        return t("map.no_data", lang)
    ind = INDICATORS[key]
    v = float(value)
    if ind.kind == "money":
        return fmt.vnd_short(v, lang) if short and v != 0 else fmt.vnd(v, lang)  # "0 ₫", not "0,0 triệu ₫"
    if ind.kind == "hectares":
        return fmt.hectares(v, lang)
    if ind.kind == "percent":
        return fmt.percent(v / 100, lang)  # indicator shares are percentage points
    return fmt.count(v, ind.unit_for(v, lang), lang)


def indicator_number(key: str, value: float | None, lang: str) -> str:
    """The number alone, for a legend or column whose heading names the unit (money: pass it scaled).

    Same decimals as :func:`indicator_value`: at most one for hectares and percent, none for counts,
    exactly one for (scaled) money.

    >>> indicator_number("risk_share", 10.25, "vi"), indicator_number("n_events", 2.0, "en")
    ('10,2', '2')
    """
    if value is None or fmt.is_missing(value):
        return fmt.MISSING
    kind, v = INDICATORS[key].kind, float(value)
    if kind == "money":
        return fmt.number(v, lang, fmt.SHORT_DECIMALS)
    if kind == "hectares":
        return fmt.hectares(v, lang, unit=False)
    if kind == "percent":
        return fmt.percent(v / 100, lang, unit=False)
    return fmt.number(v, lang)


def class_label(key: str, cls: LegendClass, lang: str, *, scale: float | None = None) -> str:
    """Legend text of one class of :meth:`geo.analysis.classify.Classification.legend_classes`.

    With units (the web map), or, with ``scale``, the number alone divided by ``scale`` (the print map,
    whose legend title names the unit). Zero reads "0" (for money: "0 ₫ or no project", since a commune
    without a matching project sums to 0), one value reads as itself, no data as in every tooltip.

    >>> from geo.analysis.classify import classify
    >>> [class_label("gap", c, "en") for c in classify([0, 2e9, 4e9, float("nan")]).legend_classes()]
    ['VND 0 or no project', 'VND 2.0 billion', 'VND 4.0 billion', 'no data']
    >>> [class_label("ha_tea", c, "vi", scale=1) for c in classify([0, 812.34]).legend_classes()]
    ['0', '812,3']
    """
    if cls.kind == "no_data" or cls.lower is None or cls.upper is None:
        return t("map.no_data", lang)
    money = INDICATORS[key].kind == "money"
    if cls.kind == "zero":
        zero = fmt.number(0, lang) if scale is not None else indicator_value(key, 0, lang)
        return t("legend.zero_no_project", lang, zero=zero) if money else zero

    def text(v: float) -> str:
        return indicator_number(key, v / scale, lang) if scale is not None else indicator_value(key, v, lang)

    lo, hi = text(cls.lower), text(cls.upper)
    return lo if cls.kind == "value" or lo == hi else f"{lo} – {hi}"
