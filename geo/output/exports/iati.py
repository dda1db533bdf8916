"""The IATI 2.03 activity file: one ``iati-activities`` document, one ``iati-activity`` per project.

Shape (the IATI import reads files of exactly this shape; codes are the IATI codelists'):

- ``iati-identifier`` = ``{reporting_org_ref}-{project_id}``; ``reporting-org`` with ``@ref`` from
  ``[iati] reporting_org_ref`` in ``atlas.toml`` (else :data:`~geo.model.config.IATI_PLACEHOLDER_REF`, said by
  :attr:`IatiFile.placeholder`), type 11 (local government: the district People's Committee), narratives vi, en.
- ``title`` and ``description`` (type 1): vi, and en only where the project has an English one (never invented).
- ``participating-org``: role 1 (funding) for the donor named on a project with an international funding line,
  role 4 (implementing) the commune People's Committee, role 2 (accountable) the district People's Committee.
  OrganisationRole codes: 1 funding, 2 accountable, 3 extending, 4 implementing.
- ``activity-status`` from :data:`geo.model.schema.IATI_ACTIVITY_STATUS`; ``activity-date`` type 1 (planned
  start, ``YYYY-01-01``) and type 3 (planned end, ``YYYY-12-31``) from the project's years: year granularity,
  a day is not known.
- ``recipient-country`` VN 100 %; ``location`` ``@ref="GSO-{commune_code}"`` with the unit's name and, only when
  the project has coordinates, a ``point`` (EPSG:4326, ``pos`` = "lat lon"). No ``administrative`` element: the
  GeographicVocabulary codelist (A1–A4, G1, G2) has no code for Vietnam's GSO unit codes and no "other country
  system" code, and writing the GSO code under another vocabulary would be false; the code is in ``@ref``.
- ``sector``: vocabulary 1 (DAC 5-digit) from the project's ``dac_sectors`` or the content area's default
  (:data:`geo.model.schema.DAC_SECTORS`), percentages summing to 100; and the plan's content area as vocabulary 99
  (reporting organisation) with its name, 100 %, and no ``@vocabulary-uri`` (the plan has no public code list).
- ``budget`` (type 1 original, status 1 indicative) per project and year of the dated yearly budgets, summed over
  funding sources: period ``YYYY-01-01``–``YYYY-12-31``; ``transaction`` per dated commitment (2), disbursement (3)
  and expenditure (4), ``@ref`` = the record id, its date as transaction and value date, the VND amount in
  currency VND (a record kept in another currency is written as the VND amount its rate gave), the funding
  source as description. Money without a date (or a budget without a year) is not exported: counted in
  :attr:`IatiFile.undated`. The need (a plan figure) is no transaction.

The file is checked against the official 2.03 XSD and the validator's error rules
(:func:`geo.ingest.iati_check.check_iati`) before it is returned; a failing file raises
:class:`~geo.ingest.validate.DataError` and nothing is written.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, date, datetime

import pandas as pd
from lxml import etree

from geo.analysis.units import unit_table
from geo.ingest.iati_check import check_iati
from geo.ingest.validate import DataError, Problem
from geo.model import schema
from geo.model.config import IATI_PLACEHOLDER_REF
from geo.model.dataset import Dataset
from geo.model.types import Lang
from geo.text import fmt
from geo.text.i18n import t

FILE = "iati-activities.xml"
VERSION = "2.03"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
EPSG_4326 = "http://www.opengis.net/def/crs/EPSG/0/4326"
#: IATI TransactionType of each kind of dated money record.
TRANSACTION_TYPE: dict[str, str] = {"commitment": "2", "disbursement": "3", "expenditure": "4"}
#: IATI OrganisationType 11: local government (commune and district People's Committees).
LOCAL_GOVERNMENT = "11"
LANGS: tuple[Lang, ...] = ("vi", "en")


@dataclass(frozen=True)
class IatiFile:
    """A checked IATI file and what the reader must be told about it."""

    xml: bytes
    activities: int
    #: Money records not exported because their date (a budget: its year) is not known.
    undated: int
    #: True when the reporting-org ref is the placeholder: the file must not be published as it is.
    placeholder: bool
    ref: str

    def notes(self, lang: Lang) -> list[str]:
        """The sentences to show beside the file: placeholder warning, undated amounts left out."""
        out = [t("iati.placeholder", lang, ref=self.ref)] if self.placeholder else []
        if self.undated:
            out.append(t("iati.undated_one", lang) if self.undated == 1
                       else t("iati.undated", lang, n=fmt.number(self.undated, lang)))
        return out


def _sub(parent: etree._Element, tag: str, text: str | None = None, **attrs: str) -> etree._Element:
    el = etree.SubElement(parent, tag, {k.replace("_", "-"): v for k, v in attrs.items()})
    if text is not None:
        el.text = text
    return el


def _narratives(parent: etree._Element, texts: dict[Lang, str]) -> None:
    for lang in LANGS:
        text = (texts.get(lang) or "").strip()
        if text:
            _sub(parent, "narrative", text).set(XML_LANG, lang)


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or pd.isna(value) or str(value).strip() == ""


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _org(parent: etree._Element, tag: str, names: dict[Lang, str], **attrs: str) -> None:
    _narratives(_sub(parent, tag, **attrs), names)


def _people_committee(unit_vi: str, unit_en: str) -> dict[Lang, str]:
    return {"vi": t("iati.people_committee", "vi", unit=unit_vi), "en": t("iati.people_committee", "en", unit=unit_en)}


def _units(ds: Dataset) -> dict[str, dict[str, tuple[str, str, str]]]:
    """Per unit version and code: full name, name and the unit type's key (``xa``, ``thi_tran``, ``phuong``)."""
    types = dict(zip(ds.communes["code"], ds.communes["unit_type"]))
    new_types = dict(zip(ds.units_2025["code"], ds.units_2025["unit_type"])) if "unit_type" in ds.units_2025 else {}
    out = {}
    for version in schema.UNIT_VERSIONS:
        table = unit_table(ds, version)
        kinds = types if version == "2021" else new_types
        out[version] = {code: (str(r["full_name"]), str(r["name"]), str(kinds.get(code, "xa")))
                        for code, r in table.iterrows()}
    return out


def _dated_money(money: pd.DataFrame | None, projects: set[str]) -> tuple[pd.DataFrame, pd.DataFrame, int]:
    """Budgets summed per project and year, dated transactions, and how many records have no date."""
    if money is None or money.empty:
        empty = pd.DataFrame(columns=list(schema.MONEY_RECORD_COLUMNS))
        return empty, empty, 0
    m = money[money["project_id"].isin(projects)]
    budget = m[m["kind"] == "budget"]
    tx = m[m["kind"].isin(schema.TRANSACTION_KINDS)]
    budget_known = budget[~budget["year"].isna()]
    tx_known = tx[[not _blank(d) for d in tx["date"]]]
    undated = (len(budget) - len(budget_known)) + (len(tx) - len(tx_known))
    yearly = (budget_known.assign(year=budget_known["year"].astype(int))
              .groupby(["project_id", "year"], as_index=False)["amount"].sum())
    return yearly, tx_known.sort_values(["project_id", "date", "record_id"], kind="stable"), undated


def _sectors(project: dict, file: str, problems: list[Problem]) -> tuple[tuple[str, int], ...]:
    own = schema.dac_sectors_of(str(project.get("dac_sectors") or ""))
    if own is None:  # validated on import and edit; a store written otherwise is refused, not guessed
        problems.append(Problem.of(file, "err.bad_dac_sectors", None, "dac_sectors",
                                   value=str(project.get("dac_sectors"))))
        return ()
    return own or schema.DAC_SECTORS[int(project["content_area"])]


def _activity(root: etree._Element, p: dict, ref: str, now: str, district: dict[Lang, str],
              unit: tuple[str, str, str] | None, budgets: pd.DataFrame, txs: pd.DataFrame,
              international: bool, problems: list[Problem]) -> None:
    act = _sub(root, "iati-activity", last_updated_datetime=now, default_currency=schema.CURRENCY)
    act.set(XML_LANG, "vi")
    pid = str(p["project_id"])
    _sub(act, "iati-identifier", f"{ref}-{pid}")
    _org(act, "reporting-org", district, ref=ref, type=LOCAL_GOVERNMENT)
    _narratives(_sub(act, "title"), {"vi": str(p["name_vi"]), "en": str(p.get("name_en") or "")})
    described: dict[Lang, str] = {"vi": str(p.get("description") or ""), "en": str(p.get("description_en") or "")}
    if any(v.strip() for v in described.values()):
        _narratives(_sub(act, "description", type="1"), described)
    else:  # IATI requires one; none is made up from the title
        problems.append(Problem.of(FILE, "err.iati_no_description", activity=f"{ref}-{pid}", element="description"))
    donor = str(p.get("donor") or "").strip()
    if international and donor:
        for name in (n.strip() for n in donor.split(";")):
            if name:  # a name as written: no language of its own, the activity's default applies
                _sub(_sub(act, "participating-org", role="1"), "narrative", name)
    if unit is not None:
        full, name, kind = unit
        label = schema.UNIT_TYPES.get(kind, schema.UNIT_TYPES["xa"])
        _org(act, "participating-org", _people_committee(f"{label.vi.lower()} {name}", f"{name} {label.en.lower()}"),
             role="4", type=LOCAL_GOVERNMENT)
    _org(act, "participating-org", district, role="2", type=LOCAL_GOVERNMENT)
    _sub(act, "activity-status", code=str(schema.IATI_ACTIVITY_STATUS[str(p["status"])]))
    if not _blank(p.get("start_year")):
        _sub(act, "activity-date", type="1", iso_date=f"{int(p['start_year']):04d}-01-01")
    if not _blank(p.get("end_year")):
        _sub(act, "activity-date", type="3", iso_date=f"{int(p['end_year']):04d}-12-31")
    _sub(act, "recipient-country", code="VN", percentage="100")
    loc = _sub(act, "location", ref=f"GSO-{p['commune_code']}")
    if unit is not None:
        _narratives(_sub(loc, "name"), {"vi": unit[0]})
    if not _blank(p.get("lon")) and not _blank(p.get("lat")):
        _sub(_sub(loc, "point", srsName=EPSG_4326), "pos", f"{float(p['lat']):.6f} {float(p['lon']):.6f}")
    for code, pct in _sectors(p, FILE, problems):
        _sub(act, "sector", vocabulary="1", code=code, percentage=str(pct))
    area = int(p["content_area"])
    _narratives(_sub(act, "sector", vocabulary="99", code=str(area), percentage="100"),
                {lang: schema.content_area_label(area, lang) for lang in LANGS})
    for b in budgets.to_dict("records"):
        el = _sub(act, "budget", type="1", status="1")
        _sub(el, "period-start", iso_date=f"{b['year']:04d}-01-01")
        _sub(el, "period-end", iso_date=f"{b['year']:04d}-12-31")
        _sub(el, "value", str(int(b["amount"])), currency=schema.CURRENCY, value_date=f"{b['year']:04d}-01-01")
    for r in txs.to_dict("records"):
        day = str(r["date"])[:10]
        el = _sub(act, "transaction", ref=str(r["record_id"]))
        _sub(el, "transaction-type", code=TRANSACTION_TYPE[str(r["kind"])])
        _sub(el, "transaction-date", iso_date=day)
        _sub(el, "value", str(int(r["amount"])), currency=schema.CURRENCY, value_date=day)
        source = schema.SOURCE_BY_KEY.get(str(r["source"]))
        if source is not None:
            _narratives(_sub(el, "description"), {lang: source(lang) for lang in LANGS})


def build_iati(ds: Dataset, money: pd.DataFrame | None, now: datetime | None = None,
               today: date | None = None) -> IatiFile:
    """The IATI 2.03 file of every project of ``ds`` with its dated ``money`` records, checked.

    Parameters
    ----------
    ds
        The dataset (projects, funding lines, units, config).
    money
        The store's money records (:data:`geo.model.schema.MONEY_RECORD_COLUMNS`), or None for none.
    now
        The ``generated-datetime`` (default: now, UTC).
    today
        The day no transaction may come after (default: ``now``'s day).

    Returns
    -------
    IatiFile
        The XML bytes, the number of activities, undated records left out, and whether the ref is the placeholder.

    Raises
    ------
    DataError
        The file fails the XSD or a validator rule; each problem names the activity and the element.
    """
    now = (now or datetime.now(UTC)).replace(microsecond=0)
    stamp = now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    cfg = ds.config
    ref = cfg.iati_reporting_org_ref or IATI_PLACEHOLDER_REF
    district = _people_committee(_lower_first(cfg.name.vi), cfg.name.en)
    projects = ds.projects.sort_values("project_id", kind="stable")
    budgets, txs, undated = _dated_money(money, set(projects["project_id"]))
    intl = {s.key for s in schema.FUNDING_SOURCES if s.group == "international"}
    funded = set(ds.funding.loc[ds.funding["source"].isin(intl), "project_id"])
    units = _units(ds)
    root = etree.Element("iati-activities", {"version": VERSION, "generated-datetime": stamp})
    problems: list[Problem] = []
    for p in projects.to_dict("records"):
        pid = p["project_id"]
        version = str(p.get("unit_version") or schema.DEFAULT_UNIT_VERSION)
        _activity(root, p, ref, stamp, district, units.get(version, {}).get(str(p["commune_code"])),
                  budgets[budgets["project_id"] == pid], txs[txs["project_id"] == pid], pid in funded, problems)
    xml = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    if not problems:  # what the builder already named would only come back as a vaguer schema error
        problems = check_iati(xml, FILE, today or now.date())
    if problems:
        raise DataError(problems)
    return IatiFile(xml, len(projects), undated, not cfg.iati_reporting_org_ref, ref)
