"""A corpus of bad inputs: each is refused with a clear message naming file/row/column, and the store
file stays byte-for-byte the same. Files are generated small into tmp_path (see ``CASES``).

Documented repairs (not errors) are tested at the end: a polygon with a tiny self-intersection is
repaired (< 1 % area change); a bow-tie is refused (its signed area cancels, see geo/layer_import.py).
"""

from __future__ import annotations

import pytest
from shapely.geometry import Polygon

from geo.cli.main import main
from tests.helpers import CASES, PROV, P, _csv, _geojson, _poly, _zones, row
from tests.hostile import fingerprint


def test_corpus_has_at_least_30_cases():
    assert len(CASES) >= 30 and len({c[0] for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_bad_input_is_refused_clearly_and_store_unchanged(case, tmp_path, store, capsys):
    name, command, filename, build, expected, extra = case
    path = tmp_path / filename
    path.write_bytes(build(tmp_path))
    store.load()
    before = fingerprint(store)
    version = store.version()
    if command == P:
        argv = [P, str(path), "--yes", *extra]
    else:
        prov = [] if "--no-prov" in extra else PROV
        argv = ["import-layer", command, str(path), *[a for a in extra if a != "--no-prov"], *prov]
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and filename in err, err
    assert expected in err, err
    assert store.version() == version
    assert fingerprint(store) == before


# --- documented repairs and accepted edge cases -------------------------------------------------------
def test_small_self_intersection_is_repaired_and_reported(tmp_path, store, capsys):
    p = _poly()
    x0, y0, x1, y1 = p.bounds
    w = (x1 - x0) / 200  # a tiny loop at one corner: < 1 % of the area
    loop = Polygon([(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0 + w, y0 - w), (x0 - w, y0 + w), (x0, y0)])
    assert not loop.is_valid
    f = tmp_path / "z.geojson"
    f.write_bytes(_geojson(_zones([loop], crop=["tea"])))
    assert main(["import-layer", "crops", str(f), *PROV]) == 0
    out = capsys.readouterr().out
    assert "repaired" in out and "row 1" in out
    stored = store.load().crop_zones
    assert len(stored) == 1 and stored.geometry.iloc[0].is_valid
    assert abs(stored.geometry.iloc[0].area - p.area) / p.area < 0.01


def test_formula_and_html_in_names_are_kept_as_text_and_neutralised_on_export(tmp_path, store):
    evil = "=HYPERLINK(\"http://x\",\"<b>click</b>\")"
    f = tmp_path / "p.csv"
    f.write_bytes(_csv(row(name=evil, lead_agency="<script>alert(1)</script>")))
    assert main([P, str(f), "--yes"]) == 0
    rec = store.get_project("IM-1")
    assert rec.project["name_vi"] == evil and rec.project["lead_agency"] == "<script>alert(1)</script>"
    out = tmp_path / "e.csv"
    assert main(["export", "--format", "csv", "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert "'=HYPERLINK" in text and ",=HYPERLINK" not in text
