"""A pitch pack for the units from 1/7/2025 draws every map (deck and one-pagers) on those units and says so."""

from __future__ import annotations

import io

import pytest
from pptx import Presentation

from geo.analysis.funding import Filters
from geo.cli.main import main
from geo.model import schema
from geo.output.maps import render
from geo.output.pitch import deck
from geo.output.pitch import pack as pitch
from geo.text.i18n import t


def _label_count(fig) -> int:
    return len([a for a in fig.findobj() if str(a.get_gid()).startswith("label-")])


def _footer(fig) -> str:
    return next(a.get_text() for a in fig.findobj() if a.get_gid() == "footer")


@pytest.fixture
def spy(monkeypatch):
    """Every print map drawn: (units asked for, number of unit labels, footer text)."""
    drawn: list[tuple[str, int, str]] = []
    real = render.render_map

    def recording(*args, **kwargs):
        fig = real(*args, **kwargs)
        drawn.append((kwargs.get("units", schema.DEFAULT_UNIT_VERSION), _label_count(fig), _footer(fig)))
        return fig

    monkeypatch.setattr(render, "render_map", recording)
    return drawn


def _n_units(ds, version: str) -> int:
    """How many units a version has, from the data (not the renderer)."""
    return len(ds.communes) if version == "2021" else ds.units_2025["code"].nunique()


@pytest.mark.parametrize("version", ["2021", "2025"])
def test_every_map_of_a_deck_uses_the_pack_units(ds, spy, version):
    pack = pitch.build_pack(ds, pitch.Target("theme", theme=3), Filters(), lang="en", top=2, unit_version=version)
    specs = [pack.context_map, pack.gap_map, *(o.map for o in pack.opportunities)]
    assert {s.units for s in specs} == {version}
    codes = set(ds.communes["code"]) if version == "2021" else set(ds.units_2025["code"])
    assert all(s.highlight in codes for s in specs if s.highlight is not None)
    assert any(s.highlight is not None for s in specs)  # the opportunity maps zoom to their unit
    deck.build_deck(pack, lambda spec: pitch.render_png(ds, spec, pack.filters, "en", dpi=20))
    assert len(spy) == len(specs)
    label = schema.UNIT_VERSIONS[version]("en")
    for units, labels, footer in spy:
        assert units == version
        assert labels == _n_units(ds, version)
        assert label in footer


def test_cli_2025_deck_and_one_pagers_draw_the_new_units(tmp_path, spy, ds):
    out, pdfs = tmp_path / "d.pptx", tmp_path / "pdf"
    assert main(["pitch", "--theme", "3", "--top", "1", "--units", "2025", "--dpi", "20", "--out", str(out),
                 "--pdf", str(pdfs)]) == 0
    assert len(list(pdfs.glob("*.pdf"))) == 1
    assert spy and {u for u, _, _ in spy} == {"2025"}
    assert {n for _, n, _ in spy} == {_n_units(ds, "2025")}


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_provenance_slide_names_the_units_of_tables_and_maps(ds, lang):
    pack = pitch.build_pack(ds, pitch.Target("theme", theme=3), lang=lang, top=1, unit_version="2025")
    prs = Presentation(io.BytesIO(deck.build_deck(pack, lambda spec: _blank_png())))
    text = "\n".join(s.text_frame.text for s in list(prs.slides)[-1].shapes if s.has_text_frame)
    new, old = schema.UNIT_VERSIONS["2025"](lang), schema.UNIT_VERSIONS["2021"](lang)
    maps_line = t("pitch.maps_units", lang, units=new)
    assert new in maps_line and maps_line in text
    assert old not in text  # nothing says the maps (or tables) use the old units


def _blank_png() -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (8, 6), "white").save(buf, "PNG")
    return buf.getvalue()


def test_pitch_page_builds_a_2025_pack_with_2025_maps(app_page, spy, ds):
    at = app_page("pages/pitch.py", "en", units_kept="2025", pack_kind="theme", pack_theme=6, pack_top=1)
    at.button(key="pack_build").click().run()
    assert not at.exception
    assert "pack_built" in at.session_state
    assert spy and {u for u, _, _ in spy} == {"2025"}
    assert {n for _, n, _ in spy} == {_n_units(ds, "2025")}
    assert any(t("pitch.maps_units", "en", units=schema.UNIT_VERSIONS["2025"]("en")) in c.value for c in at.caption)
