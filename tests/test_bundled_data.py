
"""The bundled dataset: loads through the store, carries provenance, is reproducible."""

import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from geo.analysis.indicators import INDICATORS, commune_indicators
from geo.model import schema
from geo.storage.store import BUNDLED_DATA_DIR
from geo.text.provenance_text import provenance_line, provenance_lines

DATA = Path(BUNDLED_DATA_DIR)


def test_every_layer_has_provenance(ds):
    assert set(ds.provenance) == set(schema.LAYER_IDS)
    for p in ds.provenance.values():
        assert p.source and p.licence and p.date
    assert ds.provenance["communes"].quality is schema.Quality.APPROXIMATE
    assert ds.provenance["projects"].quality is schema.Quality.ILLUSTRATIVE
    assert ds.provenance["risk_zones"].quality is schema.Quality.ILLUSTRATIVE


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_sources_are_named_for_people_not_as_files(ds, lang):
    """Footers of every map, table and export print these: a donor reads "vietnamadminunits 1.0.4", not a
    script path or "see SOURCES.md" (how each layer was built stays in data/SOURCES.md)."""
    for layer, p in ds.provenance.items():
        line = provenance_line(p, lang)
        assert not re.search(r"\.(py|md|csv)\b|data/", line), (layer, line)


def test_codes_are_text_with_leading_zero(ds):
    assert ds.communes["code"].map(type).eq(str).all()
    assert ds.communes["code"].str.match(r"^0\d{4}$").all()
    assert ds.projects["commune_code"].isin(ds.communes["code"]).all()


def test_every_project_row_says_illustrative(ds):
    assert (ds.projects["quality"] == "illustrative").all()


def test_crop_zones_lie_inside_their_named_commune(ds):
    metric = ds.communes.to_crs(schema.METRIC_CRS).set_index("code")
    for zone in ds.crop_zones.to_crs(schema.METRIC_CRS).itertuples():
        outside = zone.geometry.difference(metric.geometry[zone.commune_code]).area
        assert outside < 1.0, zone.zone_id


def test_reported_crop_areas_are_respected(ds):
    table = commune_indicators(ds)
    assert table.loc["03424", "ha_tea"] == pytest.approx(800, rel=0.01)          # Bản Bo: over 800 ha
    assert table.loc["03400", "ha_ancient_tea"] == pytest.approx(34, rel=0.01)   # Tả Lèng: about 34 ha


def test_indicator_table_has_every_indicator_for_13_communes(ds):
    table = commune_indicators(ds)
    assert len(table) == 13
    assert set(INDICATORS) <= set(table.columns)
    # Every figure traces back to projects.
    lines = ds.funding[ds.funding["project_id"].isin(ds.projects.loc[ds.projects["status"] != "cancelled", "project_id"])]
    assert table["need"].sum() == lines["need"].sum()
    assert (table["risk_share"].between(0, 100)).all()
    assert table["n_events"].sum() == len(ds.landslide_events)


def test_events_keep_reported_facts(ds):
    nasa = ds.landslide_events.set_index("event_id").loc["LS-2015-01"]
    assert nasa.geometry.x == pytest.approx(103.6099) and nasa.geometry.y == pytest.approx(22.3256)
    assert "7675" in nasa["source"]


def test_text_is_nfc(ds):
    for col in ("name", "full_name"):
        assert ds.communes[col].map(lambda s: unicodedata.is_normalized("NFC", s)).all()


def test_derived_layers_rebuild_identically():
    result = subprocess.run([sys.executable, str(DATA / "build_layers.py"), "--check"], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_provenance_reads_in_vietnamese_first_and_english_for_donors(ds):
    for p in ds.provenance.values():
        assert p.source_in("vi") != p.source_in("en"), p.layer
        assert p.method_in("vi") != p.method_in("en"), p.layer
    line_vi = provenance_line(ds.provenance["projects"], "vi")
    assert "minh họa" in line_vi and "không phải số liệu chính thức" in line_vi
    assert "not official figures" in provenance_line(ds.provenance["projects"], "en")


def test_vietnamese_footers_have_no_english_licence_words_and_dates_read_day_first(ds):
    # Print-map and overview footers said "derived data CC BY 4.0", "facts from press", "2026-11-26".
    lines_vi = provenance_lines(ds, "vi")
    for english in ("derived data", "facts from press", "Public legal text", "Public domain"):
        assert not any(english in line for line in lines_vi), english
    assert not any(re.search(r"\d{4}-\d{2}-\d{2}", line) for line in lines_vi)
    assert any("(MIT (vietnamadminunits); dữ liệu dẫn xuất CC BY 4.0, 26/11/2026)" in line for line in lines_vi)
    lines_en = provenance_lines(ds, "en")
    assert any("derived data CC BY 4.0, 26 Nov 2026)" in line for line in lines_en)
    assert any("1 Jul 2025" in line for line in lines_en)


def test_honesty_banner_names_each_non_official_layer_and_vanishes_when_all_official(ds):
    import dataclasses

    from geo.output.exports.exporting import quality_notice

    text = quality_notice(ds, "vi")
    assert "MINH HỌA" in text and "GẦN ĐÚNG" in text
    assert ds.provenance["projects"].title("vi") in text and ds.provenance["communes"].title("vi") in text
    assert ds.provenance["units_2025"].title("vi") not in text  # official: not flagged
    official = {k: dataclasses.replace(p, quality=schema.Quality.OFFICIAL) for k, p in ds.provenance.items()}
    assert quality_notice(dataclasses.replace(ds, provenance=official), "en") is None
    only_boundaries = {**official, "communes": ds.provenance["communes"]}
    text = quality_notice(dataclasses.replace(ds, provenance=only_boundaries), "en")
    assert "APPROXIMATE" in text and "ILLUSTRATIVE" not in text


def test_partner_names_read_the_same_in_both_languages(ds):
    # "JICA (minh họa)" reached English workbooks; the layer's provenance carries "illustrative" instead.
    donors = set(ds.projects["donor"]) - {""}
    assert donors and not [d for d in donors if "minh họa" in d or "Hàn Quốc" in d or "Nhật Bản" in d]
    assert ds.provenance["projects"].quality.value == "illustrative"


def test_a_bundle_written_before_the_approval_workflow_still_loads_with_its_statuses_as_steps(ds, tmp_path):
    from geo.ingest.layers import read_projects

    old = (DATA / "projects.csv").read_text(encoding="utf-8")
    old = old.replace(",proposal,", ",idea,").replace(",approved,", ",pitched,")
    assert ",idea," in old and ",pitched," in old
    (tmp_path / "projects.csv").write_text(old, encoding="utf-8")
    projects = read_projects(tmp_path / "projects.csv", list(ds.communes["code"]), list(ds.units_2025["code"]))
    assert projects["status"].tolist() == ds.projects["status"].tolist()
