"""Dated money and interchange tables for the exports (issue 16): money records, OCHA 3W, funding flows.

- :func:`transactions_table` / :func:`budgets_table`: the store's money records (commitments, disbursements,
  expenditures; yearly budgets) with each record's provenance (``origin``: entered, imported, or kept from a
  former total) and, for a transaction without a date, the flag "date unknown". Their columns are those the
  money import reads (:mod:`geo.ingest.money_import`), so an exported sheet can be edited and imported back.
- :func:`three_w`: the OCHA 3W table (who does what where): one row per project, funder × implementer × sector
  × commune × status, with :data:`THREE_W_HXL` hashtags of the HXL dictionary (https://hxlstandard.org).
- :func:`funding_flows`: an FTS-shaped table, one row per transaction: VND, the original currency and amount,
  the record's rate, and USD **only** where a rate gives it (a record kept in USD, or the district's reference
  rate of ``atlas.toml`` ``[money]``, named with its source and date in ``usd_basis``). Never an invented rate.

Headers: :func:`headers` gives "Tiếng Việt / English" for each column (the catalogue's ``xport.col.*``).

Examples
--------
>>> THREE_W_HXL["donor"], THREE_W_HXL["lead_agency"], THREE_W_HXL["description"]
('#org+funder', '#org+impl', '#description')
"""

from __future__ import annotations

import pandas as pd

from geo.model import schema
from geo.model.config import AtlasConfig
from geo.model.dataset import Dataset
from geo.text import fmt, i18n

TRANSACTION_COLUMNS: tuple[str, ...] = ("record_id", "project_id", "kind", "source", "amount", "currency",
                                        "original_amount", "rate", "date", "date_unknown", "origin", "note")
BUDGET_COLUMNS: tuple[str, ...] = ("record_id", "project_id", "kind", "source", "year", "amount", "currency",
                                   "original_amount", "rate", "origin", "note")

#: OCHA 3W columns → HXL hashtags.
THREE_W_HXL: dict[str, str] = {
    "donor": "#org+funder", "lead_agency": "#org+impl", "content_area": "#sector", "content_area_code": "#sector+code",
    "commune_code": "#adm3+code", "commune_name": "#adm3+name", "status": "#status", "status_code": "#status+code",
    "project_id": "#activity+code", "name_vi": "#activity+name+i_vi", "name_en": "#activity+name+i_en",
    "description": "#description", "start_year": "#date+start", "end_year": "#date+end",
    "need": "#value+required+vnd", "committed": "#value+committed+vnd", "disbursed": "#value+disbursed+vnd",
    "quality": "#meta+quality",
}
#: Funding-flow columns → HXL hashtags.
FLOW_HXL: dict[str, str] = {
    "record_id": "#meta+id", "date": "#date", "date_unknown": "#meta+date_unknown", "kind": "#status+flow",
    "donor": "#org+funder", "source": "#org+funder+type", "lead_agency": "#org+impl", "project_id": "#activity+code",
    "name_en": "#activity+name+i_en", "content_area": "#sector", "commune_code": "#adm3+code",
    "amount": "#value+vnd", "currency": "#currency+original", "original_amount": "#value+original",
    "rate": "#value+rate+vnd", "usd": "#value+usd", "usd_basis": "#meta+usd_basis", "origin": "#meta+origin",
    "note": "#description",
}


def headers(columns: list[str] | tuple[str, ...]) -> list[str]:
    """The bilingual header of each column: "Tiếng Việt / English"."""
    return [f"{i18n.t(f'xport.col.{c}', 'vi')} / {i18n.t(f'xport.col.{c}', 'en')}" for c in columns]


def _records(records: pd.DataFrame | None) -> pd.DataFrame:
    cols = list(schema.MONEY_RECORD_COLUMNS)
    return pd.DataFrame(columns=cols) if records is None else records[cols].copy()


def _origin(key: object, lang: str) -> str:
    label = schema.MONEY_ORIGINS.get(str(key))
    return label(lang) if label else str(key)


def transactions_table(records: pd.DataFrame | None, lang: str = "vi") -> pd.DataFrame:
    """Commitments, disbursements and expenditures by project and record id; ``date_unknown`` reads "date
    unknown" (in ``lang``) where the date is empty, ``origin`` the record's provenance in words."""
    recs = _records(records)
    tx = recs[recs["kind"] != "budget"].sort_values(["project_id", "date", "record_id"], kind="stable")
    out = tx.assign(date_unknown=[i18n.t("map.date_unknown", lang) if not str(d).strip() else "" for d in tx["date"]],
                    origin=[_origin(o, lang) for o in tx["origin"]])
    out["amount"] = out["amount"].astype("int64")
    return out[list(TRANSACTION_COLUMNS)].reset_index(drop=True)


def budgets_table(records: pd.DataFrame | None, lang: str = "vi") -> pd.DataFrame:
    """Yearly budgets (plan figures) by project, year and record id, with their provenance."""
    recs = _records(records)
    b = recs[recs["kind"] == "budget"].sort_values(["project_id", "year", "record_id"], kind="stable")
    out = b.assign(origin=[_origin(o, lang) for o in b["origin"]])
    out["amount"] = out["amount"].astype("int64")
    out["year"] = out["year"].astype("Int64")
    return out[list(BUDGET_COLUMNS)].reset_index(drop=True)


def _named_projects(ds: Dataset, lang: str) -> pd.DataFrame:
    from geo.output.exports.export_data import project_table

    table = project_table(ds)
    first = table.drop_duplicates("project_id")
    totals = table.groupby("project_id")[list(schema.MONEY_COLUMNS)].sum(min_count=1)
    out = first.drop(columns=list(schema.MONEY_COLUMNS)).merge(totals, left_on="project_id", right_index=True)
    out["content_area_code"] = out["content_area"]
    out["content_area"] = [schema.content_area_label(int(c), lang) if pd.notna(c) else "" for c in out["content_area"]]
    out["status_code"] = out["status"]
    out["status"] = [schema.STATUS_BY_KEY[s](lang) if s in schema.STATUS_BY_KEY else str(s) for s in out["status"]]
    return out.reset_index(drop=True)


def three_w(ds: Dataset, lang: str = "en") -> pd.DataFrame:
    """One row per project: who funds it, who implements it, sector (content area), commune, status, years,
    totals in VND (need, committed, disbursed as the funding lines hold them). Columns: :data:`THREE_W_HXL`."""
    out = _named_projects(ds, lang)
    for col in schema.MONEY_COLUMNS:
        out[col] = out[col].astype("Int64")
    return out[list(THREE_W_HXL)]


def usd_of(row: dict, ds: Dataset) -> tuple[float | None, str]:
    """USD of one money record and how it was obtained, or ``(None, why not)``: the original amount when the
    record was kept in USD; else the VND amount at the configured reference rate; else none (no rate)."""
    cfg = ds.config
    if str(row.get("currency")) == "USD" and pd.notna(row.get("original_amount")):
        return float(row["original_amount"]), "original"
    if cfg.usd_rate:
        return round(int(row["amount"]) / cfg.usd_rate, 2), "reference"
    return None, "none"


def reference_rate_text(cfg: AtlasConfig, lang: str) -> str:
    """The configured reference rate in words, with its source and (when given) its date."""
    rate = fmt.number(cfg.usd_rate or 0, lang)
    if cfg.usd_rate_date:
        return i18n.t("xport.usd_reference", lang, rate=rate, source=cfg.usd_rate_source, date=cfg.usd_rate_date)
    return i18n.t("xport.usd_reference_undated", lang, rate=rate, source=cfg.usd_rate_source)


def funding_flows(ds: Dataset, records: pd.DataFrame | None, lang: str = "en") -> pd.DataFrame:
    """One row per transaction (budgets are plans, not flows): funder (the project's donor) and funder type (the
    funding source), implementer, project, sector, commune, kind, date (or "date unknown"), VND, original
    currency and amount, the record's rate (VND per unit), USD and its basis in words, provenance."""
    tx = transactions_table(records, lang)
    projects = _named_projects(ds, lang)[["project_id", "donor", "lead_agency", "name_en", "content_area",
                                          "commune_code"]]
    out = tx.merge(projects, on="project_id", how="left")
    cfg = ds.config
    usd, basis = [], []
    for row in out.to_dict("records"):
        value, how = usd_of(row, ds)
        usd.append(value)
        if how == "original":
            basis.append(i18n.t("xport.usd_original", lang))
        elif how == "reference":
            basis.append(reference_rate_text(cfg, lang))
        else:
            basis.append(i18n.t("xport.usd_none", lang))
    out["usd"] = pd.array(usd, dtype="Float64")
    out["usd_basis"] = basis
    out["kind"] = [schema.MONEY_KIND_BY_KEY[k](lang) if k in schema.MONEY_KIND_BY_KEY else k for k in out["kind"]]
    out["source"] = [schema.SOURCE_BY_KEY[s](lang) if s in schema.SOURCE_BY_KEY else s for s in out["source"]]
    return out[list(FLOW_HXL)]


def hxl_csv(table: pd.DataFrame, tags: dict[str, str], preamble: str = "") -> str:
    """CSV text: ``preamble`` (``#`` provenance lines), the bilingual header, the HXL hashtag row, the rows."""
    from geo.output.exports.exporting import neutralise

    safe = table.copy().astype(object)
    for col in safe.columns:
        safe[col] = [neutralise(v) if isinstance(v, str) else ("" if v is None or v is pd.NA or (
            isinstance(v, float) and pd.isna(v)) else v) for v in safe[col]]
    body = pd.DataFrame([[tags[c] for c in table.columns]], columns=headers(list(table.columns)))
    safe.columns = headers(list(table.columns))
    return preamble + pd.concat([body, safe], ignore_index=True).to_csv(index=False, lineterminator="\n")
