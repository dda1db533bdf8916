"""Money over time (issue 16): the tables, chart data and workbook of the period report from dated money records.

The figures are :mod:`geo.analysis.money`'s; this module adds words (catalogue keys ``money.*``) and layout.
Records without a date are shown as their own "date unknown" period and in their own columns, never spread.
The workbook (:func:`build_period_workbook`, ``python -m geo report-period``) holds a summary by funding source,
commune, content area and project, the flows per year and per quarter with a native Excel chart of
commitments vs disbursements, and a provenance sheet naming the layers, the period and how undated money is
counted.

>>> import io, openpyxl
>>> from datetime import date
>>> from geo.storage.store import BundledStore
>>> ds = BundledStore().load()
>>> recs = pd.DataFrame([{"project_id": "TD-001", "kind": "disbursement", "source": "oda_grant", "amount": 5,
...                       "date": "", "year": None}])
>>> wb = openpyxl.load_workbook(io.BytesIO(build_period_workbook(ds, recs, date(2023, 1, 1), date(2024, 12, 31), "en")))
>>> wb.sheetnames
['Summary', 'Per year', 'Per quarter', 'Data provenance']
"""

from __future__ import annotations

import io
from datetime import date

import pandas as pd
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Font

from geo.analysis import funding
from geo.analysis import money as analysis
from geo.analysis.money import UNDATED, Freq
from geo.model import schema
from geo.model.dataset import Dataset
from geo.model.filters import Filters
from geo.output.exports.exporting import neutralise
from geo.output.reports import report
from geo.output.reports.report import Column
from geo.text import fmt
from geo.text.i18n import t

#: Layers the figures derive from (money records are the funding layer's detail).
LAYERS: tuple[str, ...] = report.REPORT_LAYERS
GROUPINGS: tuple[str, ...] = ("source", "commune_code", "content_area", "project_id")
#: Columns of a period summary table, after its label column.
SUMMARY_COLUMNS: tuple[Column, ...] = (
    Column("committed_in", "money.col.committed_in", "money"),
    Column("disbursed_in", "money.col.disbursed_in", "money"),
    Column("committed_to_end", "money.col.committed_to_end", "money"),
    Column("disbursed_to_end", "money.col.disbursed_to_end", "money"),
    Column("committed_undated", "money.col.committed_undated", "money"),
    Column("disbursed_undated", "money.col.disbursed_undated", "money"),
    Column("undated_share_disbursed", "money.col.undated_share_disbursed", "pct"),
    Column("expended_in", "money.col.expended_in", "money"),
    Column("budget_in", "money.col.budget_in", "money"),
)
SUMMED = tuple(c.key for c in SUMMARY_COLUMNS if c.kind == "money")


def period_label(key: str, lang: str) -> str:
    """``"2024"``, ``"Quý 2/2024"`` / ``"Q2 2024"``, or "date unknown" for :data:`UNDATED`."""
    if key == UNDATED:
        return t("money.undated", lang)
    if "-Q" in key:
        year, q = key.split("-Q")
        return t("money.quarter_label", lang, q=q, year=year)
    return key


def selected(ds: Dataset, records: pd.DataFrame, filters: Filters = Filters()) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The projects the filters keep (cancelled ones left out unless asked) and their records of the kept sources."""
    projects, _lines = funding.apply_filters(ds.projects, ds.funding, filters, ds.risk_zones)
    recs = records[records["project_id"].isin(projects["project_id"])]
    if filters.sources:
        recs = recs[recs["source"].isin(filters.sources)]
    return projects, recs


def flows_table(records: pd.DataFrame, projects: pd.DataFrame, freq: Freq, lang: str) -> pd.DataFrame:
    """One row per period (undated last): ``period`` (its label), ``key`` and the amount per kind."""
    table = analysis.flows(records, projects, freq=freq)
    out = table.reset_index().rename(columns={"period": "key"})
    out.insert(0, "period", [period_label(k, lang) for k in out["key"]])
    return out


def chart_frame(flows: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Long form for the page's grouped bars: period, measure (yearly budget when there is one, committed,
    disbursed) and value, with the amount as text; the undated bar is labelled "date unknown" like its period.
    Budget against disbursement per year is the plan-vs-actual view."""
    rows = []
    kinds = (["budget"] if "budget" in flows.columns and flows["budget"].sum() > 0 else []) + ["commitment",
                                                                                            "disbursement"]
    for rec in flows.to_dict("records"):
        for kind in kinds:
            rows.append({"period": rec["period"], "measure": t(f"money.col.{kind}", lang), "value": int(rec[kind]),
                         "amount": fmt.vnd(rec[kind], lang), "undated": rec["key"] == UNDATED})
    return pd.DataFrame(rows, columns=["period", "measure", "value", "amount", "undated"])


def disbursed_by(ds: Dataset, records: pd.DataFrame, projects: pd.DataFrame, by: str, freq: Freq,
                 lang: str) -> pd.DataFrame:
    """Disbursements per period (rows, labelled; undated last) and ``by`` group (columns, labelled): the data
    of the "disbursement over time by source / content area / commune" charts."""
    table = analysis.flows(records[records["kind"] == "disbursement"], projects, by=by, freq=freq)
    if table.empty:
        return pd.DataFrame(index=pd.Index([], name="period"))
    wide = table["disbursement"].unstack(0, fill_value=0)
    wide = wide.loc[[k for k in analysis._order(list(wide.index))]]
    wide.columns = _labels(ds, by, wide.columns, lang)
    wide.index = pd.Index([period_label(k, lang) for k in wide.index], name="period")
    return wide.astype("int64")


def _labels(ds: Dataset, by: str, keys: pd.Index, lang: str) -> list[str]:
    if by == "source":
        return [schema.SOURCE_BY_KEY[k](lang) if k in schema.SOURCE_BY_KEY else str(k) for k in keys]
    if by == "commune_code":
        names = dict(zip(ds.communes["code"], ds.communes["full_name"]))
        if "code" in ds.units_2025.columns and "name" in ds.units_2025.columns:
            names = {**dict(zip(ds.units_2025["code"], ds.units_2025["name"])), **names}
        return [f"{names.get(k, k)} ({k})" for k in keys]
    if by == "content_area":
        return [schema.content_area_label(int(k), lang) for k in keys]
    name = report.project_name(ds.projects, lang)
    names = dict(zip(ds.projects["project_id"], name))
    return [f"{k} — {names.get(k, '')}" for k in keys]


def summary_tables(ds: Dataset, records: pd.DataFrame, projects: pd.DataFrame, start: date, end: date,
                   lang: str) -> dict[str, pd.DataFrame]:
    """The period summary per grouping (:data:`GROUPINGS`) and ``"all"``; each has a ``label`` column."""
    out: dict[str, pd.DataFrame] = {}
    total = analysis.period_summary(records, start, end, projects)
    out["all"] = total.reset_index(drop=True).assign(label=t("report.total", lang))
    for by in GROUPINGS:
        frame = analysis.period_summary(records, start, end, projects, by=by)
        frame = frame.assign(label=_labels(ds, by, frame.index, lang)).reset_index(drop=True)
        out[by] = frame
    return out


def undated_sentence(total: pd.Series, lang: str) -> str:
    """How much of the money has no date, and that it is counted apart."""
    share = total["undated_share_disbursed"]
    cshare = total["undated_share_committed"]
    return t("money.undated_share", lang,
             disbursed=fmt.vnd(total["disbursed_undated"], lang), committed=fmt.vnd(total["committed_undated"], lang),
             share=fmt.percent(None if pd.isna(share) else float(share), lang),
             cshare=fmt.percent(None if pd.isna(cshare) else float(cshare), lang))


def unrecorded_sentence(ds: Dataset, records: pd.DataFrame, projects: pd.DataFrame, lang: str) -> str | None:
    """None when every funding line's committed and disbursed totals equal its money records; else how many
    lines differ and by how much (a total edited after the migration without its records)."""
    lines = ds.funding[ds.funding["project_id"].isin(projects["project_id"])]
    diff = analysis.unrecorded(records, lines)
    if diff.empty:
        return None
    return t("money.unrecorded", lang, n=fmt.number(len(diff), lang),
             committed=fmt.vnd(int(diff["committed_diff"].sum()), lang),
             disbursed=fmt.vnd(int(diff["disbursed_diff"].sum()), lang),
             pids=", ".join(sorted({str(p) for p, _ in diff.index})[:5]))


#: Columns of a project's records as the data page lists them.
RECORD_COLUMNS: tuple[str, ...] = ("kind", "source", "amount", "date", "currency", "origin", "note", "revision")


def when(rec: dict, lang: str) -> str:
    """A record's date the reader's way, a budget's year, or "date unknown"."""
    if rec.get("kind") == "budget":
        year = rec.get("year")
        return "" if year is None or pd.isna(year) else str(int(year))
    return fmt.date(rec["date"], lang) if str(rec.get("date") or "").strip() else t("money.undated", lang)


def record_label(rec: dict, lang: str) -> str:
    """One line naming a record in a picker: kind, source, amount, when."""
    kind = schema.MONEY_KIND_BY_KEY.get(rec["kind"])
    source = schema.SOURCE_BY_KEY.get(rec["source"])
    return " · ".join([kind(lang) if kind else rec["kind"], source(lang) if source else rec["source"],
                       fmt.vnd(rec["amount"], lang), when(rec, lang)])


def records_table(records: pd.DataFrame, lang: str) -> pd.DataFrame:
    """A project's money records as text under translated headers (amounts in VND; the original currency,
    amount and rate when not VND; "date unknown" for an undated transaction)."""
    rows = []
    for rec in records.to_dict("records"):
        kind, source = schema.MONEY_KIND_BY_KEY.get(rec["kind"]), schema.SOURCE_BY_KEY.get(rec["source"])
        origin = schema.MONEY_ORIGINS.get(rec["origin"])
        original = "" if rec["currency"] == schema.CURRENCY or pd.isna(rec["original_amount"]) else (
            f"{fmt.number(rec['original_amount'], lang, 2)} {rec['currency']} × {fmt.number(rec['rate'], lang, 2)}")
        rows.append([kind(lang) if kind else rec["kind"], source(lang) if source else rec["source"],
                     fmt.vnd(rec["amount"], lang), when(rec, lang), original, origin(lang) if origin else rec["origin"],
                     rec["note"], int(rec["revision"])])
    return pd.DataFrame(rows, columns=[t(f"money.field.{c}", lang) for c in RECORD_COLUMNS])


# --- workbook --------------------------------------------------------------------------------------------
def _table(ws, row: int, frame: pd.DataFrame, first: Column, lang: str, columns=SUMMARY_COLUMNS) -> int:
    layout = [first, *columns]
    data = frame
    if len(frame) and all(c.key in frame.columns for c in columns):
        sums = {c.key: int(frame[c.key].sum()) for c in columns if c.key in SUMMED or c.kind == "money"}
        known = sums.get("disbursed_to_end", 0) + sums.get("disbursed_undated", 0)
        if "undated_share_disbursed" in frame.columns:
            sums["undated_share_disbursed"] = sums["disbursed_undated"] / known if known else None  # type: ignore[assignment]
        data = pd.concat([frame, pd.DataFrame([{first.key: t("report.total", lang), **sums}])], ignore_index=True)
    return report.write_table(ws, row, data, layout, lang)


def add_period_sheet(wb: Workbook, ds: Dataset, records: pd.DataFrame, start: date, end: date, lang: str,
                     index: int | None = None, units_note: bool = False) -> None:
    """The periodic report's "money in the period" sheet (issue 16): what was committed and disbursed in
    ``[start, end]`` and up to its end by funding source, content area and commune, the undated amounts apart
    (with their share), from the dated money records of the report's projects (cancelled ones left out).
    ``units_note``: say under the banner that communes are the ones each project was entered in."""
    projects, recs = selected(ds, records)
    tables = summary_tables(ds, recs, projects, start, end, lang)
    ws = wb.create_sheet(t("money.sheet.period", lang)[:31], index)
    row = report._banner(ws, ds, lang, LAYERS, len(SUMMARY_COLUMNS) + 1)
    if units_note:  # the report's other sheets state their units here; money is by the units each project was entered in
        ws.cell(row=row, column=1, value=t("money.units_as_entered", lang)).font = Font(bold=True)
        row += 1
    title = t("money.title", lang, start=fmt.date(start, lang), end=fmt.date(end, lang))
    ws.cell(row=row, column=1, value=neutralise(title)).font = Font(bold=True, size=13)
    ws.cell(row=row + 1, column=1, value=neutralise(undated_sentence(tables["all"].iloc[0], lang))).font = Font(italic=True)
    ws.cell(row=row + 2, column=1, value=t("money.method", lang)).font = Font(italic=True)
    row += 3
    if gap := unrecorded_sentence(ds, recs, projects, lang):
        ws.cell(row=row, column=1, value=neutralise(gap)).font = Font(bold=True, color="8A4B00")
        row += 1
    row += 1
    for by in ("source", "content_area", "commune_code"):
        ws.cell(row=row, column=1, value=t(f"money.by.{by}", lang)).font = Font(bold=True)
        row = _table(ws, row + 1, tables[by], Column("label", f"money.by.{by}"), lang) + 1
    report._widths(ws, [48, *[16] * len(SUMMARY_COLUMNS)])


def build_period_workbook(ds: Dataset, records: pd.DataFrame, start: date, end: date, lang: str = "vi",
                          filters: Filters = Filters(), today: date | None = None) -> bytes:
    """The period report workbook for ``[start, end]`` as ``.xlsx`` bytes, headers in ``lang``."""
    if start > end:
        raise ValueError(f"period start {start} is after its end {end}")
    projects, recs = selected(ds, records, filters)
    title = t("money.title", lang, start=fmt.date(start, lang), end=fmt.date(end, lang))
    tables = summary_tables(ds, recs, projects, start, end, lang)
    wb = Workbook()
    wb.remove(wb.active)

    ws = wb.create_sheet(t("money.sheet.summary", lang)[:31])
    row = report._banner(ws, ds, lang, LAYERS, len(SUMMARY_COLUMNS) + 1)
    ws.cell(row=row, column=1, value=neutralise(title)).font = Font(bold=True, size=13)
    ws.cell(row=row + 1, column=1, value=neutralise(undated_sentence(tables["all"].iloc[0], lang))).font = Font(italic=True)
    row += 2
    if gap := unrecorded_sentence(ds, recs, projects, lang):
        ws.cell(row=row, column=1, value=neutralise(gap)).font = Font(bold=True, color="8A4B00")
        row += 1
    row += 1
    for by in GROUPINGS:
        ws.cell(row=row, column=1, value=t(f"money.by.{by}", lang)).font = Font(bold=True)
        row = _table(ws, row + 1, tables[by], Column("label", f"money.by.{by}"), lang) + 1
    report._widths(ws, [48, *[16] * len(SUMMARY_COLUMNS)])

    for freq in ("year", "quarter"):
        flows = flows_table(recs, projects, freq, lang)
        kinds = [k for k in analysis.KINDS if k in flows.columns]
        cols = tuple(Column(k, f"money.col.{k}", "money") for k in kinds)
        ws = wb.create_sheet(t(f"money.sheet.{freq}", lang)[:31])
        row = report._banner(ws, ds, lang, LAYERS, len(cols) + 1)
        ws.cell(row=row, column=1, value=neutralise(title)).font = Font(bold=True, size=13)
        ws.cell(row=row + 1, column=1, value=t("money.flows_note", lang)).font = Font(italic=True)
        header = row + 3
        end_row = report.write_table(ws, header, flows, [Column("period", "money.period"), *cols], lang)
        report._widths(ws, [22, *[18] * len(cols)])
        if len(flows):
            chart = BarChart()
            chart.type, chart.grouping = "col", "clustered"
            chart.title = t("money.chart", lang, freq=t(f"money.freq.{freq}", lang))
            chart.y_axis.title = schema.UNITS["vnd"](lang)
            for kind in ("commitment", "disbursement"):
                j = 2 + kinds.index(kind)
                chart.add_data(Reference(ws, min_col=j, min_row=header, max_row=end_row - 1), titles_from_data=True)
            chart.set_categories(Reference(ws, min_col=1, min_row=header + 1, max_row=end_row - 1))
            chart.height, chart.width = 9, 18
            ws.add_chart(chart, f"{chr(ord('A') + len(cols) + 2)}{header}")
        if freq == "year":
            row = end_row + 2
            for by in ("source", "content_area", "commune_code"):
                wide = disbursed_by(ds, recs, projects, by, "year", lang)
                if wide.empty:
                    continue
                ws.cell(row=row, column=1, value=t("money.chart_by", lang, by=t(f"money.by.{by}", lang))).font = Font(bold=True)
                frame = wide.reset_index()
                group_cols = [Column(str(c), "", "money", label=str(c)) for c in wide.columns]
                top = row + 1
                row = report.write_table(ws, top, frame, [Column("period", "money.period"), *group_cols], lang)
                stacked = BarChart()
                stacked.type, stacked.grouping, stacked.overlap = "col", "stacked", 100
                stacked.title = t("money.chart_by", lang, by=t(f"money.by.{by}", lang))
                stacked.add_data(Reference(ws, min_col=2, max_col=1 + len(group_cols), min_row=top, max_row=row - 1),
                                 titles_from_data=True)
                stacked.set_categories(Reference(ws, min_col=1, min_row=top + 1, max_row=row - 1))
                stacked.height, stacked.width = 9, 18
                ws.add_chart(stacked, f"{chr(ord('A') + len(cols) + 2)}{top}")
                row = max(row, top + 20) + 1

    ws = wb.create_sheet(t("report.sheet.provenance", lang)[:31])
    row = report._banner(ws, ds, lang, LAYERS, 6)
    ws.cell(row=row, column=1, value=neutralise(title)).font = Font(bold=True, size=13)
    n_undated = int((recs["date"].fillna("").astype(str).str.strip() == "").sum() - (recs["kind"] == "budget").sum())
    facts = [
        (t("report.period", lang), f"{fmt.date(start, lang)} – {fmt.date(end, lang)}"),
        (t("report.generated", lang), fmt.date(today or date.today(), lang)),
        (t("money.records", lang), t("money.records_line", lang, n=fmt.number(len(recs), lang),
                                     u=fmt.number(max(n_undated, 0), lang))),
        (t("common.method", lang), t("money.method", lang)),
    ]
    report.provenance_block(ws, row + 2, facts, [ds.provenance[layer] for layer in LAYERS], lang)
    report._widths(ws, [30, 60, 50, 28, 14, 50])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
