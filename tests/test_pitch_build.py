"""The pitch-pack files the page and the CLI share (geo.output.pitch.build), and the page's pitch tables."""

from __future__ import annotations

import io
import zipfile

import pypdf
import pytest
from pptx import Presentation

from geo.analysis import funding, matching
from geo.analysis.indicators import commune_indicators
from geo.ingest import donors
from geo.output.pitch import build, deck, onepager, tables
from geo.output.pitch import pack as pitch
from geo.text.i18n import t

PROFILES = donors.by_id(donors.profiles_from_frame(donors.bundled_frame()))


def test_files_hold_the_deck_and_one_pager_per_opportunity(ds):
    pack = pitch.build_pack(ds, pitch.Target("theme", theme=3), lang="vi", top=2)
    files = build.build_files(ds, pack, render=lambda spec: deck.TINY_PNG)
    assert len(Presentation(io.BytesIO(files.deck)).slides) == deck.slide_count(pack)
    assert list(files.onepagers) == [onepager.file_name(o) for o in pack.opportunities]
    with zipfile.ZipFile(io.BytesIO(files.onepagers_zip())) as z:
        assert z.namelist() == list(files.onepagers)
        first = pypdf.PdfReader(io.BytesIO(z.read(z.namelist()[0])))
    assert pack.opportunities[0].title in first.pages[0].extract_text()
    assert build.build_files(ds, pack, render=lambda spec: deck.TINY_PNG, onepagers=False).onepagers == {}


def test_each_map_is_drawn_once(ds):
    pack = pitch.build_pack(ds, pitch.Target("theme", theme=3), lang="en", top=1)
    render = build.map_renderer(ds, pack.filters, "en", dpi=20)
    png = render(pack.opportunities[0].map)
    assert png[:4] == b"\x89PNG"
    assert render(pack.opportunities[0].map) is png  # the one-pager reuses the deck's map


def test_target_from_the_pack_settings():
    assert build.target_from({"pack_kind": "donor", "pack_donor": "jica"}, PROFILES).slug() == "jica"
    assert build.target_from({"pack_kind": "donor", "pack_donor": "usaid"}, PROFILES) is None
    assert build.target_from({"pack_kind": "theme", "pack_theme": 6}, PROFILES) == pitch.Target("theme", theme=6)
    assert build.target_from({"pack_kind": "communes", "pack_communes": []}, PROFILES) is None
    assert build.target_from({"pack_kind": "communes", "pack_communes": ["03424"]}, PROFILES).communes == ("03424",)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_donor_match_table_columns_and_order(ds, lang):
    cands = matching.candidates(ds.projects, ds.funding, commune_indicators(ds, funding.Filters()), ds.risk_zones)
    matches = matching.match_donor(PROFILES["unicef"], cands)
    names = dict(zip(ds.communes["code"], ds.communes["full_name"]))
    shown = tables.donor_matches_table(matches, cands, names, lang)
    assert list(shown.columns) == ["#", t("gaps.col.project_id", lang), t("gaps.col.project", lang),
                                   t("common.commune", lang), t("gaps.col.content_area", lang), t("pitch.ask", lang),
                                   t("pitch.col_area_fit", lang), t("pitch.col_instrument", lang),
                                   t("pitch.col_size_fit", lang), t("pitch.col_fit", lang),
                                   t("priority.col.score", lang), t("pitch.col_match", lang)]
    assert shown["#"].tolist() == list(range(1, len(matches) + 1))
    assert shown[t("gaps.col.project_id", lang)].tolist() == list(matches.index)  # best match first


def test_opportunities_table_follows_the_deck(ds):
    pack = pitch.build_pack(ds, pitch.Target("donor", donor=PROFILES["jica"]), lang="en", top=3)
    shown = tables.opportunities_table(pack, "en")
    assert shown[t("pitch.col_opportunity", "en")].tolist() == [o.title for o in pack.opportunities]
    assert "JICA" in tables.pack_summary(pack, "en")


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_pitch_summary_figures_are_those_of_the_opportunities_in_the_pack(ds, lang):
    from geo.text import fmt

    pack = pitch.build_pack(ds, pitch.Target("donor", donor=PROFILES["jica"]), lang=lang, top=3)
    lines = ds.funding[ds.funding["project_id"].isin([o.key for o in pack.opportunities])]
    gap = int((lines["need"] - lines["committed"]).clip(lower=0).sum())
    intl = lines[lines["source"].isin(matching.INTERNATIONAL)]
    ask = int((intl["need"] - intl["committed"]).clip(lower=0).sum())
    summary = tables.pack_summary(pack, lang)
    assert fmt.vnd(int(lines["need"].sum()), lang) in summary and fmt.vnd(gap, lang) in summary
    assert fmt.vnd(ask, lang) in summary
    assert fmt.vnd(pack.totals["gap"], lang) not in summary  # not the whole filtered district
    slides = list(Presentation(io.BytesIO(deck.build_deck(pack, lambda spec: deck.TINY_PNG))).slides)
    assert f"{len(slides)} " in summary
    cover = {s.name: s.text_frame.text for s in slides[0].shapes if s.has_text_frame}
    assert cover["figure_gap"] == fmt.vnd_short(gap, lang) and cover["figure_need"] == fmt.vnd_short(
        int(lines["need"].sum()), lang)
    assert t("pitch.vnd_only", lang) in cover["key_figures"]  # no sourced rate is configured: VND only, said


def test_a_sourced_rate_from_atlas_toml_shows_usd_with_the_rate_and_source_on_the_cover(ds):
    import dataclasses

    from geo.ingest.atlas_toml import parse_config
    from geo.ingest.validate import DataError
    from geo.text import fmt

    cfg = parse_config({"money": {"usd_rate": 26_000, "usd_rate_source": "Test rate, not a market figure"}})
    sourced = dataclasses.replace(ds, config=cfg)
    pack = pitch.build_pack(sourced, pitch.Target("donor", donor=PROFILES["jica"]), lang="en", top=2)
    cover = {s.name: s.text_frame.text for s in Presentation(io.BytesIO(deck.build_deck(
        pack, lambda spec: deck.TINY_PNG))).slides[0].shapes if s.has_text_frame}
    assert cover["figure_gap_usd"] == fmt.usd_short(pack.pitch_totals["gap"], 26_000, "en")
    assert "1 USD = VND 26,000 (source: Test rate, not a market figure)" in cover["key_figures"]
    with pytest.raises(DataError, match="usd_rate_source"):
        parse_config({"money": {"usd_rate": 26_000}})  # a rate without its source is refused
