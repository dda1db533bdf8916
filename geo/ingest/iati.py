"""Read a donor's published IATI activity file (``iati-activities`` 2.01–2.03): keep what lies in the district.

:func:`preview_iati` streams the file (lxml ``iterparse``, each activity cleared once read, so a file of a few
hundred MB is read in little memory) and turns every activity located in one of the district's communes into
a project, its funding lines and its dated money records; it writes nothing. Only
:meth:`geo.storage.interface.ProjectStore.apply_projects` (with ``money=``) writes, all or nothing.

Parsing is safe by construction: entities are never resolved, nothing is fetched from the network, lxml's
huge-tree mode stays off (its limits on depth and text size hold), XInclude is never processed, and a file
that declares a DTD is refused at its root element, before any activity is read, so entity bombs and external
entities (``file:///etc/passwd``) never reach the preview. Malformed XML, another root element or an unknown
version is a :class:`DataError` naming the line.

An activity is in the district when one of its ``location`` elements names a commune, tried in this order per
location: ``@ref`` ``GSO-{code}`` (what the atlas's own export writes), ``administrative/@code`` equal to a
commune code, ``point/pos`` (``lat lon``) inside a commune boundary, ``name`` matched like every commune
name (:mod:`geo.ingest.names`: accent- and prefix-tolerant). An activity without such a location is matched by
a commune name in its title. A project has one commune: the first located one; the other communes an activity
names are listed as a note. Activities elsewhere are counted and left out.

- **Content area**: a vocabulary-99 sector that is the atlas's own (code a content area key, or its number with
  the area's name as narrative), else the DAC (vocabulary 1) sector of the largest percentage that maps to
  exactly one area through :data:`geo.model.schema.DAC_SECTORS`, else a problem.
- **Money**: transactions of types 2, 3, 4 become commitment, disbursement and expenditure records (dated by
  ``transaction-date``; none = date unknown, never guessed); budgets become yearly budget records (a budget
  period across two calendar years is left out with a note: it is never split by guess; a revised budget
  replaces the original one of its year). An amount in another currency needs a rate (``rates``, with
  ``rate_source``): it is kept as the original currency, amount and rate; without one it is a problem naming
  the activity and element. The funding source is a loan when the finance type is a loan (4xx), else by the
  reporting organisation's type (NGO, foundation, academic → NGO; private sector → foreign business; else ODA
  grant). Funding lines are the sums per source (committed raised to the disbursed sum where the file reports
  less committed than disbursed, with a note; need = the larger of committed and the budgets).
- **Idempotent**: the project of an activity is the one whose ``iati_identifier`` it is (a new one gets an id
  made from the identifier); money record ids are made from their content
  (:func:`geo.ingest.money_import.content_id`), so the same file imported twice finds everything unchanged. A
  record an earlier import of the activity made that the file no longer has (a revised or withdrawn
  transaction) is removed by the import (``money_gone``), so a revised amount never counts twice.
  A project's status is set once, when it is created (from ``activity-status``); afterwards the approval
  workflow owns it and an import leaves it alone.

Examples
--------
>>> _pos("22.3 103.6"), _pos("22,3 103,6"), _pos("north")
((103.6, 22.3), None, None)
>>> _project_id("GB-GOV-1-300123", set()), _project_id("XM-DAC-41114/VNM 00012", set())[:5]
('GB-GOV-1-300123', 'XM-DA')
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import IO, Any, Literal

import numpy as np
import pandas as pd
import shapely
from lxml import etree

from geo.analysis.aggregate import OUTSIDE, locate
from geo.ingest.imports import commune_index
from geo.ingest.money import clean_money
from geo.ingest.money_import import content_id, same_record
from geo.ingest.names import NameIndex, fold, nfc
from geo.ingest.records import clean_lines, clean_project, frame_to_records, record_change, validate_records
from geo.ingest.validate import DataError, Problem, parse_decimal, per_language
from geo.model import schema
from geo.model.dataset import Dataset
from geo.text import fmt
from geo.text.i18n import t

#: The largest activity file the command reads (it is streamed: memory stays small whatever the size).
MAX_BYTES = 1024 * 1024 * 1024
VERSIONS: tuple[str, ...] = ("2.01", "2.02", "2.03")
#: IATI transaction types → money kinds (1 incoming funds, 11 incoming commitment … are not this district's).
TRANSACTION_KINDS: dict[str, str] = {"2": "commitment", "3": "disbursement", "4": "expenditure"}
#: IATI activity-status → the status a NEW project starts at (pipeline, implementation, finalisation, closed,
#: cancelled, suspended). Later imports keep the stored status: the approval workflow owns it.
STATUS_OF: dict[str, str] = {"1": "proposal", "2": "implementing", "3": "completed", "4": "completed",
                             "5": "cancelled", "6": "implementing"}
#: How an activity was placed in its commune (the preview's "located by" column: ``iati.by_<how>``).
LocatedBy = Literal["ref", "administrative", "point", "name", "title"]
_Where = tuple[str, LocatedBy, tuple[float, float] | None]
GSO_REF = re.compile(r"^GSO-(\d{5})$", re.IGNORECASE)
#: The dates an activity or a budget needs, named in a problem.
_WHICH: dict[str, schema.Label] = {
    "start_year": schema.Label("ngày bắt đầu", "start date"),
    "end_year": schema.Label("ngày kết thúc", "end date"),
    "period-start": schema.Label("ngày đầu kỳ ngân sách", "start of the budget period"),
}
_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_XINCLUDE = "{http://www.w3.org/2001/XInclude}"


@dataclass
class IatiImport:
    """Everything to show before the user confirms an IATI import; nothing is stored yet."""

    file: str
    version: str = ""
    #: One row per kept activity (see :meth:`table`).
    activities: list[dict] = field(default_factory=list)
    records: list[tuple[dict, list[dict]]] = field(default_factory=list)
    base_revisions: dict[str, int | None] = field(default_factory=dict)
    money: list[dict] = field(default_factory=list)
    money_revisions: dict[str, int | None] = field(default_factory=dict)
    #: Record id → revision of records an earlier import of these activities made that the file no longer has
    #: (a transaction the donor revised or withdrew): removed with the import, so nothing counts twice.
    money_gone: dict[str, int] = field(default_factory=dict)
    #: Blocking: nothing can be imported while there is one (each names activity and element).
    problems: list[Problem] = field(default_factory=list)
    #: Not blocking: what the import chose and why (other communes, budgets left out, names read as …).
    notes: list[Problem] = field(default_factory=list)
    new_ids: list[str] = field(default_factory=list)
    changed_ids: list[str] = field(default_factory=list)
    unchanged_ids: list[str] = field(default_factory=list)
    money_new: int = 0
    money_changed: int = 0
    read: int = 0
    outside: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def changes(self) -> bool:
        """Whether writing would change anything (a second import of the same file: no)."""
        return bool(self.new_ids or self.changed_ids or self.money_new or self.money_changed or self.money_gone)

    def table(self, lang: str) -> pd.DataFrame:
        """The kept activities: identifier, title, commune, content area, committed and disbursed money."""
        rows = [{t("iati.col_identifier", lang): a["identifier"], t("iati.col_title", lang): a["titles"][lang],
                 t("iati.col_commune", lang): a["commune"], t("iati.col_located", lang): t(f"iati.by_{a['by']}", lang),
                 t("iati.col_area", lang): schema.content_area_label(a["area"], lang) if a["area"] else "—",
                 t("iati.col_committed", lang): fmt.vnd_short(a["committed"], lang),
                 t("iati.col_disbursed", lang): fmt.vnd_short(a["disbursed"], lang),
                 t("iati.col_project", lang): a["project_id"]} for a in self.activities]
        return pd.DataFrame(rows, columns=[t(f"iati.col_{c}", lang) for c in (
            "identifier", "title", "commune", "located", "area", "committed", "disbursed", "project")])


def problems_frame(problems: list[Problem], lang: str) -> pd.DataFrame:
    """Problems (or notes) as a table: activity, element, what (in ``lang``)."""
    rows = []
    for p in problems:
        params = dict(p.params)
        rows.append({t("iati.col_identifier", lang): str(params.get("activity", "")),
                     t("iati.col_element", lang): str(params.get("element", "")),
                     t("data.col_problem", lang): p.sentence(lang)})
    return pd.DataFrame(rows, columns=[t("iati.col_identifier", lang), t("iati.col_element", lang),
                                       t("data.col_problem", lang)])


def preview_iati(source: Path | str | IO[bytes], filename: str, ds: Dataset, stored_money: pd.DataFrame,
                 revisions: dict[str, int], rates: dict[str, float] | None = None, rate_source: str = "",
                 today: date | None = None) -> IatiImport:
    """Stream and check an IATI activity file against the store (``ds``, its money records and project
    revisions); write nothing. ``rates``: VND per unit of each other currency (``{"USD": 25_000}``), with
    ``rate_source`` (where the rates come from, kept in each record's note). A file that cannot be read as
    IATI 2.0x (malformed, a DTD, another root, an unknown version) raises :class:`DataError` naming the line."""
    file = Path(filename).name
    ctx = _Context(file, ds, rates or {}, rate_source.strip(), today or date.today())
    out = IatiImport(file)
    kept: list[_Kept] = []
    seen: dict[str, int] = {}
    for version, elem in _activities(source, file):
        out.version = version
        out.read += 1
        got = ctx.activity(elem, out)
        if got is None:
            out.outside += 1
            continue
        if got.identifier in seen:
            out.problems.append(_at(file, "err.iati.twice", got.identifier, "iati-identifier",
                                    line=seen[got.identifier]))
            continue
        seen[got.identifier] = got.line
        kept.append(got)
    if not kept and not out.problems:
        out.problems.append(Problem.of(file, "err.iati.empty", n=out.read))
    _settle(ctx, kept, out, stored_money, revisions)
    return out


def parse_rates(file: str, given: list[str], source: str, lang: str = "en") -> dict[str, float]:
    """``["USD=25000", …]`` → ``{"USD": 25000.0}`` (blank lines skipped), the number read as typed in ``lang``
    (a Vietnamese ``25.000`` is twenty-five thousand, not 25); a rate needs its source and a source a rate,
    else :class:`DataError` (``file``: the activity file, named in the message).

    >>> parse_rates("a.xml", ["usd=25,400", ""], "SBV 2026-11-30")
    {'USD': 25400.0}
    >>> parse_rates("a.xml", ["USD=25.400", "EUR=27.150,5"], "SBV 2026-11-30", "vi")
    {'USD': 25400.0, 'EUR': 27150.5}
    """
    lines = [g.strip() for g in given if g.strip()]
    if bool(lines) != bool(source.strip()):
        raise DataError([Problem.of(file, "err.iati.rate_pair")])
    rates: dict[str, float] = {}
    for text in lines:
        cur, _, value = text.partition("=")
        rate = parse_decimal(value.replace("_", ""), lang) or -1.0
        if not re.fullmatch(r"[A-Za-z]{3}", cur.strip()) or not 0 < rate < math.inf:
            raise DataError([Problem.of(file, "err.iati.rate_bad", value=text[:40])])
        rates[cur.strip().upper()] = rate
    return rates


# --- streaming the file ----------------------------------------------------------------------------------
def _activities(source: Path | str | IO[bytes], file: str) -> Iterator[tuple[str, Any]]:
    """``(version, iati-activity element)`` one by one; each element is cleared after the caller is done."""
    src = str(source) if isinstance(source, Path) else source
    parser = etree.iterparse(src, events=("start", "end"), resolve_entities=False, no_network=True,
                             huge_tree=False, load_dtd=False, dtd_validation=False, remove_comments=True,
                             remove_pis=True)
    depth, version = 0, ""
    try:
        for event, elem in parser:
            if event == "start":
                depth += 1
                if depth == 1:
                    version = _root(elem, file)
                elif isinstance(elem.tag, str) and elem.tag.startswith(_XINCLUDE):
                    raise DataError([Problem.of(file, "err.iati.xinclude", line=elem.sourceline or "?")])
                continue
            depth -= 1
            if depth == 1 and elem.tag == "iati-activity":
                yield version, elem
                elem.clear()
                parent = elem.getparent()
                while parent is not None and elem.getprevious() is not None:  # read activities: gone
                    del parent[0]
    except etree.XMLSyntaxError as err:
        line = err.lineno if err.lineno else "?"
        raise DataError([Problem.of(file, "err.iati.malformed", line=line, msg=str(err.msg or err))]) from None
    if depth == 0 and not version:
        raise DataError([Problem.of(file, "err.iati.malformed", line="1", msg="no root element")])


def _root(elem: Any, file: str) -> str:
    info = elem.getroottree().docinfo
    if info.internalDTD is not None or info.externalDTD is not None or info.system_url or info.public_id:
        raise DataError([Problem.of(file, "err.iati.dtd", line=elem.sourceline or "?")])
    if elem.tag != "iati-activities":
        raise DataError([Problem.of(file, "err.iati.root", tag=str(elem.tag)[:80], line=elem.sourceline or "?")])
    version = str(elem.get("version") or "").strip()
    if version not in VERSIONS:
        raise DataError([Problem.of(file, "err.iati.version", version=version[:20] or "—", versions=", ".join(VERSIONS),
                                    line=elem.sourceline or "?")])
    return version


# --- one activity ------------------------------------------------------------------------------------------
@dataclass
class _Kept:
    identifier: str
    line: int
    project: dict
    money: list[dict]
    commune: str
    by: LocatedBy
    titles: dict[str, str]


def _at(file: str, key: str, activity: str, element: str, **params: object) -> Problem:
    """A problem (or note) of one activity's element; ``activity`` and ``element`` are in every sentence."""
    return Problem.of(file, key, None, None, activity=activity, element=element, **params)


def _text(el: Any | None) -> str:
    return nfc(" ".join("".join(el.itertext()).split())) if el is not None else ""


def _narratives(el: Any | None, default_lang: str, multi_line: bool = False) -> dict[str, str]:
    """Language → text of an element's ``narrative`` children (the first per language); spaces collapsed
    unless ``multi_line`` (a description keeps its lines)."""
    out: dict[str, str] = {}
    if el is None:
        return out
    for n in el.findall("narrative"):
        text = nfc("".join(n.itertext()).strip()) if multi_line else _text(n)
        if text:
            out.setdefault(str(n.get(_LANG) or default_lang).lower()[:2], text)
    return out


def _pos(text: str) -> tuple[float, float] | None:
    """``(lon, lat)`` of an IATI ``pos`` (``"lat lon"``), None when it is not two finite numbers."""
    parts = text.split()
    try:
        lat, lon = (float(p) for p in parts)
    except ValueError:
        return None
    return (lon, lat) if math.isfinite(lat) and math.isfinite(lon) else None


def _project_id(identifier: str, taken: set[str]) -> str:
    """The id of a new project: the identifier where it is a valid project id, else ``IATI-`` and a digest."""
    pid = re.sub(r"[^A-Za-z0-9._-]+", "-", identifier).strip("-._")
    if schema.PROJECT_ID_PATTERN.match(pid) and pid not in taken:
        return pid
    return "IATI-" + hashlib.sha256(identifier.encode("utf-8")).hexdigest()[:12].upper()


class _Context:
    """What every activity is read against: the communes, their names, the rates."""

    def __init__(self, file: str, ds: Dataset, rates: dict[str, float], rate_source: str, today: date):
        self.file, self.ds, self.rates, self.rate_source, self.today = file, ds, rates, rate_source, today
        self.codes = set(ds.communes["code"].astype(str))
        self.bounds = tuple(float(v) for v in ds.communes.total_bounds)
        self.tree = shapely.STRtree(ds.communes.geometry.to_numpy())
        self.names: NameIndex = commune_index(ds)
        self.display = dict(zip(ds.communes["code"].astype(str), ds.communes["name"].astype(str)))
        # a title naming the district ("… in Tam Đường district") names the district, not its township
        district = {re.sub(r"^huyen |^district | district$", "", fold(x)) for x in (ds.config.name.vi, ds.config.name.en)}
        self.folded = {fold(n): c for c, n in self.display.items() if fold(n) not in district}
        self.areas = {str(a.code): a for a in schema.CONTENT_AREAS.values()}
        self.area_keys = {a.key: a for a in schema.CONTENT_AREAS.values()}
        self.dac: dict[str, set[int]] = {}
        for area, sectors in schema.DAC_SECTORS.items():
            for code, _pct in sectors:
                self.dac.setdefault(code, set()).add(area)

    # where ------------------------------------------------------------------------------------------------
    def _located(self, act: Any, ident: str, notes: list[Problem]) -> list[_Where]:
        found: list[_Where] = []
        for k, loc in enumerate(act.findall("location"), start=1):
            where = f"location[{k}]"
            m = GSO_REF.match(str(loc.get("ref") or "").strip())
            if m and m.group(1) in self.codes:
                found.append((m.group(1), "ref", None))
                continue
            codes = [str(a.get("code") or "").strip() for a in loc.findall("administrative")]
            hit = next((c for c in codes if c in self.codes), None)
            if hit:
                found.append((hit, "administrative", None))
                continue
            pos_el = loc.find("point/pos")
            if pos_el is not None and _text(pos_el):
                point = _pos(_text(pos_el))
                if point is None:
                    notes.append(_at(self.file, "note.iati.pos", ident, f"{where}/point/pos", value=_text(pos_el)[:60]))
                else:
                    x0, y0, x1, y1 = self.bounds  # most points of a donor's file are far away: no tree query
                    inside = x0 <= point[0] <= x1 and y0 <= point[1] <= y1
                    i = int(locate(np.array([point[0]]), np.array([point[1]]), self.ds.communes, self.tree)[0]) \
                        if inside else OUTSIDE
                    if i != OUTSIDE:
                        found.append((str(self.ds.communes["code"].iloc[i]), "point", point))
                        continue
            for name in _narratives(loc.find("name"), "vi").values():
                m2 = self.names.match(name)
                if m2.code is not None and m2.code in self.codes:
                    found.append((m2.code, "name", None))
                    if not m2.exact:
                        notes.append(_at(self.file, "note.iati.by_name", ident, f"{where}/name", value=name,
                                         commune=self.display[m2.code]))
                    break
        return found

    def _by_title(self, titles: dict[str, str]) -> str | None:
        """The one commune named in a title (word-bounded, folded like names); None when none or several."""
        hits = set()
        for title in titles.values():
            text = f" {fold(title)} "
            hits |= {code for name, code in self.folded.items() if f" {name} " in text}
        return hits.pop() if len(hits) == 1 else None

    # what ---------------------------------------------------------------------------------------------------
    def _area(self, act: Any, ident: str, problems: list[Problem]) -> int | None:
        sectors = act.findall("sector")
        for s in sectors:
            if str(s.get("vocabulary") or "") != "99":
                continue
            code = str(s.get("code") or "").strip()
            if code in self.area_keys:
                return self.area_keys[code].code
            area = self.areas.get(code)
            said = {fold(n) for n in _narratives(s, "en").values()}
            if area is not None and said & {fold(area.vi), fold(area.en), fold(f"{area.code}. {area.vi}"),
                                            fold(f"{area.code}. {area.en}")}:
                return area.code
        dac = []
        for s in sectors:
            if str(s.get("vocabulary") or "1") != "1":
                continue
            try:
                pct = float(s.get("percentage") or 100)
            except ValueError:
                pct = 0.0
            dac.append((pct, str(s.get("code") or "").strip()))
        for _pct, code in sorted(dac, key=lambda x: -x[0]):
            areas = self.dac.get(code, set())
            if len(areas) == 1:
                return next(iter(areas))
        problems.append(_at(self.file, "err.iati.no_area", ident, "sector",
                            codes=", ".join(c for _p, c in dac) or "—"))
        return None

    def _source(self, act: Any, finance: str) -> str:
        if finance.startswith("4"):  # 410 aid loan, 421 standard loan …
            return "concessional_loan"
        org = act.find("reporting-org")
        kind = str(org.get("type") or "") if org is not None else ""
        if kind in ("21", "22", "23", "24", "60", "80"):
            return "ngo"
        if kind in ("70", "71", "72", "73"):
            return "foreign_business"
        return "oda_grant"

    def _amount(self, value_el: Any | None, default_currency: str, ident: str, where: str,
                problems: list[Problem]) -> tuple[str, float] | None:
        raw = _text(value_el)
        try:
            amount = float(raw)
        except ValueError:
            amount = math.nan
        if not math.isfinite(amount) or amount < 0:
            problems.append(_at(self.file, "err.iati.amount", ident, f"{where}/value", value=raw[:40] or "—"))
            return None
        currency = str((value_el.get("currency") if value_el is not None else "") or default_currency).strip().upper()
        if not currency:
            problems.append(_at(self.file, "err.iati.no_currency", ident, f"{where}/value"))
            return None
        if currency != schema.CURRENCY and currency not in self.rates:
            problems.append(_at(self.file, "err.iati.no_rate", ident, f"{where}/value", currency=currency))
            return None
        return currency, amount

    def _money(self, rec: dict, ident: str, where: dict[str, str], problems: list[Problem]) -> dict | None:
        """The record as stored (:func:`clean_money`), its problems named by element."""
        try:
            return clean_money(rec, self.today, self.file)
        except DataError as err:
            for p in err.problems:
                problems.append(_at(self.file, "err.iati.field", ident, where.get(p.column or "", where["value"]),
                                    what=per_language(p.sentence)))
            return None

    def _record(self, kind: str, source: str, currency: str, amount: float, ident: str, ref: str) -> dict:
        rec: dict[str, Any] = {"kind": kind, "source": source, "origin": "import", "currency": currency}
        note = f"IATI {ident}" + (f" {ref}" if ref else "")
        if currency == schema.CURRENCY:
            rec["amount"] = round(amount)
        else:
            rate = self.rates[currency]
            rec.update(original_amount=amount, rate=rate)
            note += f"; {currency} × {rate:g}" + (f" ({self.rate_source})" if self.rate_source else "")
        rec["note"] = note
        return rec

    def activity(self, act: Any, out: IatiImport) -> _Kept | None:
        """The activity as a project with its money, or None when it lies outside the district."""
        default_lang = str(act.get(_LANG) or act.getparent().get(_LANG) or "en").lower()[:2]
        ident = _text(act.find("iati-identifier"))
        notes: list[Problem] = []
        titles = _narratives(act.find("title"), default_lang)
        located = self._located(act, ident or "?", notes)
        if not located:
            code = self._by_title(titles)
            if code is None:
                return None
            located = [(code, "title", None)]
        by = located[0][1]
        problems: list[Problem] = []
        if not ident:
            problems.append(_at(self.file, "err.iati.no_identifier", f"({self.file}:{act.sourceline})",
                                "iati-identifier"))
            ident = f"({self.file}:{act.sourceline})"
        commune, _how, point = located[0]
        others = sorted({c for c, _b, _p in located[1:] if c != commune})
        if others:
            notes.append(_at(self.file, "note.iati.other_communes", ident, "location",
                             communes=", ".join(self.display[c] for c in others), commune=self.display[commune]))
        if not titles:
            problems.append(_at(self.file, "err.iati.no_title", ident, "title"))
        area = self._area(act, ident, problems)
        dates = {str(d.get("type") or ""): str(d.get("iso-date") or "")[:10] for d in act.findall("activity-date")}
        years = {}
        for col, types, element in (("start_year", ("2", "1"), "activity-date[@type=1|2]"),
                                    ("end_year", ("4", "3"), "activity-date[@type=3|4]")):
            iso = next((dates[x] for x in types if dates.get(x)), "")
            if not re.match(r"^\d{4}-\d{2}-\d{2}$", iso):
                problems.append(_at(self.file, "err.iati.no_date", ident, element, which=_WHICH[col]))
            else:
                years[col] = int(iso[:4])
        desc = {}
        for d in act.findall("description"):
            if str(d.get("type") or "1") == "1":
                desc = _narratives(d, default_lang, multi_line=True)
                break
        status = act.find("activity-status")
        reporting = _narratives(act.find("reporting-org"), default_lang)
        implementing = next((_narratives(o, default_lang) for o in act.findall("participating-org")
                             if str(o.get("role") or "") == "4"), {})
        vi_title = titles.get("vi") or titles.get(default_lang) or next(iter(titles.values()), "")
        project = {
            "name_vi": vi_title[:schema.MAX_LINE_CHARS], "name_en": (titles.get("en") or "")[:schema.MAX_LINE_CHARS],
            "description": desc.get("vi") or desc.get(default_lang) or next(iter(desc.values()), ""),
            "description_en": desc.get("en", ""), "commune_code": commune, "content_area": area or "",
            "status": STATUS_OF.get(str(status.get("code") if status is not None else ""), "proposal"),
            "start_year": years.get("start_year", ""), "end_year": years.get("end_year", ""),
            "lead_agency": next(iter(implementing.values()), "")[:schema.MAX_LINE_CHARS],
            "donor": (reporting.get("en") or next(iter(reporting.values()), ""))[:schema.MAX_LINE_CHARS],
            "lon": point[0] if point else None, "lat": point[1] if point else None,
            "quality": "approximate" if by in ("name", "title") else "official",
            "unit_version": schema.DEFAULT_UNIT_VERSION, "iati_identifier": ident,
        }
        default_currency = str(act.get("default-currency") or "").strip().upper()
        dft = act.find("default-finance-type")
        default_finance = str(dft.get("code") if dft is not None else "")
        money: list[dict] = []
        for k, tr in enumerate(act.findall("transaction"), start=1):
            tt = tr.find("transaction-type")
            kind = TRANSACTION_KINDS.get(str(tt.get("code") if tt is not None else ""))
            if kind is None:
                continue
            where = f"transaction[{k}]"
            got = self._amount(tr.find("value"), default_currency, ident, where, problems)
            if got is None:
                continue
            ft = tr.find("finance-type")
            source = self._source(act, str(ft.get("code") if ft is not None else default_finance))
            rec = self._record(kind, source, got[0], got[1], ident, str(tr.get("ref") or "").strip()[:80])
            day = tr.find("transaction-date")
            rec["date"] = str(day.get("iso-date") or "")[:40] if day is not None else ""
            cleaned = self._money(rec, ident, {"date": f"{where}/transaction-date", "value": f"{where}/value"},
                                  problems)
            if cleaned is not None:
                money.append(cleaned)
        money += self._budgets(act, ident, default_currency, default_finance, problems, notes)
        out.notes.extend(notes)
        out.problems.extend(problems)
        return _Kept(ident, act.sourceline or 0, project, money, commune, by,
                     {"vi": vi_title, "en": titles.get("en") or vi_title})

    def _budgets(self, act: Any, ident: str, default_currency: str, default_finance: str,
                 problems: list[Problem], notes: list[Problem]) -> list[dict]:
        by_year: dict[int, list[tuple[str, dict]]] = {}
        for k, b in enumerate(act.findall("budget"), start=1):
            where = f"budget[{k}]"
            start = str((b.find("period-start").get("iso-date") if b.find("period-start") is not None else "") or "")
            end = str((b.find("period-end").get("iso-date") if b.find("period-end") is not None else "") or "")
            if not re.match(r"^\d{4}", start):
                problems.append(_at(self.file, "err.iati.no_date", ident, f"{where}/period-start",
                                    which=_WHICH["period-start"]))
                continue
            if end[:4] and end[:4] != start[:4]:
                notes.append(_at(self.file, "note.iati.budget_span", ident, where, start=start[:10], end=end[:10]))
                continue
            got = self._amount(b.find("value"), default_currency, ident, where, problems)
            if got is None:
                continue
            rec = self._record("budget", self._source(act, default_finance), got[0], got[1], ident, where)
            rec["year"] = int(start[:4])
            cleaned = self._money(rec, ident, {"year": f"{where}/period-start", "value": f"{where}/value"}, problems)
            if cleaned is not None:
                by_year.setdefault(rec["year"], []).append((str(b.get("type") or "1"), cleaned))
        out = []
        for year, found in sorted(by_year.items()):
            revised = [r for kind, r in found if kind == "2"]
            if revised and len(revised) < len(found):
                notes.append(_at(self.file, "note.iati.budget_revised", ident, "budget", year=year))
            out += revised or [r for _kind, r in found]
        return out


# --- projects, lines and records against the store ----------------------------------------------------------
def _lines(money: list[dict], ident: str, file: str, notes: list[Problem]) -> list[dict]:
    """Funding lines: per source, committed and disbursed sums; need = the larger of committed and budgets."""
    sums: dict[str, dict[str, int]] = {}
    for r in money:
        s = sums.setdefault(r["source"], {"commitment": 0, "disbursement": 0, "budget": 0, "expenditure": 0})
        s[r["kind"]] += int(r["amount"])
    lines = []
    for source, s in sums.items():
        committed, disbursed = s["commitment"], s["disbursement"]
        if disbursed > committed:
            notes.append(_at(file, "note.iati.raised", ident, "transaction", source=schema.SOURCE_BY_KEY[source]))
            committed = disbursed
        lines.append({"source": source, "need": max(committed, s["budget"]), "committed": committed,
                      "disbursed": disbursed})
    return clean_lines(lines)


_ELEMENT_OF = {"name_vi": "title", "name_en": "title", "description": "description", "description_en": "description",
               "start_year": "activity-date", "end_year": "activity-date", "commune_code": "location",
               "lon": "location/point/pos", "lat": "location/point/pos", "lead_agency": "participating-org",
               "donor": "reporting-org", "content_area": "sector", "iati_identifier": "iati-identifier"}


def _settle(ctx: _Context, kept: list[_Kept], out: IatiImport, stored_money: pd.DataFrame,
            revisions: dict[str, int]) -> None:
    """Projects get their ids (stored by identifier, else new), lines and checks; records their ids."""
    ds = ctx.ds
    by_ident: dict[str, str] = {}
    if "iati_identifier" in ds.projects.columns:
        by_ident = {str(i): str(p) for i, p in zip(ds.projects["iati_identifier"], ds.projects["project_id"]) if i}
    existing = frame_to_records(ds.projects, ds.funding) if len(ds.projects) else {}
    taken = set(existing)
    stored = {r["record_id"]: r for r in stored_money.to_dict("records")} if len(stored_money) else {}
    items = []
    for k in kept:
        pid = by_ident.get(k.identifier) or _project_id(k.identifier, taken)
        taken.add(pid)
        project = dict(k.project, project_id=pid)
        if pid in existing:
            project["status"] = existing[pid][0]["status"]  # the workflow owns the status once it is stored
        lines = _lines(k.money, k.identifier, ctx.file, out.notes)
        items.append((k, project, lines))
    checked = validate_records([(p, ls) for _k, p, ls in items], ds.communes["code"].tolist(),
                               allow_overcommit=True, file=ctx.file, unit_codes_2025=ds.units_2025["code"].tolist(),
                               extent=ds.config.extent, province=ds.config.province)
    for (k, project, lines), found in zip(items, checked):
        for x in found:
            element = _ELEMENT_OF.get(x.column or "", "transaction" if x.row else "iati-activity")
            out.problems.append(_at(ctx.file, "err.iati.field", k.identifier, element,
                                    what=per_language(x.sentence)))
        p, ls = clean_project(project), clean_lines(lines)
        pid = p["project_id"]
        out.activities.append({"identifier": k.identifier, "titles": k.titles, "commune": ctx.display[k.commune],
                               "by": k.by, "area": p["content_area"] if isinstance(p["content_area"], int) else None,
                               "committed": sum(int(ln["committed"]) for ln in ls),
                               "disbursed": sum(int(ln["disbursed"]) for ln in ls), "project_id": pid})
        out.records.append((p, ls))
        out.base_revisions[pid] = revisions.get(pid)
        {"new": out.new_ids, "changed": out.changed_ids, "unchanged": out.unchanged_ids}[
            record_change(existing, p, ls)].append(pid)
        occurrences: dict[str, int] = {}
        for rec in k.money:
            rec = dict(rec, project_id=pid)
            digest = content_id(rec, 0)
            n = occurrences.get(digest, 0)
            occurrences[digest] = n + 1
            rec["record_id"] = content_id(rec, n)
            cur = stored.get(rec["record_id"])
            out.money.append(rec)
            out.money_revisions[rec["record_id"]] = None if cur is None else int(cur["revision"])
            if cur is None:
                out.money_new += 1
            elif not same_record(cur, rec):
                out.money_changed += 1
        kept_ids = {r["record_id"] for r in out.money}
        for rid, cur in stored.items():
            if cur["project_id"] == pid and rid not in kept_ids and _imported_from(cur, k.identifier):
                out.money_gone[rid] = int(cur["revision"])


def _imported_from(record: dict, identifier: str) -> bool:
    """Whether a stored record was made by an IATI import of activity ``identifier`` (its note says so)."""
    note, head = str(record.get("note") or ""), f"IATI {identifier}"
    return record.get("origin") == "import" and (note == head or note.startswith((head + " ", head + ";")))
