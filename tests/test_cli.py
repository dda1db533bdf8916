import subprocess
import sys

import pandas as pd
import pytest

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


@pytest.mark.parametrize("command", ["indicators", "units"])  # output smaller and larger than stdout's buffer
def test_output_piped_into_a_reader_that_stops_early_gives_no_traceback(tmp_path, command):
    """``python -m geo units | head -c 10``: the reader has gone before the command writes; it stops quietly."""
    import os

    env = {**os.environ, "ATLAS_DATA_DIR": str(tmp_path)}
    proc = subprocess.Popen([sys.executable, "-m", "geo", command], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # what head does once it has its line; the command is still starting up
    err = proc.stderr.read().decode()
    proc.wait(timeout=120)
    assert "Traceback" not in err and "BrokenPipeError" not in err, err
