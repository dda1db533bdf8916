"""Issue 13, ingest side: limits by design, text is text, values are sane — at every entry point.

The corpus (``CORPUS``) runs each bad file through the command line as a user would: the exit is 1, the
message names the file (and row/column where there is one), there is no traceback, and the store file is
byte-for-byte unchanged. Limits are lowered with ``monkeypatch`` where a full-size file would only make the
test slow; the bomb cases run full size in a subprocess whose memory is capped with ``resource.setrlimit``.
Entry points without a CLI command (the data-page form, donors, the indicator CSV, ``atlas.toml``) are
tested through the function the page calls.
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
import json
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook, load_workbook
from shapely.geometry import Point, box

from geo.cli.main import main
from geo.ingest import limits
from geo.ingest.atlas_toml import parse_config
from geo.ingest.donors import blank_donor, validate_donor
from geo.ingest.indicator_csv import parse_indicator, read_indicator_csv
from geo.ingest.names import NameIndex
from geo.ingest.records import blank_project, validate_record
from geo.ingest.textcheck import from_tcvn3, legacy_encoding
from geo.ingest.validate import DataError
from tests.helpers import BAN_BO, PROV, VI, P, _geojson, _poly, _shp_zip, _zones, bundled_dataset, row

ROOT = Path(__file__).resolve().parent.parent


def fingerprint(store) -> tuple[str, int]:
    store.checkpoint()
    wal = Path(str(store.path) + "-wal")
    return hashlib.sha256(store.path.read_bytes()).hexdigest(), (wal.stat().st_size if wal.exists() else 0)


# --- file builders -------------------------------------------------------------------------------------
def proper_csv(*rows: dict, sep: str = ",") -> bytes:
    """A CSV as a spreadsheet writes it (csv module quoting: line breaks and quotes inside cells)."""
    from geo.ingest.imports import IMPORT_COLUMNS

    buf = io.StringIO()
    w = csv.writer(buf, delimiter=sep, lineterminator="\n")
    w.writerow(VI)
    for r in rows:
        w.writerow([r[c] for c in IMPORT_COLUMNS])
    return buf.getvalue().encode("utf-8")


def xlsx(*rows: dict, edit=None) -> bytes:
    from geo.ingest.imports import IMPORT_COLUMNS

    wb = Workbook()
    ws = wb.active
    ws.title = "Dự án"
    ws.append(VI)
    for r in rows:
        ws.append([r[c] for c in IMPORT_COLUMNS])
    if edit:
        edit(ws)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def declare_dimension(data: bytes, ref: str) -> bytes:
    """The same workbook with its first sheet declaring cells up to ``ref`` (a few bytes changed)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                text = body.decode()
                start = text.index("<dimension ref=\"")
                end = text.index("/>", start)
                body = (text[:start] + f'<dimension ref="A1:{ref}"' + text[end:]).encode()
            dst.writestr(info, body)
    return out.getvalue()


def shp_zip_plus(tmp: Path, extra: dict[str, bytes]) -> bytes:
    base = _shp_zip(bundled_dataset().communes[["code", "geometry"]], tmp)
    src = zipfile.ZipFile(io.BytesIO(base))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for n in src.namelist():
            dst.writestr(n, src.read(n))
        for n, body in extra.items():
            dst.writestr(n, body)
    return out.getvalue()


def points(*xy, **cols) -> bytes:
    return _geojson(_zones([Point(x, y) for x, y in xy], **cols))


def raw_geojson(features: list[dict]) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": features}).encode()


def feature(geometry: dict, **props) -> dict:
    return {"type": "Feature", "properties": props, "geometry": geometry}


TCVN3 = "B¶o Th¾ng"  # Bảo Thắng typed in a .VnTime font
VNI = "Xin chaøo caùc baïn"  # Xin chào các bạn typed in VNI-Times
WORLD = box(-179, -89, 179, 89)

# (id, command, filename, builder(tmp), expected text, extra CLI args, {limit: value} lowered for the case)
CORPUS = [
    # --- limits ---
    ("xlsx-declares-XFD1048576", P, "p.xlsx", lambda t: declare_dimension(xlsx(row()), "XFD1048576"),
     "declares cells up to XFD1048576", [], {}),
    ("xlsx-declares-too-many-rows", P, "p.xlsx", lambda t: declare_dimension(xlsx(row()), "S200000"),
     "sheet 'Dự án' declares cells up to S200000", [], {}),
    ("xlsx-declares-too-many-columns", P, "p.xlsx", lambda t: declare_dimension(xlsx(row()), "ZZ3"),
     "Delete the empty rows and columns", [], {}),
    ("xlsx-too-many-rows-streamed", P, "p.xlsx",
     lambda t: declare_dimension(xlsx(*[row(pid=f"R-{i}") for i in range(12)]), "S2"),
     "more than 10 data rows", [], {"MAX_ROWS": 10}),
    ("csv-too-many-rows", P, "p.csv", lambda t: proper_csv(*[row(pid=f"R-{i}") for i in range(12)]),
     "more than 10 data rows", [], {"MAX_ROWS": 10}),
    ("csv-too-many-columns", P, "p.csv", lambda t: (",".join(VI + [f"x{i}" for i in range(300)]) + "\n").encode(),
     "the limit is 200", [], {}),
    ("csv-header-line-too-long", P, "p.csv", lambda t: (",".join(["a" * 5000] * 70) + "\n").encode(),
     "longer than 64 KB", [], {}),
    ("csv-quotes-sniffer-bomb", P, "p.csv", lambda t: ('"a",' * 100_000 + "\n").encode(), "longer than 64 KB", [], {}),
    ("zip-too-many-entries", "communes", "b.zip",
     lambda t: shp_zip_plus(t, {f"junk/{i}.txt": b"x" for i in range(70)}), "the limit is 64", [], {}),
    ("zip-sidecar-unpacks-too-big", "communes", "b.zip",
     lambda t: shp_zip_plus(t, {"layer.dbf.bak": b"\0" * (3 * 2**20)}), "unpacks to", [],
     {"MAX_UNZIPPED_BYTES": 2 * 2**20}),
    ("zip-total-too-big", "communes", "b.zip",
     lambda t: shp_zip_plus(t, {f"x{i}.bin": b"\0" * 2**20 for i in range(3)}), "the archive unpacks to", [],
     {"MAX_UNZIPPED_BYTES": 2 * 2**20 + 2**19}),
    ("layer-too-many-features", "crops", "z.geojson",
     lambda t: _geojson(_zones([_poly()] * 6, crop=["tea"] * 6)), "the layer has 6 features; the limit is 5", [],
     {"MAX_FEATURES": 5}),
    ("feature-too-many-vertices", "crops", "z.geojson",
     lambda t: _geojson(_zones([_poly().buffer(0.001, 64)], crop=["tea"])), "row 1, column 'geometry': the feature has",
     [], {"MAX_VERTICES": 50}),
    ("layer-too-many-vertices", "crops", "z.geojson",
     lambda t: _geojson(_zones([_poly().buffer(0.001, 16)] * 3, crop=["tea"] * 3)), "vertices in all", [],
     {"MAX_LAYER_VERTICES": 100}),
    # --- text is text ---
    ("nul-in-name", P, "p.csv", lambda t: proper_csv(row(name="Nước\x00sạch")), "U+0000", [], {}),
    ("bell-in-name", P, "p.csv", lambda t: proper_csv(row(name="Nước\x07sạch")), "row 2, column 'Tên dự án (tiếng Việt)'",
     [], {}),
    ("escape-in-lead-agency", P, "p.csv", lambda t: proper_csv(row(lead_agency="UBND\x1b[31m")), "U+001B", [], {}),
    ("line-break-in-name", P, "p.csv", lambda t: proper_csv(row(name="Dòng 1\nDòng 2")),
     "column 'Tên dự án (tiếng Việt)': has a line break", [], {}),
    ("line-break-in-id", P, "p.csv", lambda t: proper_csv(row(pid="IM-1\nIM-2")), "column 'Mã dự án': has a line break",
     [], {}),
    ("crlf-in-donor", P, "p.csv", lambda t: proper_csv(row(donor="JICA\r\nKOICA")), "column 'Nhà tài trợ'", [], {}),
    ("unicode-line-separator", P, "p.csv", lambda t: proper_csv(row(name="A\u2028B")), "line break", [], {}),
    ("tab-in-name", P, "p.csv", lambda t: proper_csv(row(name="A\tB")), "U+0009", [], {}),
    ("noncharacter-in-name", P, "p.csv", lambda t: proper_csv(row(name="A\uffffB")), "U+FFFF", [], {}),
    ("control-in-description", P, "p.csv", lambda t: proper_csv(row(description="ghi chú\x0bxx")),
     "column 'Mô tả'", [], {}),
    ("line-break-in-xlsx-name", P, "p.xlsx", lambda t: xlsx(row(name="Nước\nsạch")),
     "row 2, column 'Tên dự án (tiếng Việt)': has a line break at position 5", [], {}),
    ("tcvn3-name", P, "p.csv", lambda t: proper_csv(row(name=TCVN3)), "in Unicode it would read 'Bảo Thắng'", [], {}),
    ("tcvn3-capital-letters", P, "p.csv", lambda t: proper_csv(row(name="HuyÖn Tam §­êng")), "TCVN3", [], {}),
    ("tcvn3-in-xlsx", P, "p.xlsx", lambda t: xlsx(row(lead_agency="B¸t X¸t")), "'Bát Xát'", [], {}),
    ("vni-name", P, "p.csv", lambda t: proper_csv(row(name=VNI)), "old VNI encoding", [], {}),
    ("vni-dd", P, "p.csv", lambda t: proper_csv(row(name="Ñöôøng")), "VNI", [], {}),
    ("legacy-in-zone-source", "crops", "z.geojson",
     lambda t: _geojson(_zones([_poly()], crop=["tea"], area_source=[TCVN3])), "row 1, column 'area_source'", [], {}),
    ("control-in-zone-id", "risk", "z.geojson",
     lambda t: _geojson(_zones([_poly()], zone_id=["R\x071"], risk_level=["high"])), "column 'zone_id'", [], {}),
    ("control-in-location-id", "project-locations", "p.geojson",
     lambda t: points((103.6, 22.35), project_id=["TD\x07001"]), "U+0007", [], {}),
    ("slash-in-project-id", P, "p.csv", lambda t: proper_csv(row(pid="TD/9")), "project ID 'TD/9'", [], {}),
    ("colon-in-project-id", P, "p.csv", lambda t: proper_csv(row(pid="TD:9")), "no '/', ':'", [], {}),
    ("space-in-project-id", P, "p.csv", lambda t: proper_csv(row(pid="TD 9")), "column 'Mã dự án'", [], {}),
    ("name-too-long", P, "p.csv", lambda t: proper_csv(row(name="a" * 501)), "501 characters long; the limit is 500",
     [], {}),
    # --- values are sane ---
    ("amount-1e20", P, "p.csv", lambda t: proper_csv(row(need="100000000000000000000")),
     "above the limit of 1,000,000,000,000,000 VND", [], {}),
    ("amount-just-above-bound", P, "p.csv", lambda t: proper_csv(row(need=str(10**15 + 1), committed="0")),
     "column 'Nhu cầu vốn (VND)'", [], {}),
    ("committed-huge-xlsx", P, "p.xlsx", lambda t: xlsx(row(need=10**18, committed=10**18)), "above the limit", [], {}),
    ("totals-overflow-int64", P, "p.csv",
     lambda t: proper_csv(*[row(pid=f"B-{i}", need=str(10**15)) for i in range(1001)]), "the total", [], {}),
    ("lon-inf", P, "p.csv", lambda t: proper_csv(row(lon="inf", lat="22.3")), "'inf' is not a finite number", [], {}),
    ("lat-minus-inf", P, "p.csv", lambda t: proper_csv(row(lon="103.5", lat="-inf")), "column 'Vĩ độ'", [], {}),
    ("lat-nan", P, "p.csv", lambda t: proper_csv(row(lon="103.5", lat="nan")), "not a finite number", [], {}),
    ("lon-500", P, "p.csv", lambda t: proper_csv(row(lon="500", lat="22.3")), "longitude 500.0 is outside −180…180",
     [], {}),
    ("lat-minus-95", P, "p.csv", lambda t: proper_csv(row(lon="103.5", lat="-95")), "latitude -95.0 is outside", [], {}),
    ("lon-lat-swapped", P, "p.csv", lambda t: proper_csv(row(lon="22.3", lat="103.5")), "latitude 103.5", [], {}),
    ("point-in-hanoi", P, "p.csv", lambda t: proper_csv(row(lon="105.85", lat="21.03")), "outside Lai Châu province",
     [], {}),
    ("lon-in-metres", P, "p.csv", lambda t: proper_csv(row(lon="530000", lat="2470000")), "in metres (VN-2000)", [], {}),
    ("year-99999", P, "p.csv", lambda t: proper_csv(row(start_year="99999")), "year '99999' outside", [], {}),
    ("year-negative", P, "p.csv", lambda t: proper_csv(row(end_year="-2025")), "column 'Năm kết thúc'", [], {}),
    ("xlsx-year-float", P, "p.xlsx", lambda t: xlsx(row(start_year=2024.5)), "column 'Năm bắt đầu'", [], {}),
    ("formula-without-value", P, "p.xlsx",
     lambda t: xlsx(row(), edit=lambda ws: ws.__setitem__("Q2", "=SUM(Z1:Z9)")), "cell Q2 holds a formula (=SUM(Z1:Z9))",
     [], {}),
    ("formula-in-year", P, "p.xlsx", lambda t: xlsx(row(), edit=lambda ws: ws.__setitem__("H2", "=2020+4")),
     "cell H2", [], {}),
    ("xlsx-named-csv", P, "p.csv", lambda t: xlsx(row()), "is an Excel workbook (.xlsx) named '.csv'", [], {}),
    ("xlsx-named-txt", P, "p.txt", lambda t: xlsx(row()), "rename it to .xlsx", [], {}),
    ("xls-named-csv", P, "p.csv", lambda t: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "old Excel (.xls)", [], {}),
    ("csv-named-xlsx", P, "p.xlsx", lambda t: proper_csv(row()), "is text (CSV?) named '.xlsx'", [], {}),
    ("gpkg-named-csv", P, "p.csv", lambda t: b"SQLite format 3\x00" + b"\0" * 52 + b"GPKG" + b"\0" * 200,
     "neither a spreadsheet nor CSV", [], {}),
    ("pdf-named-csv", P, "p.csv", lambda t: b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n" + b"\x00\x9f" * 50, "PDF", [], {}),
    ("bom-then-latin1", P, "p.csv", lambda t: b"\xef\xbb\xbf" + proper_csv(row()) + b"\xe9t\xe9\n",
     "cannot be read as UTF-8 text at line 3", [], {}),
    ("utf16-truncated", P, "p.csv", lambda t: proper_csv(row()).decode().encode("utf-16")[:-1], "UTF-16 text", [], {}),
    ("utf16-unpaired-surrogate", P, "p.csv",
     lambda t: proper_csv(row()).decode().encode("utf-16") + b"\x00\xd8\x41\x00", "UTF-16 text", [], {}),
    ("empty-xlsx", P, "p.xlsx", lambda t: b"", "not a readable Excel file", [], {}),
    ("world-commune-boundary", "communes", "b.geojson", lambda t: _geojson(_zones([WORLD], code=[BAN_BO])),
     "beyond Lai Châu province", [], {}),
    ("world-tea-zone", "crops", "z.geojson", lambda t: _geojson(_zones([WORLD], crop=["tea"])),
     "a boundary or zone must lie inside the province", [], {}),
    ("zone-reaching-hanoi", "risk", "z.geojson",
     lambda t: _geojson(_zones([box(103.5, 22.3, 105.9, 22.4)], risk_level=["high"])), "longitude 103.500 to 105.900",
     [], {}),
    ("location-outside-province", "project-locations", "p.geojson",
     lambda t: points((103.6, 22.35), (104.5, 22.35), project_id=["TD-001", "TD-002"]), "beyond Lai Châu", [], {}),
    ("area-50-ha", "crops", "z.geojson", lambda t: _geojson(_zones([_poly()], crop=["tea"], area_ha_reported=["50 ha"])),
     "'50 ha' is not a number of hectares", [], {}),
    ("area-negative", "crops", "z.geojson", lambda t: _geojson(_zones([_poly()], crop=["tea"], area_ha_reported=[-3.0])),
     "must be between 0 and", [], {}),
    ("area-infinite", "crops", "z.geojson",
     lambda t: _geojson(_zones([_poly()], crop=["tea"], area_ha_reported=["inf"])), "row 1, column 'area_ha_reported'",
     [], {}),
    ("infinite-point-geojson", "project-locations", "p.geojson",
     lambda t: raw_geojson([feature({"type": "Point", "coordinates": [103.6, 22.35]}, project_id="TD-001"),
                            feature({"type": "Point", "coordinates": [float("inf"), 22.35]}, project_id="TD-002")]),
     "row 2, column 'geometry': coordinates are infinite", [], {}),
    ("infinite-vertex-gpkg", "crops", "z.gpkg",
     lambda t: _gpkg(_zones([_poly(), box(103.6, 22.3, float("inf"), 22.4)], crop=["tea", "tea"]), t),
     "row 2, column 'geometry': coordinates are infinite", [], {}),
]


def _gpkg(gdf, tmp: Path) -> bytes:
    path = tmp / "src.gpkg"
    gdf.to_file(path, driver="GPKG")
    return path.read_bytes()


def test_corpus_is_large_and_named_uniquely():
    assert len(CORPUS) >= 60 and len({c[0] for c in CORPUS}) == len(CORPUS)


@pytest.mark.parametrize("case", CORPUS, ids=[c[0] for c in CORPUS])
def test_bad_file_is_refused_clearly_and_store_unchanged(case, tmp_path, store, capsys, monkeypatch):
    name, command, filename, build, expected, extra, lowered = case
    for attr, value in lowered.items():
        monkeypatch.setattr(limits, attr, value)
    path = tmp_path / filename
    path.write_bytes(build(tmp_path))
    store.load()
    before, version = fingerprint(store), store.version()
    argv = [P, str(path), "--yes", *extra] if command == P else ["import-layer", command, str(path), *extra, *PROV]
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and filename in err, err
    assert expected in err, err
    assert "Traceback" not in err and str(tmp_path) not in err, err
    assert store.version() == version and fingerprint(store) == before


@pytest.mark.parametrize("case", [c for c in CORPUS if c[1] == P][:12], ids=lambda c: c[0])
def test_refusals_read_in_vietnamese_too(case, tmp_path, store, capsys, monkeypatch):
    name, _command, filename, build, _expected, extra, lowered = case
    for attr, value in lowered.items():
        monkeypatch.setattr(limits, attr, value)
    path = tmp_path / filename
    path.write_bytes(build(tmp_path))
    assert main(["--lang", "vi", P, str(path), "--yes"]) == 1
    err = capsys.readouterr().err
    assert f"tệp {filename}" in err and "Traceback" not in err, err


# --- what must still work --------------------------------------------------------------------------------
@pytest.mark.parametrize("sep", [",", ";", "\t"])
def test_quotes_and_line_breaks_in_a_multi_line_field_round_trip_exactly(sep, tmp_path, store):
    note = 'Hộ dân nói "cần nước", rồi\nthêm dòng hai; có dấu, phẩy'
    f = tmp_path / "p.csv"
    f.write_bytes(proper_csv(row(description=note, name='Nước "sạch", bản Nà Bỏ'), sep=sep))
    assert main([P, str(f), "--yes"]) == 0
    got = store.get_project("IM-1").project
    assert got["description"] == note and got["name_vi"] == 'Nước "sạch", bản Nà Bỏ'


def test_csv_export_with_line_breaks_and_formulas_reimports_unchanged(tmp_path, store):
    note = "=cmd|' /C calc'!A0\n@SUM(1+1)\n+HYPERLINK(\"http://x\")"
    f = tmp_path / "p.csv"
    f.write_bytes(proper_csv(row(description=note, lead_agency="-2+3", donor="@donor")))
    assert main([P, str(f), "--yes"]) == 0
    out = tmp_path / "e.csv"
    assert main(["export", "--format", "csv", "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    for cells in csv.reader(io.StringIO(text)):
        for cell in cells:
            assert not cell.startswith(("=", "+", "-", "@")), cell
    before = store.get_project("IM-1").project
    assert main([P, str(out), "--yes"]) == 0
    assert store.get_project("IM-1").project == before


def test_excel_export_survives_control_characters_already_stored(tmp_path):
    from geo.output.exports.export_data import export_xlsx

    ds = bundled_dataset()
    projects = ds.projects.copy()
    projects.loc[projects.index[0], "name_vi"] = "cũ\x00\x07\x1b tên"
    ds = dataclasses.replace(ds, projects=projects)
    path = export_xlsx(ds, tmp_path / "x.xlsx")
    cells = [c for r in load_workbook(path, read_only=True)["projects"].iter_rows(values_only=True) for c in r]
    assert "cũ\ufffd\ufffd\ufffd tên" in cells


def test_legacy_detection_leaves_real_text_alone():
    donors = pd.read_csv(ROOT / "data" / "donors.csv", dtype=str, keep_default_na=False)
    projects = pd.read_csv(ROOT / "data" / "projects.csv", dtype=str, keep_default_na=False)
    for frame in (donors, projects):
        for value in frame.to_numpy().ravel():
            assert legacy_encoding(value) is None, value
    for ok in ("Kreditanstalt für Wiederaufbau", "Agence française de développement", "España", "Straße",
               "Mường Khương", "Quyết định 1670/NQ-UBTVQH15", "Huế", "Nguyễn"):
        assert legacy_encoding(ok) is None, ok
    assert from_tcvn3("B¸t X¸t") == "Bát Xát" and legacy_encoding("M\xadêng Kh\xad¬ng") == "tcvn3"


def test_one_pager_files_of_ids_differing_by_slash_and_colon_do_not_collide():
    from geo.output.pitch.onepager import file_name
    from geo.output.pitch.pack import Opportunity

    def opp(key):
        return Opportunity(kind="project", key=key, title="t", subtitle="", facts=[], sources=pd.DataFrame(),
                           why=[], ask=0, map=None)  # type: ignore[arg-type]  # file_name reads kind and key

    names = {file_name(opp(k)) for k in ("A/1", "A:1", "A-1")}
    assert len(names) == 3 and "A-1.pdf" in names and all("/" not in n and ":" not in n for n in names)


# --- entry points without a CLI command ---------------------------------------------------------------
FORM_CASES = [
    ({"lon": float("inf"), "lat": 22.3}, "lon", "err.coord_not_finite"),
    ({"lon": 500.0, "lat": 22.3}, "lon", "err.lon_range"),
    ({"lon": 103.5, "lat": -95.0}, "lat", "err.lat_range"),
    ({"lon": 105.85, "lat": 21.03}, "lon", "err.point_outside_extent"),
    ({"name_vi": "Tên\nhai dòng"}, "name_vi", "err.text.line_break"),
    ({"name_en": "x\x00y"}, "name_en", "err.text.control"),
    ({"lead_agency": TCVN3}, "lead_agency", "err.text.tcvn3"),
    ({"donor": VNI}, "donor", "err.text.vni"),
    ({"project_id": "A/1"}, "project_id", "err.bad_project_id"),
    ({"start_year": 1850}, "start_year", "err.bad_year"),
]


@pytest.mark.parametrize("change,column,key", FORM_CASES, ids=[c[2] + "-" + c[1] for c in FORM_CASES])
def test_the_data_page_form_refuses_the_same_values(change, column, key):
    p = blank_project() | {"project_id": "F-1", "name_vi": "Nước sạch", "commune_code": BAN_BO, "content_area": 1,
                           "status": "proposal", "start_year": 2024, "end_year": 2025, "quality": "official"} | change
    problems = validate_record(p, [{"source": "ngo", "need": 10, "committed": 0, "disbursed": 0}], [BAN_BO])
    assert (column, key) in [(x.column, x.key) for x in problems], problems


def test_the_form_refuses_an_amount_above_the_bound():
    p = blank_project() | {"project_id": "F-1", "name_vi": "Nước sạch", "commune_code": BAN_BO, "content_area": 1,
                           "status": "proposal", "start_year": 2024, "end_year": 2025, "quality": "official"}
    problems = validate_record(p, [{"source": "ngo", "need": 10**16, "committed": 0, "disbursed": 0}], [BAN_BO])
    assert [(x.row, x.column, x.key) for x in problems] == [(1, "need", "err.amount_too_big")]


DONOR_CASES = [
    ({"name": "JICA\x00"}, "name", "err.text.control"),
    ({"name": "JICA\nKOICA"}, "name", "err.text.line_break"),
    ({"name_vi": TCVN3}, "name_vi", "err.text.tcvn3"),
    ({"ticket_max": str(10**16)}, "ticket_max", "err.amount_too_big"),
    ({"contact_notes": "dòng 1\x07"}, "contact_notes", "err.text.control"),
]


@pytest.mark.parametrize("change,column,key", DONOR_CASES, ids=[c[2] + "-" + c[1] for c in DONOR_CASES])
def test_donor_records_refuse_bad_text_and_amounts(change, column, key):
    rec = blank_donor() | {"donor_id": "x-donor", "name": "X"} | change
    _clean, problems = validate_donor(rec, "donors.csv", 5)
    assert (5, column, key) in [(x.row, x.column, x.key) for x in problems], problems


def test_donor_notes_keep_their_line_breaks():
    rec = blank_donor() | {"donor_id": "x-donor", "name": "X", "contact_notes": 'Gọi "anh Nam"\nhoặc email'}
    clean, problems = validate_donor(rec)
    assert problems == [] and clean["contact_notes"] == 'Gọi "anh Nam"\nhoặc email'


@pytest.mark.parametrize("value", ["inf", "-inf", "1e999", "nan"])
def test_indicator_csv_refuses_non_finite_values(value):
    idx = NameIndex.from_records([(BAN_BO, "Bản Bo")])
    table = read_indicator_csv(f"xa,gia_tri\nBản Bo,{value}\n".encode(), "u.csv")
    with pytest.raises(DataError) as e:
        parse_indicator(table, "u.csv", idx)
    assert "row 2, column 'gia_tri'" in str(e.value)


def test_indicator_csv_header_is_bounded():
    with pytest.raises(DataError) as e:
        read_indicator_csv(("a" * 70_000 + ",b\nx,1\n").encode(), "u.csv")
    assert "longer than 64 KB" in str(e.value)


@pytest.mark.parametrize("raw,column", [
    ({"map": {"extent": [104, 22, 103, 23]}}, "map.extent"),
    ({"map": {"extent": [102, 21, float("inf"), 23]}}, "map.extent"),
    ({"map": {"extent": [1, 2, 3]}}, "map.extent"),
    ({"district": {"name_vi": "Tam\nĐường"}}, "district.name_vi"),
    ({"labels": {"title_en": "Atlas\x00"}}, "labels.title_en"),
])
def test_atlas_toml_refuses_bad_extent_and_control_text(raw, column):
    with pytest.raises(DataError) as e:
        parse_config(raw, "atlas.toml")
    assert f"atlas.toml, column '{column}'" in str(e.value)


def test_atlas_toml_extent_is_used_for_layers(tmp_path):
    from dataclasses import replace

    from geo.ingest.layer_import import preview_layer

    cfg = parse_config({"map": {"extent": [103.0, 22.0, 104.0, 23.0]}})
    assert cfg.extent == (103.0, 22.0, 104.0, 23.0)
    ds = replace(bundled_dataset(), config=cfg)
    with pytest.raises(DataError) as e:
        preview_layer("crops", _geojson(_zones([box(102.5, 22.3, 103.7, 22.4)], crop=["tea"])), "z.geojson", ds)
    assert "longitude 103.00–104.00" in str(e.value)


# --- bombs, full size, memory capped ------------------------------------------------------------------
CAPPED = textwrap.dedent("""
    import resource, sys
    resource.setrlimit(resource.RLIMIT_AS, ({cap}, {cap}))
    from geo.cli.main import main
    sys.exit(main(sys.argv[1:]))
""")


def run_capped(argv: list[str], env_dir: Path, cap_mb: int = 1500) -> subprocess.CompletedProcess:
    import os

    # Arrow's default allocator (mimalloc) reserves 1 GiB of address space on first use: under RLIMIT_AS that
    # reservation, not what the import really allocates, decided whether a later import found room.
    env = {**os.environ, "ATLAS_DATA_DIR": str(env_dir), "ARROW_DEFAULT_MEMORY_POOL": "system"}
    return subprocess.run([sys.executable, "-c", CAPPED.format(cap=cap_mb * 2**20), *argv], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)


def test_xlsx_declaring_a_million_rows_is_refused_within_a_memory_cap(tmp_path, store):
    f = tmp_path / "bomb.xlsx"
    f.write_bytes(declare_dimension(xlsx(row()), "XFD1048576"))
    assert f.stat().st_size < 10_000
    before = fingerprint(store)
    r = run_capped([P, str(f), "--yes"], store.path.parent)
    assert r.returncode == 1 and "XFD1048576" in r.stderr and "Traceback" not in r.stderr, r.stderr
    assert fingerprint(store) == before


def test_zip_with_a_huge_sidecar_of_zeros_is_refused_within_a_memory_cap(tmp_path, store):
    f = tmp_path / "bomb.zip"
    buf = io.BytesIO()
    base = zipfile.ZipFile(io.BytesIO(_shp_zip(bundled_dataset().communes[["code", "geometry"]], tmp_path)))
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for n in base.namelist():
            z.writestr(n, base.read(n))
        with z.open("layer.dbf.old", "w", force_zip64=True) as member:
            zeros = b"\0" * 2**24
            for _ in range(64):  # 1 GiB of zeros, about 1 MB compressed
                member.write(zeros)
    f.write_bytes(buf.getvalue())
    before = fingerprint(store)
    r = run_capped(["import-layer", "communes", str(f), *PROV], store.path.parent)
    assert r.returncode == 1 and "unpacks to" in r.stderr and "Traceback" not in r.stderr, r.stderr
    assert fingerprint(store) == before
