"""One view of the atlas (:class:`ViewState`) and its form in a link's query string.

A planner narrows the view (language, unit version, filters, indicator, colour scheme, layers,
selected commune) and sends the link; opening it must show the same view. Model layer: plain values,
no Streamlit. A link is untrusted text: :func:`from_query` keeps what it understands and names the
rest, so a stale or mistyped link opens the closest view instead of failing.

Examples
--------
>>> from geo.model.filters import Filters
>>> v = ViewState(lang="en", filters=Filters(content_areas=(3,), years=(2023, 2024)), commune="03322")
>>> q = to_query(v)
>>> q == {"lang": "en", "area": ["3"], "years": "2023-2024", "commune": "03322"}
True
>>> back, ignored = from_query(q)
>>> back == v, ignored
(True, [])
>>> from_query({"area": ["3", "99"], "lang": "fr"})[1]
['lang=fr', 'area=99']
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import cast
from urllib.parse import urlencode, urlsplit

from geo.model import schema
from geo.model.filters import Filters
from geo.model.types import LANGS, UNIT_VERSIONS, Lang, UnitVersion

#: The map layers a link can switch off (all are on by default) and the online basemap (off by default).
LAYERS: tuple[str, ...] = ("crop_zones", "risk_zones", "landslide_events", "projects", "labels")

_CODE = re.compile(r"^[A-Za-z0-9_.-]{1,32}$")
_YEARS = re.compile(r"^(\d{4})-(\d{4})$")
_MAX_TEXT = 200  # a donor name; anything longer is not one


@dataclass(frozen=True)
class ViewState:
    """What a person is looking at. ``None`` means "the page's default"."""

    lang: Lang = "vi"
    unit_version: UnitVersion = schema.DEFAULT_UNIT_VERSION  # type: ignore[assignment]
    filters: Filters = field(default_factory=Filters)
    commune: str | None = None
    indicator: str | None = None
    scheme: str | None = None
    hidden_layers: tuple[str, ...] = ()
    online_basemap: bool = False
    #: The store's offline terrain basemap (issue 19) drawn; a link keeps it (``terrain=1``).
    terrain: bool = False


def to_query(view: ViewState) -> dict[str, str | list[str]]:
    """The query-string parameters of ``view``: only what differs from the default, lists repeated."""
    d = ViewState()
    f = view.filters
    q: dict[str, str | list[str]] = {}
    if view.lang != d.lang:
        q["lang"] = view.lang
    if view.unit_version != d.unit_version:
        q["units"] = view.unit_version
    if f.content_areas:
        q["area"] = [str(a) for a in f.content_areas]
    if f.sources:
        q["source"] = list(f.sources)
    if f.statuses:
        q["status"] = list(f.statuses)
    if f.years:
        q["years"] = f"{f.years[0]}-{f.years[1]}"
    if f.donors:
        q["donor"] = list(f.donors)
    if f.high_risk:
        q["risk"] = "high"
    for name in ("commune", "indicator", "scheme"):
        if (value := getattr(view, name)) is not None:
            q[name] = value
    if view.hidden_layers:
        q["hide"] = list(view.hidden_layers)
    if view.online_basemap:
        q["online"] = "1"
    if view.terrain:
        q["terrain"] = "1"
    return q


#: The pages a share link may open: what signed-out visitors see (never the data, accounts or sign-in page).
SHAREABLE_PAGES: tuple[str, ...] = ("map", "overview", "funding", "pitch", "sources")


def share_link(page: str, view: ViewState, base: str = "") -> str | None:
    """A link that opens ``view`` on ``page`` (a url path) for anyone, signed out and so read-only; None for a
    page signed-out visitors cannot open. The language is always named, so the link reads the same for a
    recipient whose browser would pick the other one.

    >>> from geo.model.filters import Filters
    >>> share_link("funding", ViewState(filters=Filters(statuses=("approved",)), commune="03424"), "http://host:8501")
    'http://host:8501/funding?lang=vi&status=approved&commune=03424'
    >>> share_link("data", ViewState()) is None
    True
    """
    if page not in SHAREABLE_PAGES:
        return None
    query = {"lang": view.lang, **to_query(view)}
    return f"{base.rstrip('/')}/{page}?{urlencode(query, doseq=True)}"


def origin_of(url: str | None) -> str:
    """``scheme://host:port`` of a page's address ("" when unknown, e.g. in a test run): a share link's base.

    >>> origin_of("http://10.0.0.5:8501/funding?lang=en"), origin_of(None)
    ('http://10.0.0.5:8501', '')
    """
    parts = urlsplit(url or "")
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def from_query(query: Mapping[str, str | list[str]], indicators: Iterable[str] | None = None,
               schemes: Iterable[str] | None = None) -> tuple[ViewState, list[str]]:
    """The view a link asks for, and the ``name=value`` parts it did not understand (ignored).

    ``indicators`` and ``schemes`` are the names the map offers (the model layer does not know them);
    when given, other names are ignored.
    """
    ignored: list[str] = []

    def values(name: str) -> list[str]:
        raw = query.get(name, [])
        return [raw] if isinstance(raw, str) else list(raw)

    def one(name: str) -> str | None:
        got = values(name)
        return got[-1] if got else None

    def keep(name: str, allowed: Iterable[object], convert=str) -> list:
        ok = {str(a) for a in allowed}
        out = []
        for v in values(name):
            if v in ok and convert(v) not in out:
                out.append(convert(v))
            else:
                ignored.append(f"{name}={v}")
        return out

    lang = one("lang")
    if lang is not None and lang not in LANGS:
        ignored.append(f"lang={lang}")
        lang = None
    unit_version = one("units")
    if unit_version is not None and unit_version not in UNIT_VERSIONS:
        ignored.append(f"units={unit_version}")
        unit_version = None
    years = None
    if (raw := one("years")) is not None:
        m = _YEARS.match(raw)
        if m and 1900 <= int(m[1]) <= int(m[2]) <= 2100:
            years = (int(m[1]), int(m[2]))
        else:
            ignored.append(f"years={raw}")
    donors = []
    for v in values("donor"):
        if 0 < len(v) <= _MAX_TEXT and v.isprintable():
            donors.append(v)
        else:
            ignored.append(f"donor={v[:40]}")
    filters = Filters(
        content_areas=tuple(sorted(keep("area", schema.CONTENT_AREAS, int))),
        sources=tuple(keep("source", schema.SOURCE_BY_KEY)),
        # a link made before the approval workflow names the step its old status became
        statuses=tuple(dict.fromkeys(schema.LEGACY_STATUSES.get(v, v)
                                     for v in keep("status", [*schema.STATUS_BY_KEY, *schema.LEGACY_STATUSES]))),
        years=years, donors=tuple(dict.fromkeys(donors)), high_risk=one("risk") == "high",
    )
    if (risk := one("risk")) not in (None, "high"):
        ignored.append(f"risk={risk[:40]}")
    commune = one("commune")
    if commune is not None and not _CODE.match(commune):
        ignored.append(f"commune={commune[:40]}")
        commune = None
    picked = {}
    for name, allowed in (("indicator", indicators), ("scheme", schemes)):
        value = one(name)
        if value is not None and allowed is not None and value not in set(allowed):
            ignored.append(f"{name}={value[:40]}")
            value = None
        picked[name] = value
    online = one("online")
    if online not in (None, "0", "1"):
        ignored.append(f"online={online[:40]}")
    terrain = one("terrain")
    if terrain not in (None, "0", "1"):
        ignored.append(f"terrain={terrain[:40]}")
    view = ViewState(
        lang=cast(Lang, lang or ViewState.lang), unit_version=cast(UnitVersion, unit_version or ViewState.unit_version),
        filters=filters, commune=commune, indicator=picked["indicator"], scheme=picked["scheme"],
        hidden_layers=tuple(keep("hide", LAYERS)), online_basemap=online == "1", terrain=terrain == "1",
    )
    known = {"lang", "units", "area", "source", "status", "years", "donor", "risk", "commune", "indicator", "scheme",
             "hide", "online", "terrain"}
    ignored += [f"{k}={one(k) or ''}"[:60] for k in query if k not in known]
    return view, ignored

