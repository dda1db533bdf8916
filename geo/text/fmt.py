"""One formatter per kind of figure, the Vietnamese way in Vietnamese and the English way in English.

Web map, print map, detail panel, tables, decks and one-pagers all call these, so a figure reads the
same wherever it is shown. Digits come from Babel (CLDR locales ``vi_VN`` and ``en``): Vietnamese groups
with ``.`` and writes decimals with ``,``. Unit names come from :data:`geo.model.schema.UNITS`.

Decimals, one rule per kind (Excel cells in :mod:`geo.output.reports.report` use matching format codes):

- money, full (:func:`vnd`): none, whole đồng: ``1.234.567.890 ₫`` / ``VND 1,234,567,890``
- money, short (:func:`vnd_short`, :func:`money_scale`): exactly one: ``931,0 triệu ₫`` / ``VND 931.0 million``
- hectares, km², percent: at most one, so round figures read round: ``812,3 ha``, ``15 ha``, ``12,5%``
- counts (:func:`count`): none: ``3 dự án`` / ``3 projects``
- plain numbers (:func:`number`): as the caller asks: ``1.234,5`` / ``1,234.5``

Spaces are ordinary spaces (Babel's no-break spaces are replaced), so copied text, CSV cells and
searches match what is typed.

Examples
--------
>>> vnd(1234567890, "vi"), vnd(1234567890, "en")
('1.234.567.890 ₫', 'VND 1,234,567,890')
>>> vnd_short(931_000_000, "vi"), vnd_short(931_000_000, "en")
('931,0 triệu ₫', 'VND 931.0 million')
>>> vnd_short(12_500_000_000, "vi"), vnd_short(12_500_000_000, "en")
('12,5 tỷ ₫', 'VND 12.5 billion')
>>> hectares(812.34, "vi"), hectares(15.0, "en"), km2(41.25, "en"), percent(0.125, "vi"), percent(0.15, "en")
('812,3 ha', '15 ha', '41.2 km²', '12,5%', '15%')
>>> count(3, "dự án", "vi"), number(1234.5, "vi", 1), number(1234.5, "en", 1)
('3 dự án', '1.234,5', '1,234.5')
>>> usd(2_600_000_000, 26_000, "vi"), usd(2_600_000_000, 26_000, "en")
('100.000 USD', 'USD 100,000')
>>> usd_short(650_000_000_000, 26_000, "vi"), usd_short(650_000_000_000, 26_000, "en")
('25,0 triệu USD', 'USD 25.0 million')
"""

from __future__ import annotations

import functools
import math
from typing import Any

from babel import Locale
from babel.numbers import NumberPattern, get_currency_symbol, parse_pattern

from geo.model import schema

#: CLDR locale of each interface language.
LOCALES: dict[str, str] = {"vi": "vi_VN", "en": "en"}
#: Shown for a missing figure (NaN, None, pd.NA).
MISSING = "–"
#: At most this many decimals for measured quantities (hectares, km², percent).
MEASURE_DECIMALS = 1
#: Exactly this many decimals in short money (tỷ/triệu, billion/million).
SHORT_DECIMALS = 1


# Babel's format_decimal/format_percent parse the locale and the pattern on every call (~100 µs); a map
# of 10,000 communes formats tens of thousands of figures, so both are parsed once and applied directly.
@functools.cache
def _locale(lang: str) -> Locale:
    if lang not in LOCALES:
        raise ValueError(f"unknown language {lang!r}; the atlas speaks {' and '.join(LOCALES)}")
    return Locale.parse(LOCALES[lang])


@functools.cache
def _compiled(pattern: str) -> NumberPattern:
    return parse_pattern(pattern)


def _apply(value: float, pattern: str, lang: str) -> str:
    """``format_decimal``/``format_percent`` with a cached locale and pattern; ordinary spaces."""
    return _spaces(_compiled(pattern).apply(value, _locale(lang)))


def is_missing(value: Any) -> bool:
    """True for None, NaN and pd.NA: a figure that is not known."""
    return _num(value) is None


def _num(value: Any) -> float | None:
    """``value`` as a float, or None when it is not a known number."""
    if value is None:
        return None
    try:
        v = float(value)
    except (TypeError, ValueError):  # pd.NA and anything that is not a number
        return None
    return None if math.isnan(v) else v


def _spaces(text: str) -> str:
    return text.replace("\xa0", " ").replace("\u202f", " ")


def _pattern(decimals: int, fixed: bool) -> str:
    return "#,##0" + ("." + ("0" if fixed else "#") * decimals if decimals > 0 else "")


def _digits(value: float, lang: str, decimals: int, fixed: bool = True) -> str:
    if round(value, decimals) == 0:
        value = 0.0  # never "-0"
    return _apply(value, _pattern(decimals, fixed), lang)


def number(value: float | None, lang: str, decimals: int = 0) -> str:
    """A plain number with exactly ``decimals`` decimals (vi: ``1.234,5``; en: ``1,234.5``)."""
    v = _num(value)
    return MISSING if v is None else _digits(v, lang, decimals)


def separators(lang: str) -> tuple[str, str]:
    """(decimal mark, digit-group mark) of ``lang``.

    >>> separators("vi"), separators("en")
    ((',', '.'), ('.', ','))
    """
    loc = _locale(lang)
    return loc.number_symbols["latn"]["decimal"], _spaces(loc.number_symbols["latn"]["group"])


def editable(value: float | None, lang: str, decimals: int = 3) -> str:
    """A number to put in a text box: digit groups of ``lang``, only the decimals it needs (``0,5``, ``150``).

    >>> editable(0.5, "vi"), editable(150, "vi"), editable(1234.5, "en"), editable(None, "en")
    ('0,5', '150', '1,234.5', '')
    """
    v = _num(value)
    return "" if v is None else _digits(v, lang, decimals, fixed=False)


def count(value: float | None, unit: str, lang: str) -> str:
    """A whole count and its unit noun, e.g. ``Indicator.unit_for(value, lang)``: ``3 dự án``, ``1 event``."""
    v = _num(value)
    return MISSING if v is None else f"{_digits(v, lang, 0)} {unit}"


def _measure(value: float | None, unit_key: str, lang: str, unit: bool) -> str:
    v = _num(value)
    if v is None:
        return MISSING
    digits = _digits(v, lang, MEASURE_DECIMALS, fixed=False)
    return f"{digits} {schema.UNITS[unit_key](lang)}" if unit else digits


def hectares(value: float | None, lang: str, unit: bool = True) -> str:
    """Hectares, at most one decimal: ``812,3 ha``; ``unit=False`` for a column already headed "(ha)"."""
    return _measure(value, "ha", lang, unit)


def km2(value: float | None, lang: str, unit: bool = True) -> str:
    """Square kilometres, at most one decimal: ``41,2 km²``; ``unit=False`` under a "(km²)" header."""
    return _measure(value, "km2", lang, unit)


def percent(share: float | None, lang: str, unit: bool = True) -> str:
    """A share (0.125 for 12.5 %) as a percentage, at most one decimal: ``12,5%`` / ``12.5%``.

    ``unit=False`` gives the number of percent alone (``12,5``), for a column headed "(%)".
    """
    v = _num(share)
    if v is None:
        return MISSING
    if not unit:
        return _digits(v * 100, lang, MEASURE_DECIMALS, fixed=False)
    if round(v * 100, MEASURE_DECIMALS) == 0:
        v = 0.0  # never "-0%"
    return _apply(v, _pattern(MEASURE_DECIMALS, False) + "%", lang)


@functools.cache
def result_value(value: float | None, unit_key: str, lang: str, unit: bool = True) -> str:
    """A result indicator's value (issue 16) in its unit of ``schema.RESULT_UNITS``, at most one decimal:
    ``1.250 hộ``, ``12,5 km``, ``52%``; ``unit=False`` gives the number alone."""
    v = _num(value)
    if v is None:
        return MISSING
    digits = _digits(v, lang, MEASURE_DECIMALS, fixed=False)
    if not unit:
        return digits
    if unit_key == "percent":
        return digits + "%"
    label = schema.RESULT_UNITS.get(unit_key)
    return f"{digits} {label(lang)}" if label else digits


def _scale_word(power: int, lang: str) -> str:
    """CLDR's long name of 10**power in ``lang``: ``triệu``/``million`` for 6, ``tỷ``/``billion`` for 9."""
    forms = _locale(lang).compact_decimal_formats["long"]
    pattern = forms.get("other", next(iter(forms.values())))[str(10**power)]
    return str(pattern.suffix[0]).strip()


@functools.cache
def _symbol(code: str, lang: str) -> str:
    return get_currency_symbol(code, locale=_locale(lang)) if code == schema.CURRENCY else code


def _money(digits: str, code: str, lang: str) -> str:
    """Vietnamese: ``931,0 triệu ₫`` (symbol after); English: ``VND 931.0 million`` (ISO code first)."""
    return f"{code} {digits}" if lang == "en" else f"{digits} {_symbol(code, lang)}"


def money_scale(top: float, lang: str, code: str = schema.CURRENCY) -> tuple[float, str]:
    """Divisor and unit for showing amounts up to ``top`` in billions or millions (legends, chart axes).

    >>> money_scale(12e9, "vi"), money_scale(950e6, "en")
    ((1000000000.0, 'tỷ ₫'), (1000000.0, 'VND million'))
    """
    power = 9 if abs(top) >= 1e9 else 6
    word = _scale_word(power, lang)
    unit = f"{code} {word}" if lang == "en" else _money(word, code, lang)
    return 10.0**power, unit


def _short(amount: float, code: str, lang: str, powers: tuple[int, ...]) -> str:
    power = next((p for p in powers if abs(amount) >= 10**p), powers[-1])
    digits = f"{_digits(amount / 10**power, lang, SHORT_DECIMALS)} {_scale_word(power, lang)}"
    return _money(digits, code, lang)


def vnd(amount: float | None, lang: str) -> str:
    """A whole VND amount with its currency: ``1.234.567.890 ₫`` / ``VND 1,234,567,890``."""
    v = _num(amount)
    return MISSING if v is None else _money(_digits(round(v), lang, 0), schema.CURRENCY, lang)


def vnd_short(amount: float | None, lang: str) -> str:
    """Billions (tỷ) or millions (triệu) with one decimal, for legends, labels and metrics."""
    v = _num(amount)
    return MISSING if v is None else _short(v, schema.CURRENCY, lang, (9, 6))


def _dollars(amount_vnd: float | None, rate: float) -> float | None:
    if not rate or rate <= 0 or math.isnan(rate):
        raise ValueError(f"exchange rate must be a positive number of VND per USD, got {rate!r}")
    v = _num(amount_vnd)
    return None if v is None else v / rate


def usd(amount_vnd: float | None, rate: float, lang: str) -> str:
    """A VND amount shown in US dollars at a user-set ``rate`` (VND per USD), whole dollars.

    The rate is the user's, not a market feed; pages print it next to every USD figure.
    """
    dollars = _dollars(amount_vnd, rate)
    return MISSING if dollars is None else _money(_digits(round(dollars), lang, 0), "USD", lang)


def usd_short(amount_vnd: float | None, rate: float, lang: str) -> str:
    """Millions (or thousands) of USD with one decimal at the user's rate, for metrics."""
    dollars = _dollars(amount_vnd, rate)
    return MISSING if dollars is None else _short(dollars, "USD", lang, (6, 3))


# --- dates -------------------------------------------------------------------------------------
#: Day first in Vietnamese (26/11/2026), month as a word in English (26 Nov 2026): neither can be misread.
_DATE_PATTERNS = {"vi": "dd/MM/yyyy", "en": "d MMM yyyy"}
_TIME_PATTERNS = {"vi": "HH:mm dd/MM/yyyy", "en": "d MMM yyyy, HH:mm"}


def date(value: Any, lang: str) -> str:
    """A calendar date the reader's way; text that is not an ISO date (``"2018"``, ``""``) stays as it is.

    >>> date("2026-11-26", "vi"), date("2026-11-26", "en"), date("2018–2020", "en")
    ('26/11/2026', '26 Nov 2026', '2018–2020')
    """
    import datetime as dt

    from babel.dates import format_date

    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value.strip())
        except ValueError:
            return value
    if not isinstance(value, dt.date):
        return MISSING if is_missing(value) else str(value)
    return format_date(value, _DATE_PATTERNS.get(lang, _DATE_PATTERNS["vi"]), locale=_locale(lang))


def timestamp(value: Any, lang: str, tz: Any = None) -> str:
    """A moment in local time (``tz``; the machine's zone by default) the reader's way; a stored UTC ISO
    text is converted. Unparseable text stays as it is.

    >>> import datetime as dt
    >>> utc = dt.timezone.utc
    >>> timestamp("2026-11-26T07:05:00+00:00", "vi", dt.timezone(dt.timedelta(hours=7)))
    '14:05 26/11/2026'
    >>> timestamp("2026-11-26T07:05:00Z", "en", utc)
    '26 Nov 2026, 07:05'
    """
    import datetime as dt

    from babel.dates import format_datetime

    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            return value
    if not isinstance(value, dt.datetime):
        return MISSING if is_missing(value) else str(value)
    if value.tzinfo is None:  # the stores write UTC
        value = value.replace(tzinfo=dt.UTC)
    return format_datetime(value.astimezone(tz), _TIME_PATTERNS.get(lang, _TIME_PATTERNS["vi"]),
                           locale=_locale(lang))
