import subprocess
import sys

import pandas as pd

from geo.cli.main import main


def test_help_lists_commands():
    out = subprocess.run([sys.executable, "-m", "geo", "--help"], capture_output=True, text=True)
    assert out.returncode == 0
    assert "info" in out.stdout and "indicators" in out.stdout


def test_info_states_provenance(capsys):
    assert main(["info"]) == 0
    out = capsys.readouterr().out
    assert "13 communes" in out
    assert "approximate" in out and "illustrative" in out


def test_indicators_csv_has_provenance_and_13_rows(tmp_path):
    out = tmp_path / "ind.csv"
    assert main(["--lang", "vi", "indicators", "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# ") and "minh họa" in text
    table = pd.read_csv(out, comment="#", dtype={"code": str})
    assert len(table) == 13 and table["code"].str.len().eq(5).all()


def test_no_command_prints_help_and_fails(capsys):
    assert main([]) == 2
