"""Beneficiaries and result indicators in words (issue 16 item 3): the one place the detail panel, the project
page, the periodic report and the pitch pack get their lines and tables from.

Figures come from :mod:`geo.analysis.results`; words from the catalogue; numbers from :mod:`geo.text.fmt`.
Nothing recorded reads "not recorded" (``results.not_recorded``), never 0.
"""

from __future__ import annotations

import math

import pandas as pd

from geo.analysis import results as arith
from geo.ingest.results import is_recorded
from geo.model import schema
from geo.model.dataset import Dataset
from geo.text import fmt
from geo.text.i18n import t


def _blank(v: object) -> bool:
    return v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)) or v == ""


def description(project: dict | pd.Series, lang: str) -> str:
    """The description in ``lang`` (``description`` is Vietnamese, ``description_en`` English), else the other
    one (better than nothing: a reader sees it is in the other language), else ""."""
    vi, en = (str(project.get(c) or "").strip() for c in ("description", "description_en"))
    vi, en = ("" if vi == "nan" else vi), ("" if en == "nan" else en)
    return (en or vi) if lang == "en" else (vi or en)


def beneficiaries_of(ds: Dataset, project_id: str) -> dict | None:
    """The project's beneficiaries record, or None."""
    rows = ds.beneficiaries[ds.beneficiaries["project_id"] == project_id]
    return None if rows.empty else dict(rows.iloc[0])


def indicators_of(ds: Dataset, project_id: str) -> pd.DataFrame:
    return ds.results[ds.results["project_id"] == project_id]


def beneficiary_lines(rec: dict | None, lang: str) -> list[str]:
    """What is recorded about who benefits, one line per fact; [] when nothing is."""
    if not is_recorded(rec):
        return []
    assert rec is not None
    counts = [fmt.count(rec[c], schema.RESULT_UNITS[c](lang), lang) for c in ("people", "households")
              if not _blank(rec.get(c))]
    out = [" · ".join(counts)] if counts else []
    if not _blank(rec.get("ethnic_groups")):
        out.append(t("results.ethnic", lang, groups=rec["ethnic_groups"]))
    if not _blank(rec.get("women_percent")):
        out.append(t("results.women", lang, share=fmt.percent(float(rec["women_percent"]) / 100, lang)))
    return out


def indicator_name(row: dict | pd.Series, lang: str) -> str:
    return str((row.get("name_en") if lang == "en" else "") or row.get("name_vi") or "")


def indicator_line(row: dict | pd.Series, lang: str, up_to: int | None = None) -> str:
    """``Hộ có nước sạch: cơ sở 40 hộ (2021), mục tiêu 200 hộ (2025); thực hiện 150 hộ (2024), đạt 68,8%``."""
    unit = str(row["unit"])

    def value(v: object, year: object = None) -> str:
        text = fmt.result_value(None if _blank(v) else float(v), unit, lang)  # type: ignore[arg-type]
        return text + (f" ({int(year)})" if not _blank(year) else "")  # type: ignore[call-overload]

    year, actual = arith.latest(row["actuals"], up_to)
    share = arith.share_achieved(row.get("baseline"), row.get("target"), actual)
    done = (t("results.no_actual", lang) if actual is None else
            t("results.actual", lang, actual=value(actual, year),
              share=fmt.percent(share, lang) if share is not None else fmt.MISSING))
    return t("results.indicator_line", lang, name=indicator_name(row, lang),
             baseline=value(row.get("baseline"), row.get("baseline_year")),
             target=value(row.get("target"), row.get("target_year")), done=done)


def result_lines(ds: Dataset, project_id: str, lang: str) -> list[str]:
    """One line per result indicator of the project; [] when none is recorded."""
    return [indicator_line(r, lang) for _, r in indicators_of(ds, project_id).iterrows()]


def short_line(ds: Dataset, project_id: str, lang: str) -> str:
    """The detail panel's line: beneficiaries in brief and how many indicators, or "not recorded"."""
    parts = beneficiary_lines(beneficiaries_of(ds, project_id), lang)[:1]
    n = len(indicators_of(ds, project_id))
    if n:
        parts.append(t("results.n_indicators", lang, n=fmt.number(n, lang)))
    return " · ".join(parts) if parts else t("results.not_recorded", lang)


def results_table(ds: Dataset, project_ids: list[str] | None, lang: str, years: tuple[int, int] | None = None,
                  ) -> pd.DataFrame:
    """One row per indicator of ``project_ids`` (all when None): project, indicator, unit, baseline, target,
    actual per year of ``years`` (inclusive; every reported year when None), latest and share achieved, as text
    in ``lang``. Column names are the catalogue's headers."""
    ind = ds.results if project_ids is None else ds.results[ds.results["project_id"].isin(project_ids)]
    up_to = years[1] if years else None
    within = range(years[0], years[1] + 1) if years else None
    year_cols = arith.years_reported(ind, within)
    prog = arith.progress(ind, up_to) if len(ind) else ind
    names = dict(zip(ds.projects["project_id"], ds.projects["name_en" if lang == "en" else "name_vi"]))
    rows = []
    for _, r in prog.iterrows():
        unit = str(r["unit"])

        def v(x: object, unit: str = unit) -> str:
            return fmt.result_value(None if _blank(x) else float(x), unit, lang, unit=False)  # type: ignore[arg-type]

        def y(x: object) -> str:
            return "" if _blank(x) else str(int(x))  # type: ignore[call-overload]

        row = {
            t("results.col.project", lang): f"{r['project_id']} — {names.get(r['project_id']) or ''}".rstrip(" —"),
            t("results.col.indicator", lang): indicator_name(r, lang),
            t("results.col.unit", lang): schema.RESULT_UNITS[unit](lang) if unit in schema.RESULT_UNITS else unit,
            t("results.col.baseline", lang): v(r["baseline"]), t("results.col.baseline_year", lang): y(r["baseline_year"]),
            t("results.col.target", lang): v(r["target"]), t("results.col.target_year", lang): y(r["target_year"]),
        }
        for year in year_cols:
            row[t("results.col.actual_year", lang, year=year)] = v(arith.actual_in(r["actuals"], year))
        row[t("results.col.share", lang)] = "" if _blank(r["share"]) else fmt.percent(float(r["share"]), lang)
        rows.append(row)
    cols = [t(f"results.col.{c}", lang) for c in ("project", "indicator", "unit", "baseline", "baseline_year",
                                                  "target", "target_year")]
    cols += [t("results.col.actual_year", lang, year=y) for y in year_cols] + [t("results.col.share", lang)]
    return pd.DataFrame(rows, columns=cols)


def beneficiaries_table(ds: Dataset, project_ids: list[str] | None, lang: str) -> pd.DataFrame:
    """One row per project of ``project_ids`` (all when None) that records beneficiaries, as text."""
    ben = ds.beneficiaries if project_ids is None else ds.beneficiaries[
        ds.beneficiaries["project_id"].isin(project_ids)]
    rows = []
    for _, r in ben.iterrows():
        rec = dict(r)
        if not is_recorded(rec):
            continue
        rows.append({
            t("results.col.project", lang): r["project_id"],
            t("results.field.people", lang): "" if _blank(r["people"]) else fmt.number(r["people"], lang),
            t("results.field.households", lang): "" if _blank(r["households"]) else fmt.number(r["households"], lang),
            t("results.field.ethnic_groups", lang): r["ethnic_groups"] or "",
            t("results.field.women_percent", lang): "" if _blank(r["women_percent"]) else fmt.percent(
                float(r["women_percent"]) / 100, lang),
        })
    cols = [t("results.col.project", lang), *(t(f"results.field.{c}", lang) for c in (
        "people", "households", "ethnic_groups", "women_percent"))]
    return pd.DataFrame(rows, columns=cols)
