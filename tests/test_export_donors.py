"""Exports carry the donor profiles (the store's own, edits included) with provenance; formulas neutralised."""

from __future__ import annotations

import io
import sqlite3
import zipfile

import pandas as pd
import pytest
from openpyxl import load_workbook

from geo.cli.main import main
from geo.model import schema
from geo.output.exports import export_data

EVIL_NOTES = "=HYPERLINK(\"http://x\",\"bấm\")"


@pytest.fixture
def donors(store):
    """The store's donors after a user edit with formula-like notes."""
    rec = store.get_donor("jica")
    store.save_donor(dict(rec.donor, contact_notes=EVIL_NOTES, ticket_min=3_000_000_000), rec.revision, "Lan")
    return store.list_donors()[list(schema.DONOR_COLUMNS)]


def _as_spreadsheet_text(frame: pd.DataFrame) -> pd.DataFrame:
    """What a spreadsheet-safe export must hold: text starting with = + - @ gets a leading '."""
    out = frame.copy()
    for col, kind in schema.DONOR_COLUMNS.items():
        if kind == "str":
            out[col] = [("'" + v) if v[:1] in ("=", "+", "-", "@") else v for v in out[col]]
    return out


def test_gpkg_has_a_donors_table_equal_to_the_store(tmp_path, donors):
    out = tmp_path / "a.gpkg"
    assert main(["export", "--format", "gpkg", "--out", str(out)]) == 0
    con = sqlite3.connect(out)
    back = pd.read_sql(f"SELECT {', '.join(schema.DONOR_COLUMNS)} FROM donors ORDER BY fid", con)
    kind, ident, descr = con.execute(
        "SELECT data_type, identifier, description FROM gpkg_contents WHERE table_name='donors'").fetchone()
    prov = pd.read_sql("SELECT * FROM provenance", con)
    con.close()
    pd.testing.assert_frame_equal(back, donors, check_dtype=False)
    assert back.loc[back.donor_id == "jica", "contact_notes"].item() == EVIL_NOTES  # GIS data kept verbatim
    assert kind == "attributes" and "illustrative" in descr
    assert prov.set_index("layer").loc["donors", "quality"] == "illustrative"


def test_xlsx_has_a_donors_sheet_with_formulas_neutralised(tmp_path, donors):
    out = tmp_path / "a.xlsx"
    assert main(["export", "--format", "xlsx", "--out", str(out)]) == 0
    wb = load_workbook(out)
    assert "donors" in wb.sheetnames
    rows = list(wb["donors"].values)
    back = pd.DataFrame(rows[1:], columns=rows[0])
    want = _as_spreadsheet_text(donors)
    pd.testing.assert_frame_equal(back[list(schema.DONOR_COLUMNS)].fillna(""), want, check_dtype=False)
    cells = [c for r in wb["donors"].iter_rows() for c in r if isinstance(c.value, str)]
    assert all(c.data_type != "f" for c in cells)
    prov = pd.DataFrame(list(wb["provenance"].values)[1:], columns=list(wb["provenance"].values)[0])
    assert "donors" in set(prov["layer"])


def test_geojson_zip_has_donors_csv_with_provenance(tmp_path, donors, store):
    out = tmp_path / "a.zip"
    export_data.export_store(store, "geojson", out, "en")
    with zipfile.ZipFile(out) as zf:
        text = zf.read("donors.csv").decode("utf-8")
        readme = zf.read("README.txt").decode("utf-8")
    comments = [ln for ln in text.splitlines() if ln.startswith("# ")]
    assert any(store.load().provenance["donors"].title("en") in ln for ln in comments)
    back = pd.read_csv(io.StringIO(text), comment=None, skiprows=len(comments), dtype=str, keep_default_na=False)
    want = _as_spreadsheet_text(donors).astype(str)
    pd.testing.assert_frame_equal(back[list(schema.DONOR_COLUMNS)], want)
    assert "donors.csv" in readme

