"""The command line's help and argparse's own words in the chosen language (issue 12): ``--lang vi|en`` before the
command, else ``$ATLAS_LANG``, else English. Every command's ``--help`` in one language shows no phrase of the
other language's catalogue and no raw key; errors of the parser (a missing argument, a wrong choice) are in
that language too, with the choices written as they are typed."""

from __future__ import annotations

import argparse
import inspect
import os
import re
import subprocess
import sys

import pytest

from geo.cli.commands import COMMANDS
from geo.cli.main import build_parser, main
from geo.cli.words import LITERAL_WORDS, MESSAGES, PLURALS, placeholder
from geo.output.exports.export_data import FORMATS
from geo.text.i18n import t
from tests.helpers import ROOT, foreign_fragments, key_leaks

#: Every command and the actions of the two that have their own (``store copy``, ``users add``, ...).
NESTED = [("store", a) for a in ("copy", "init", "check", "backup", "restore")] + [
    ("users", a) for a in ("add", "list", "disable", "enable", "reset-password")]
EVERY = [(c,) for c in COMMANDS] + NESTED
#: The words argparse writes itself, one of which every help page has.
OWN = {"vi": ("cách dùng:", "tùy chọn:", "hiện trợ giúp này rồi thoát"),
       "en": ("usage:", "options:", "show this help message and exit")}


def _help(capsys, monkeypatch, argv: list[str]) -> str:
    """``--help`` of ``argv`` run in this process, unwrapped (argparse wraps at the terminal's width)."""
    monkeypatch.setenv("COLUMNS", "10000")
    with pytest.raises(SystemExit) as exit_:
        main([*argv, "--help"])
    assert exit_.value.code == 0
    return capsys.readouterr().out


def _run(*argv: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if k != "ATLAS_LANG"}
    environ.update(PYTHONPATH=str(ROOT), COLUMNS="10000", **(env or {}))
    return subprocess.run([sys.executable, "-m", "geo", *argv], cwd=ROOT, env=environ, capture_output=True,
                          text=True, timeout=300)


@pytest.fixture(scope="module")
def foreign():
    return {lang: foreign_fragments(lang)[0] for lang in ("vi", "en")}  # phrases; short words are node checks


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("command", EVERY, ids=" ".join)
def test_every_command_help_speaks_only_the_chosen_language(capsys, monkeypatch, foreign, lang, command):
    monkeypatch.delenv("ATLAS_LANG", raising=False)
    out = _help(capsys, monkeypatch, ["--lang", lang, *command])
    assert out.startswith(t("cli.argparse.usage", lang) + "python -m geo " + " ".join(command))
    assert all(word in out for word in OWN[lang]), out
    assert not [f for f in foreign[lang] if f in out], out
    assert not [w for w in OWN["en" if lang == "vi" else "vi"] if w in out], out
    assert key_leaks(out) == [], out


def _placeholders(lang: str) -> dict[tuple[str, ...], str | tuple[str, ...]]:
    """(command, sub-command, ..., dest) → the placeholder its help shows, for every command in ``lang``."""
    found: dict[tuple[str, ...], str | tuple[str, ...]] = {}

    def walk(parser: argparse.ArgumentParser, path: tuple[str, ...]) -> None:
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    walk(sub, (*path, name))
            elif (shown := placeholder(action)) is not None:
                found[(*path, action.dest)] = shown
    walk(build_parser(lang=lang), ())
    return found


def test_every_placeholder_is_in_the_chosen_language(capsys, monkeypatch):
    vi, en = _placeholders("vi"), _placeholders("en")
    assert vi.keys() == en.keys() and len(en) > 80
    assert (en[("export-map", "out")], en[("import-basemap", "file")]) == ("OUT", "file")  # argparse's own
    assert (vi[("export-map", "out")], vi[("import-basemap", "file")]) == ("TỆP_RA", "tệp")
    english = {where: shown for where, shown in en.items()
               if set(re.findall(r"[A-Za-z_]+", str(shown))) - LITERAL_WORDS and vi[where] == shown}
    assert english == {}  # an English placeholder on a Vietnamese help page
    assert vi[("export-map", "content_area")] == "N[,N]" and vi[("report", "start")] == t("cli.metavar.start", "vi")
    assert vi[("report-period", "start")] == "YYYY-MM-DD"  # a format, typed as it is
    out = _help(capsys, monkeypatch, ["--lang", "vi", "export-map"])
    assert "--out TỆP_RA" in out and "--source KHÓA[,KHÓA]" in out and " OUT" not in out


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_command_list_is_in_the_chosen_language(capsys, monkeypatch, lang):
    monkeypatch.delenv("ATLAS_LANG", raising=False)
    out = _help(capsys, monkeypatch, ["--lang", lang])
    assert all(f"{name}" in out and t(f"cli.help.{name}", lang) in out for name in COMMANDS), out
    assert t("cli.description", lang) in out and t("cli.metavar.command", lang) in out


def test_atlas_lang_chooses_the_help_language_and_lang_overrides_it(capsys, monkeypatch):
    monkeypatch.setenv("ATLAS_LANG", "vi")
    assert t("cli.help.template.money", "vi") in _help(capsys, monkeypatch, ["template"])
    assert t("cli.help.template.money", "en") in _help(capsys, monkeypatch, ["--lang", "en", "template"])
    assert t("cli.help.template.money", "en") in _help(capsys, monkeypatch, ["--lang=en", "template"])
    monkeypatch.delenv("ATLAS_LANG")
    assert t("cli.help.template.money", "en") in _help(capsys, monkeypatch, ["template"])  # the default


def test_an_unknown_atlas_lang_is_refused_in_both_languages(monkeypatch):
    monkeypatch.setenv("ATLAS_LANG", "fr")
    with pytest.raises(SystemExit) as exit_:
        main(["info"])
    message = str(exit_.value.code)
    assert "ATLAS_LANG=fr" in message and "ngôn ngữ không có" in message and "unknown language" in message


def test_a_missing_required_argument_is_refused_in_vietnamese(tmp_path):
    out = _run("--lang", "vi", "template", env={"ATLAS_DATA_DIR": str(tmp_path)})
    assert out.returncode == 2
    assert out.stderr.startswith("cách dùng: python -m geo template")
    assert "python -m geo template: lỗi: thiếu các đối số bắt buộc: --out" in out.stderr
    assert "usage" not in out.stderr and "error" not in out.stderr and "required" not in out.stderr
    assert list(tmp_path.iterdir()) == []  # nothing written


def test_atlas_lang_makes_the_same_refusal_vietnamese_and_english_stays_argparses_own(tmp_path):
    vi = _run("export", "--out", "x.gpkg", env={"ATLAS_LANG": "vi", "ATLAS_DATA_DIR": str(tmp_path)})
    assert vi.returncode == 2 and "lỗi: thiếu các đối số bắt buộc: --format" in vi.stderr
    en = _run("export", "--out", "x.gpkg", env={"ATLAS_DATA_DIR": str(tmp_path)})
    assert en.returncode == 2 and "error: the following arguments are required: --format" in en.stderr


def test_choices_are_shown_as_they_are_typed(capsys, monkeypatch, tmp_path):
    monkeypatch.delenv("ATLAS_LANG", raising=False)
    out = _help(capsys, monkeypatch, ["--lang", "vi", "import-layer"])
    assert "--quality {official,approximate,illustrative}" in out  # typed values, not translated names
    refused = _run("--lang", "vi", "export", "--format", "pdf", "--out", str(tmp_path / "x"))
    typed = ", ".join(repr(f) for f in FORMATS)
    assert refused.returncode == 2
    assert f"đối số --format: lựa chọn không hợp lệ: 'pdf' (chọn một trong {typed})" in refused.stderr


@pytest.mark.parametrize(("argv", "said"), [
    (["export-map", "--indicator", "gap", "--layers", "roads"], "đối số --layers: lớp không có: roads; hợp lệ: crop_zones"),
    (["export-map", "--indicator", "gap", "--dpi", "5000"], "đối số --dpi: dpi phải từ 50 đến 1200"),
    (["report", "--ratio", "roads=0.1"], "đối số --ratio: cần SOURCE=RATIO với SOURCE là một trong oda_grant"),
])
def test_a_value_refused_by_an_options_own_check_is_in_vietnamese(tmp_path, argv, said):
    out = _run("--lang", "vi", *argv, "--out", str(tmp_path / "out.png"))
    assert out.returncode == 2
    assert said in out.stderr, out.stderr
    assert not list(tmp_path.iterdir())


def test_every_translated_message_is_one_argparse_still_writes():
    """A Python upgrade that rewords argparse would silently bring the English back: fail instead."""
    source = inspect.getsource(argparse)
    for message, key in MESSAGES.items():
        assert repr(message)[1:-1] in source, message
        assert t(key, "en") == message and t(key, "vi") != message, key
    for (one, other), key in PLURALS.items():
        assert repr(one)[1:-1] in source and repr(other)[1:-1] in source
        assert (t(f"{key}_one", "en"), t(f"{key}_other", "en")) == (one, other)


def test_argparse_is_english_again_after_a_vietnamese_run(capsys, monkeypatch):
    """The words are swapped for one run only: another parser in the same process keeps argparse's own."""
    _help(capsys, monkeypatch, ["--lang", "vi", "info"])
    assert argparse.ArgumentParser(prog="x").format_usage() == "usage: x [-h]\n"
