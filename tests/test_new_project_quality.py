"""A new project is not "official" by default: the form starts at approximate, the import template's example
says approximate, and an import row without a quality is refused (the user chooses)."""

from __future__ import annotations

import io

import openpyxl

from geo.ingest import imports
from geo.ingest.imports import COLUMN_LABELS
from geo.model import schema
from geo.text.i18n import t


def test_new_project_form_defaults_to_approximate_and_saves_it(app_page, store, signed_in):
    at = app_page("pages/data.py", "en", **signed_in())
    assert not at.exception
    quality = next(s for s in at.selectbox if s.label == COLUMN_LABELS["quality"]("en"))
    assert quality.value == "approximate" != "official"
    next(e for e in at.text_input if e.label == COLUMN_LABELS["project_id"]("en")).set_value("NEW-Q1")
    next(e for e in at.text_input if e.label == COLUMN_LABELS["name_vi"]("en")).set_value("Nhà văn hóa bản")
    at = next(b for b in at.button if b.label == t("data.save", "en")).click().run()
    assert not at.exception and not at.error
    assert store.get_project("NEW-Q1").project["quality"] == "approximate"


def test_template_example_is_not_official(ds):
    buf = io.BytesIO()
    imports.write_template(buf, ds)
    wb = openpyxl.load_workbook(io.BytesIO(buf.getvalue()))
    ws = wb.worksheets[0]
    header = [c.value for c in ws[1]]
    example = [c.value for c in ws[2]]
    cell = example[header.index(COLUMN_LABELS["quality"].vi)]
    assert cell == schema.QUALITY_LABELS[schema.Quality.APPROXIMATE].vi


def test_import_row_without_quality_is_refused_naming_row_and_column(ds):
    heads = [COLUMN_LABELS[c].vi for c in ("project_id", "name_vi", "commune_code", "content_area", "status",
                                            "start_year", "end_year", "quality", "source", "need")]
    csv = ",".join(f'"{h}"' for h in heads) + "\nX1,Thử,Bản Bo,1,ý tưởng,2024,2025,,Ngân sách nhà nước,100\n"
    result = imports.preview_projects(csv.encode(), "du_an.csv", ds, {})
    texts = [p.text("en") for p in result.problems]
    assert any("row 2" in x and COLUMN_LABELS["quality"].vi in x for x in texts), texts
