"""``python -m geo export-map`` and ``python -m geo atlas``."""

from __future__ import annotations

import subprocess
import sys

import pytest
from PIL import Image

from geo.analysis.indicators import INDICATORS
from geo.cli.main import main


def test_export_map_writes_a_png_of_the_requested_size_and_dpi(tmp_path, capsys):
    out = tmp_path / "gap.png"
    assert main(["export-map", "--indicator", "funding_gap", "--lang", "en", "--dpi", "72", "--out", str(out)]) == 0
    img = Image.open(out)
    assert img.size[0] == pytest.approx(297 / 25.4 * 72, abs=1.5)
    assert img.size[1] == pytest.approx(210 / 25.4 * 72, abs=1.5)
    assert img.info["dpi"] == pytest.approx((72, 72), abs=0.05)
    assert "wrote" in capsys.readouterr().out


def test_export_map_takes_format_paper_and_filters(tmp_path):
    out = tmp_path / "sub" / "need.pdf"
    rc = main(["--lang", "vi", "export-map", "--indicator", "need", "--paper", "A3", "--orientation", "portrait",
               "--layers", "crop_zones,projects", "--content-area", "3", "--status", "proposal,appraised",
               "--from", "2022", "--to", "2024", "--out", str(out)])
    assert rc == 0
    assert out.read_bytes().startswith(b"%PDF")


def test_unknown_indicator_fails_and_lists_the_valid_ones(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["export-map", "--indicator", "gapp", "--out", str(tmp_path / "x.png")])
    assert exit_.value.code != 0
    err = capsys.readouterr().err
    assert all(key in err for key in INDICATORS) and "funding_gap" in err
    assert not (tmp_path / "x.png").exists()


def test_bad_filter_and_extension_fail_clearly(tmp_path, capsys):
    with pytest.raises(SystemExit):
        main(["export-map", "--indicator", "gap", "--status", "done", "--out", str(tmp_path / "x.png")])
    assert "committed" in capsys.readouterr().err  # lists the valid statuses
    assert main(["export-map", "--indicator", "gap", "--out", str(tmp_path / "x.jpg")]) == 2
    assert ".png" in capsys.readouterr().err


def test_help_documents_indicator_keys_and_the_alias():
    out = subprocess.run([sys.executable, "-m", "geo", "export-map", "--help"], capture_output=True, text=True)
    assert out.returncode == 0
    assert "funding_gap" in out.stdout and all(k in out.stdout for k in INDICATORS)


def test_atlas_writes_district_plus_one_page_per_commune(tmp_path, capsys, ds):
    out = tmp_path / "maps"
    assert main(["atlas", "--indicator", "funding_gap", "--dpi", "50", "--out", str(out)]) == 0
    files = sorted(out.iterdir())
    assert len(files) == len(ds.communes) + 1 == 14
    assert all(f.suffix == ".png" and f.read_bytes().startswith(b"\x89PNG") for f in files)
    for code in ds.communes["code"]:
        assert sum(code in f.name for f in files) == 1
    assert any("district" in f.name for f in files)
    assert "14/14" in capsys.readouterr().err  # the progress bar reached the end
