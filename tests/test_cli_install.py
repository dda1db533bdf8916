"""The command line as an installed command: `atlas` (pyproject.toml [project.scripts], installed by
`pip install -r requirements.txt`) has the sub-commands of `python -m geo`, works from any folder, and its
`--help` imports none of the heavy libraries (what made it take seconds)."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from geo.cli.commands import COMMANDS
from geo.cli.main import build_parser
from tests.helpers import ROOT

HEAVY = ("pandas", "geopandas", "matplotlib", "mapclassify", "shapely", "pyogrio", "openpyxl", "pptx", "streamlit")


def installed_atlas() -> str:
    """The `atlas` script next to this Python (or on PATH). Skip when not installed locally; fail in CI."""
    name = "atlas.exe" if os.name == "nt" else "atlas"
    beside = Path(sys.executable).parent / name
    found = str(beside) if beside.exists() else shutil.which("atlas")
    if found:
        return found
    if os.environ.get("ATLAS_REQUIRE_CLI") == "1":
        pytest.fail("the `atlas` command is not installed: `pip install -r requirements.txt` must install it")
    pytest.skip("the `atlas` command is not installed here (pip install -r requirements.txt installs it)")


def subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def test_installed_atlas_runs_help_and_info_from_any_folder(tmp_path):
    atlas = installed_atlas()
    elsewhere = tmp_path / "somewhere else"
    elsewhere.mkdir()
    out = subprocess.run([atlas, "--help"], cwd=elsewhere, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("usage: atlas")
    assert all(name in out.stdout for name in COMMANDS)
    out = subprocess.run([atlas, "info"], cwd=elsewhere, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert "13 communes" in out.stdout and "illustrative" in out.stdout  # the bundled data, found from elsewhere
    out = subprocess.run([atlas, "--lang", "vi", "donors"], cwd=elsewhere, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0 and "jica" in out.stdout


def test_python_m_geo_finds_the_bundled_data_from_another_folder(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-m", "geo", "indicators"], cwd=tmp_path, env=env, capture_output=True,
                         text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert len([line for line in out.stdout.splitlines() if line[:1].isdigit()]) == 13


@pytest.mark.parametrize("argv", [["--help"], ["--lang", "vi", "--help"]])
def test_help_imports_no_heavy_library(argv):
    code = ("import sys, contextlib, io\n"
            "from geo.cli.main import main\n"
            "with contextlib.redirect_stdout(io.StringIO()) as buf:\n"
            f"    try: main({argv!r})\n"
            "    except SystemExit: pass\n"
            "import json; print(json.dumps({'help': buf.getvalue(), 'loaded': sorted(m for m in sys.modules)}))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert "export-map" in result["help"]
    assert [m for m in HEAVY if m in result["loaded"]] == []


def _runs(parser) -> bool:
    """The command runs something: it has a function, or every one of its own sub-commands has
    (``store copy|init|check|backup|restore``)."""
    if parser.get_default("func") is not None:
        return True
    nested = subcommands(parser)
    return bool(nested) and all(p.get_default("func") is not None for p in nested.values())


def test_every_listed_command_is_registered_by_its_module():
    full = subcommands(build_parser())  # every module registered
    assert list(full) == list(COMMANDS)
    for name, parser in full.items():
        assert _runs(parser), name
        only = subcommands(build_parser([name]))  # just that command's module, the others one line each
        assert _runs(only[name])
        assert all(p.get_default("func") is None for n, p in only.items() if COMMANDS[n] != COMMANDS[name])
