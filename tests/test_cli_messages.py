"""What the commands print while they run (issue 12, non-negotiable 7): results and errors in the chosen language,
with no sentence of the other one and no catalogue key."""

from __future__ import annotations

import pytest

from geo.cli.main import main
from geo.text import fmt
from geo.text.i18n import t
from tests.helpers import foreign_fragments, key_leaks


def _run(capsys, monkeypatch, argv: list[str]) -> tuple[int, str, str]:
    monkeypatch.delenv("ATLAS_LANG", raising=False)
    monkeypatch.setenv("COLUMNS", "10000")
    try:
        rc = main(argv)
    except SystemExit as exit_:  # argparse's own refusals
        rc = int(exit_.code or 0)
    out = capsys.readouterr()
    return rc, out.out, out.err


def _one_language(text: str, lang: str) -> None:
    assert key_leaks(text) == [], text
    assert [f for f in foreign_fragments(lang)[0] if f in text] == [], text


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_info_counts_in_the_language_with_its_numbers(capsys, monkeypatch, store, lang):
    ds = store.load()
    rc, out, _ = _run(capsys, monkeypatch, ["--lang", lang, "info"])
    n = lambda v: fmt.number(v, lang)  # noqa: E731
    assert rc == 0 and out.splitlines()[0] == t("cli.info_counts", lang, communes=n(len(ds.communes)),
                                                  projects=n(len(ds.projects)), lines=n(len(ds.funding)))
    _one_language(out, lang)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_a_written_map_and_report_are_announced_in_the_language(capsys, monkeypatch, tmp_path, lang):
    png, xlsx = tmp_path / "gap.png", tmp_path / "r.xlsx"
    rc, out, _ = _run(capsys, monkeypatch, ["--lang", lang, "export-map", "--indicator", "gap", "--dpi", "50",
                                            "--out", str(png)])
    assert rc == 0 and out.strip() == t("cli.wrote", lang, path=png) and png.stat().st_size > 0
    rc, out, _ = _run(capsys, monkeypatch, ["--lang", lang, "report", "--lang", lang, "--out", str(xlsx)])
    assert rc == 0 and out.startswith(t("cli.wrote", lang, path=xlsx)[:-len(str(xlsx))]) and xlsx.exists()
    _one_language(out, lang)


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("argv, key, values", [
    (["export-map", "--indicator", "gap", "--out", "{tmp}/map.bmp"], "cli.maps.bad_format", {"out": "{tmp}/map.bmp"}),
    (["export-map", "--indicator", "gap", "--out", "{tmp}/m.png", "--from", "2027", "--to", "2022"],
     "cli.maps.years_reversed", {"lo": 2027, "hi": 2022}),
    (["report", "--from", "2026", "--to", "2021", "--out", "{tmp}/r.xlsx"], "report.bad_period",
     {"start": 2026, "end": 2021}),
    (["report", "--out", "{tmp}/missing/r.xlsx"], "cli.no_folder", {"folder": "{tmp}/missing"}),
    (["report", "--ratio", "oda_grant=5", "--out", "{tmp}/r.xlsx"], "cli.report.ratio_range",
     {"source": "oda_grant", "value": "5"}),
    (["export-map", "--indicator", "gap", "--out", "{tmp}/m.png", "--commune", "99999"], "cli.maps.unknown_commune",
     {"code": "99999", "units": "{units}", "valid": "{codes}"}),
    (["export-map", "--indicator", "gapx", "--out", "{tmp}/m.png"], "cli.maps.unknown_indicator",
     {"bad": "gapx", "valid": "{indicators}"}),
], ids=["map format", "years reversed", "period reversed", "no folder", "ratio over 1", "unknown commune",
        "unknown indicator"])
def test_a_refused_command_says_why_in_the_language_and_writes_nothing(capsys, monkeypatch, tmp_path, lang, argv,
                                                                         key, values):
    from geo.model import schema
    from geo.output.maps import render
    from geo.storage.store import default_store

    fill = {"{tmp}": str(tmp_path), "{units}": schema.UNIT_VERSIONS[schema.DEFAULT_UNIT_VERSION](lang),
            "{codes}": ", ".join(default_store().load().communes["code"]), "{indicators}": render.indicator_help()}

    def filled(v: object) -> object:
        if not isinstance(v, str):
            return v
        for k, new in fill.items():
            v = v.replace(k, new)
        return v

    argv = [str(filled(a)) for a in argv]
    values = {k: filled(v) for k, v in values.items()}
    rc, out, err = _run(capsys, monkeypatch, ["--lang", lang, *argv])
    assert rc == 2 and t(key, lang, **values) in err
    assert t("err.cli_error", lang, text="") in err  # "lỗi: " / "error: "
    _one_language(err, lang)
    assert list(tmp_path.iterdir()) == []  # nothing written
