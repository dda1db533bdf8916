"""``python -m geo donors`` and ``python -m geo pitch``."""

from __future__ import annotations

import io
import re

import pypdf
from pptx import Presentation

from geo.cli.main import main
from geo.ingest import donors


def opportunity_titles(prs) -> list[str]:
    """The titles of the opportunities' first slides ("1. …", not their continuations)."""
    titles = [s.shapes.title.text for s in prs.slides]
    return [x for x in titles if re.match(r"^\d+\. ", x) and not x.endswith(("(continued)", "(tiếp theo)"))]


def test_donors_lists_ids_and_names(capsys):
    assert main(["donors"]) == 0
    out = capsys.readouterr().out.splitlines()
    ids = [line.split("\t")[0] for line in out]
    assert ids == list(donors.bundled_frame()["donor_id"])
    assert "jica\tJapan International Cooperation Agency (JICA)" in out[0]
    assert main(["--lang", "vi", "donors"]) == 0
    assert "Cơ quan Hợp tác Quốc tế Nhật Bản (JICA)" in capsys.readouterr().out


def test_pitch_writes_a_deck_and_one_pagers(tmp_path, capsys):
    out, pdf_dir = tmp_path / "deck.pptx", tmp_path / "pdf"
    rc = main(["pitch", "--donor", "unicef", "--lang", "vi", "--top", "2", "--dpi", "30", "--out", str(out),
               "--pdf", str(pdf_dir)])
    assert rc == 0
    prs = Presentation(io.BytesIO(out.read_bytes()))
    assert len(opportunity_titles(prs)) == 2
    assert "UNICEF" in "\n".join(s.text_frame.text for s in prs.slides[0].shapes if s.has_text_frame)
    pdfs = sorted(pdf_dir.glob("*.pdf"))
    assert len(pdfs) == 2
    assert "Dữ liệu minh họa" in pypdf.PdfReader(pdfs[0]).pages[0].extract_text()
    out = capsys.readouterr().out
    assert "đã ghi" in out and f"{len(prs.slides)} trang chiếu, 2 cơ hội" in out and "wrote" not in out  # --lang vi


def test_pitch_for_a_theme_or_communes_by_name(tmp_path):
    assert main(["pitch", "--theme", "3", "--top", "1", "--dpi", "30", "--out", str(tmp_path / "t.pptx")]) == 0
    assert len(opportunity_titles(Presentation(str(tmp_path / "t.pptx")))) == 1
    assert main(["pitch", "--communes", "03424,Nà Tăm", "--units", "2025", "--dpi", "30",
                 "--out", str(tmp_path / "c.pptx")]) == 0
    assert opportunity_titles(Presentation(str(tmp_path / "c.pptx"))) == ["1. Xã Bản Bo", "2. Xã Nà Tăm"]


def test_unknown_donor_fails_and_lists_valid_ids(tmp_path, capsys):
    out = tmp_path / "x.pptx"
    assert main(["pitch", "--donor", "usaid", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "unknown donor 'usaid'" in err and "jica" in err and "un_women" in err
    assert not out.exists()


def test_unknown_commune_or_theme_fails_clearly(tmp_path, capsys):
    assert main(["pitch", "--communes", "Hà Nội", "--out", str(tmp_path / "x.pptx")]) == 2
    assert "unknown commune(s) Hà Nội" in capsys.readouterr().err
    assert main(["pitch", "--theme", "11", "--out", str(tmp_path / "x.pptx")]) == 2
    assert "unknown theme 11" in capsys.readouterr().err


def test_pitch_takes_approved_projects_by_default_and_other_steps_when_asked(tmp_path, capsys):
    def opportunities(*extra: str) -> int:
        out = tmp_path / "t.pptx"
        assert main(["--lang", "en", "pitch", "--theme", "3", "--top", "15", "--dpi", "30", "--out", str(out),
                     *extra]) == 0
        return len(opportunity_titles(Presentation(str(out))))

    default, every = opportunities(), opportunities("--stages", "all")
    proposals = opportunities("--stages", "proposal")
    assert 0 < default < every and proposals > 0 and default + proposals == every  # theme 3: no appraised yet
    capsys.readouterr()
    assert main(["pitch", "--theme", "3", "--stages", "pitched", "--out", str(tmp_path / "x.pptx")]) != 0
    err = capsys.readouterr().err
    assert "pitched" in err and "approved" in err and not (tmp_path / "x.pptx").exists()
