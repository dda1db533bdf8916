"""Pitch packs: the PPTX deck (python-pptx) and the PDF one-pagers (pypdf), their figures and honesty labels."""

from __future__ import annotations

import io
import re
import unicodedata

import pypdf
import pytest
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

from geo.analysis import funding
from geo.analysis.funding import Filters
from geo.ingest import donors
from geo.model import schema
from geo.output.pitch import deck, onepager
from geo.output.pitch import pack as pitch
from geo.output.reports import report
from geo.text import fmt
from geo.text.i18n import t

FILTERS = Filters(content_areas=(3, 4))  # what a user might narrow the funding page to


def digits(text: str) -> int:
    return int(re.sub(r"\D", "", text))


def lines_total(ds, f: Filters, column: str) -> int:
    """Independent sum over raw funding lines (gap floored per line), no atlas function involved."""
    p = ds.projects[ds.projects["status"] != "cancelled"]
    if f.content_areas:
        p = p[p["content_area"].isin(f.content_areas)]
    lines = ds.funding[ds.funding["project_id"].isin(p["project_id"])]
    if column == "gap":
        return int((lines["need"] - lines["committed"]).clip(lower=0).sum())
    return int(lines[column].sum())


def slide_text(slide) -> str:
    return "\n".join(s.text_frame.text for s in slide.shapes if s.has_text_frame)


def table_of(slide) -> list[list[str]]:
    (shape,) = [s for s in slide.shapes if s.has_table]
    return [[c.text for c in row.cells] for row in shape.table.rows]


def titled(prs, title: str) -> list:
    """The slides whose title is ``title`` or its continuation."""
    return [s for s in prs.slides if s.shapes.title.text in (title, t("pitch.continued", "en", title=title),
                                                             t("pitch.continued", "vi", title=title))]


def opportunity_slides(prs, pack, i: int) -> list:
    return titled(prs, f"{i}. {pack.opportunities[i - 1].title}")


@pytest.fixture(scope="module")
def jica(ds):
    return donors.by_id(donors.profiles_from_frame(donors.bundled_frame()))["jica"]


@pytest.fixture(scope="module")
def en_deck(ds, jica):
    pack = pitch.build_pack(ds, pitch.Target("donor", donor=jica), FILTERS, lang="en", top=2)
    data = deck.build_deck(pack, lambda spec: pitch.render_png(ds, spec, pack.filters, "en", dpi=30))
    return pack, Presentation(io.BytesIO(data))


def test_deck_tells_the_story_in_order(en_deck):
    pack, prs = en_deck
    slides = list(prs.slides)
    assert len(slides) == deck.slide_count(pack)
    titles = [s.shapes.title.text for s in slides]
    assert titles[0] == t("pitch.deck_title", "en")
    assert titles[1] == t("pitch.slide_people", "en")
    gaps = titles.index(t("pitch.slide_gaps", "en"))
    assert titles[gaps + 1] == t("pitch.slide_gap_table", "en")
    first = [titles.index(f"{i}. {o.title}") for i, o in enumerate(pack.opportunities, start=1)]
    assert gaps < first[0] < first[1]
    assert titles[-3:] == [t("pitch.slide_counterpart", "en"), t("pitch.slide_closing", "en"), t("sources.heading", "en")]
    assert "Japan International Cooperation Agency (JICA)" in slide_text(slides[0])
    closing = slide_text(slides[-2])
    assert "Finance–Planning Office (Phòng Tài chính – Kế hoạch)" in closing and "Phòng Dân tộc" in closing


def test_opportunity_slide_has_a_large_map_story_ask_by_instrument_and_why_this_donor_in_words(en_deck):
    pack, prs = en_deck
    opp = pack.opportunities[0]
    slides = opportunity_slides(prs, pack, 1)
    (pic,) = [s for s in slides[0].shapes if s.name == "map"]
    assert pic.width > deck.WIDTH / 2  # more than half the slide
    text = "\n".join(slide_text(s) for s in slides)
    assert opp.story and opp.story in text
    for key, value in (("pitch.ask_loan", opp.ask_loan), ("pitch.ask_grant", opp.ask_grant)):
        # an instrument the ask uses is named with its amount; one it does not use is left out, not "VND 0.0"
        assert (t(key, "en", amount=fmt.vnd_short(value, "en")) in text) == bool(value)
    assert opp.ask_loan or opp.ask_grant
    # beneficiaries and results are not recorded yet: the deck says so, nothing is made up
    assert t("pitch.not_recorded", "en") in text
    assert "Japan International Cooperation Agency (JICA) gives priority" in text
    assert "×" not in text and "Fit " not in text  # no scoring arithmetic
    assert t("pitch.cp_line", "en", committed=fmt.vnd_short(opp.counterpart_committed, "en"),
             required=fmt.vnd_short(opp.counterpart_if_funded, "en")) in text


def test_every_map_slide_has_a_picture_and_every_slide_the_illustrative_label(en_deck):
    pack, prs = en_deck
    maps = [titled(prs, t("pitch.slide_people", "en"))[0], titled(prs, t("pitch.slide_gaps", "en"))[0],
            *[opportunity_slides(prs, pack, i)[0] for i in (1, 2)]]
    for slide in maps:
        assert [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE and s.name == "map"]
    for slide in prs.slides:
        labels = [s for s in slide.shapes if s.name == "illustrative_label"]
        assert labels and labels[0].text_frame.text == "Illustrative data — not official figures"


def test_no_text_in_any_deck_is_below_12_pt(en_deck):
    _, prs = en_deck
    sizes = {r.font.size.pt for s in prs.slides for sh in s.shapes if sh.has_text_frame
             for p in sh.text_frame.paragraphs for r in p.runs}
    sizes |= {r.font.size.pt for s in prs.slides for sh in s.shapes if sh.has_table
              for row in sh.table.rows for c in row.cells for p in c.text_frame.paragraphs for r in p.runs}
    assert min(sizes) >= 12


def test_provenance_slide_names_units_sources_and_donor_quality(en_deck, ds):
    _, prs = en_deck
    text = slide_text(list(prs.slides)[-1])
    assert "Administrative units: Units 2021–2025" in text
    for layer in ("communes", "projects", "funding", "donors"):
        assert ds.provenance[layer].title("en") in text
    assert "illustrative" in text and "Counterpart ratios (assumptions)" in text


def test_deck_totals_equal_the_funding_page_for_the_same_filters(en_deck, ds):
    _, prs = en_deck
    total = table_of(titled(prs, t("pitch.slide_gap_table", "en"))[-1])[-1]
    assert total[0] == "Total"
    deck_need, deck_committed, deck_gap = (digits(c) for c in total[1:])
    # Same function as the Funding gaps page …
    projects, lines = funding.apply_filters(ds.projects, ds.funding, FILTERS)
    page = report.gap_tables(ds, projects, lines, "en")["by_commune"]
    assert (deck_need, deck_committed, deck_gap) == (page["need"].sum(), page["committed"].sum(), page["gap"].sum())
    # … and an independent sum of the funding lines.
    assert (deck_need, deck_committed, deck_gap) == tuple(lines_total(ds, FILTERS, c) for c in ("need", "committed", "gap"))
    assert fmt.vnd_short(deck_gap, "en") in slide_text(list(prs.slides)[0])  # the cover's "whole scope" line


def test_opportunity_table_sums_the_projects_funding_lines(en_deck, ds):
    pack, prs = en_deck
    pid = pack.opportunities[0].key
    (rows,) = [table_of(s) for s in opportunity_slides(prs, pack, 1) if any(sh.has_table for sh in s.shapes)]
    lines = ds.funding[ds.funding["project_id"] == pid]
    assert len(rows) == 1 + len(lines) + 1  # header, one row per source, total
    assert digits(rows[-1][1]) == int(lines["need"].sum())
    assert digits(rows[-1][3]) == int((lines["need"] - lines["committed"]).clip(lower=0).sum())


def test_the_funding_page_shows_the_same_totals_as_the_deck(app_page, en_deck):
    _, prs = en_deck
    deck_total = [digits(c) for c in table_of(titled(prs, t("pitch.slide_gap_table", "en"))[-1])[-1][1:]]
    at = app_page("pages/funding.py", "en")
    at.multiselect(key="f_areas").set_value(list(FILTERS.content_areas)).run()
    assert not at.exception
    table = next(d.value for d in at.dataframe if t("gaps.col.committed_per_person", "en") in d.value.columns)
    row = table.iloc[-1]
    assert [digits(row[t(f"common.{c}", "en")]) for c in ("need", "committed", "gap")] == deck_total


def test_vietnamese_deck_keeps_diacritics_and_a_vietnamese_font(ds):
    pack = pitch.build_pack(ds, pitch.Target("communes", communes=("03424", "03427")), lang="vi")
    prs = Presentation(io.BytesIO(deck.build_deck(pack, lambda spec: deck.TINY_PNG)))
    slides = list(prs.slides)
    assert slides[0].shapes.title.text == "Cơ hội hợp tác đầu tư tại huyện Tam Đường, tỉnh Lai Châu"
    titles = [s.shapes.title.text for s in slides]
    assert [x for x in titles if x[:2] in ("1.", "2.") and "tiếp theo" not in x] == ["1. Xã Bản Bo", "2. Xã Nà Tăm"]
    text = "\n".join(slide_text(s) for s in slides)
    assert unicodedata.is_normalized("NFC", text)
    assert "Dữ liệu minh họa — không phải số liệu chính thức" in text
    fonts = {r.font.name for s in slides for sh in s.shapes if sh.has_text_frame
             for p in sh.text_frame.paragraphs for r in p.runs}
    assert fonts == {deck.FONT}
    # Only the chosen communes: their table rows and total are theirs alone.
    rows = table_of(titled(prs, t("pitch.slide_gap_table", "vi"))[0])
    assert [r[0] for r in rows[1:-1]] == ["Xã Bản Bo", "Xã Nà Tăm"]
    lines = ds.funding.merge(ds.projects[["project_id", "commune_code", "status"]])
    lines = lines[lines["commune_code"].isin(["03424", "03427"]) & (lines["status"] != "cancelled")]
    assert digits(rows[-1][1]) == int(lines["need"].sum())


def test_units_2025_table_has_the_new_units_and_the_same_total(ds, jica):
    old = pitch.build_pack(ds, pitch.Target("donor", donor=jica), lang="en", top=1)
    new = pitch.build_pack(ds, pitch.Target("donor", donor=jica), lang="en", top=1, unit_version="2025")
    assert len(old.unit_table) == 13 + 1 and len(new.unit_table) == 6 + 1
    assert old.totals == new.totals
    assert "Units from 1/7/2025" in new.provenance[0]
    assert "from 1/7/2025 part of" in dict(new.opportunities[0].facts)["Commune"]


def test_theme_pack_keeps_only_that_content_area(ds):
    pack = pitch.build_pack(ds, pitch.Target("theme", theme=7), lang="en", top=10)
    area7 = ds.projects.set_index("project_id")["content_area"]
    assert pack.opportunities and all(area7[o.key] == 7 for o in pack.opportunities)
    assert pack.totals["gap"] == lines_total(ds, Filters(content_areas=(7,)), "gap")


def test_one_pager_pdf_has_name_label_provenance_and_map(ds):
    pack = pitch.build_pack(ds, pitch.Target("communes", communes=("03430",)), lang="vi")
    opp = pack.opportunities[0]
    pdf = onepager.build_onepager(pack, opp, pitch.render_png(ds, opp.map, pack.filters, "vi", dpi=30))
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) <= 2  # at 12 pt the provenance may flow onto a second page
    first = unicodedata.normalize("NFC", reader.pages[0].extract_text())
    text = "\n".join(unicodedata.normalize("NFC", p.extract_text()) for p in reader.pages)
    assert "Xã Khun Há" in first
    assert "Dữ liệu minh họa — không phải số liệu chính thức" in first
    assert "Đơn vị hành chính" in text and "minh họa" in text  # unit version and provenance lines
    assert len(reader.pages[0].images) >= 1
    assert onepager.file_name(opp) == "03430-xa-khun-ha.pdf"


def test_project_one_pager_in_english_names_the_project(ds, jica):
    pack = pitch.build_pack(ds, pitch.Target("donor", donor=jica), lang="en", top=1)
    opp = pack.opportunities[0]
    reader = pypdf.PdfReader(io.BytesIO(onepager.build_onepager(pack, opp, deck.TINY_PNG)))
    text = " ".join(" ".join(unicodedata.normalize("NFC", p.extract_text()) for p in reader.pages).split())
    assert opp.title.split(",")[0] in text and "Illustrative data" in text
    assert "Why Japan International Cooperation Agency (JICA)" in text and "gives priority" in text
    assert "Fit 1.00" not in text


def _seeking_money(ds, area: int) -> dict[str, str]:
    """Projects of a content area with an international gap, not completed/rejected/cancelled: id → status."""
    p = ds.projects[(ds.projects["content_area"] == area) & ~ds.projects["status"].isin(["completed", "rejected", "cancelled"])]
    intl = {"oda_grant", "concessional_loan", "ngo", "foreign_business"}
    lines = ds.funding[ds.funding["project_id"].isin(p["project_id"]) & ds.funding["source"].isin(intl)]
    asking = set(lines.loc[(lines["need"] - lines["committed"]) > 0, "project_id"])
    return {pid: st for pid, st in zip(p["project_id"], p["status"]) if pid in asking}


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_a_pack_shows_only_projects_approved_for_pitching_unless_asked_and_says_so(ds, lang):
    seeking = _seeking_money(ds, 3)
    early = {pid for pid, st in seeking.items() if st in ("proposal", "appraised")}
    assert early and set(seeking) - early  # the value-chain theme has both (the bundled pipeline)
    pack = pitch.build_pack(ds, pitch.Target("theme", theme=3), lang=lang, top=15)
    shown = {o.key for o in pack.opportunities}
    assert shown and not shown & early and {o.status for o in pack.opportunities} <= {"approved", "committed", "implementing"}
    assert pack.left_out == len(early)
    line = t("pitch.stages_default", lang, n=len(early))
    assert line in pack.provenance  # on the provenance slide and page of every one-pager
    slides = Presentation(io.BytesIO(deck.build_deck(pack, lambda spec: deck.TINY_PNG))).slides
    assert line in "\n".join(slide_text(s) for s in list(slides)[-2:])
    every = pitch.build_pack(ds, pitch.Target("theme", theme=3), lang=lang, top=15, stages=())
    assert {o.key for o in every.opportunities} == set(seeking) and every.left_out == 0
    assert t("pitch.stages_all", lang) in every.provenance
    some = pitch.build_pack(ds, pitch.Target("theme", theme=3), lang=lang, top=15, stages=("proposal",))
    assert {o.key for o in some.opportunities} == early


def test_an_unknown_workflow_step_is_refused_with_the_valid_ones(ds):
    with pytest.raises(ValueError) as err:
        pitch.build_pack(ds, pitch.Target("theme", theme=3), stages=("pitched",))
    assert "pitched" in str(err.value) and "approved" in str(err.value)


def test_bad_targets_fail_clearly(ds):
    with pytest.raises(ValueError, match="unknown commune code"):
        pitch.build_pack(ds, pitch.Target("communes", communes=("99999",)))
    with pytest.raises(ValueError, match="content area"):
        pitch.Target("theme", theme=11)


def test_html_in_a_project_name_stays_text_in_the_pdf(hostile_ds):
    # TD-XSS is a proposal: only a pack that takes every workflow step shows it
    pack = pitch.build_pack(hostile_ds, pitch.Target("theme", theme=10), lang="en", top=10, stages=())
    xss = [o for o in pack.opportunities if o.key == "TD-XSS"]
    assert xss, "the HTML-named test project should be a communication-area opportunity"
    text = pypdf.PdfReader(io.BytesIO(onepager.build_onepager(pack, xss[0], deck.TINY_PNG))).pages[0].extract_text()
    assert "<img src=x onerror=alert(1)>" in text


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_each_project_opportunity_states_its_landslide_risk_and_that_the_zones_are_illustrative(ds, lang):
    """The plan's second content area is about landslides: a donor reads where each project stands, and the
    bundled buffers are never sold as a hazard map."""
    import dataclasses

    from shapely.geometry import box

    # one project put inside a high-risk zone drawn around its point
    pid = "TD-007"
    lon, lat = ds.projects.set_index("project_id").loc[pid, ["lon", "lat"]]
    zones = ds.risk_zones.iloc[:1].copy()
    zones["risk_level"] = "high"
    zones = zones.set_geometry([box(lon - 0.01, lat - 0.01, lon + 0.01, lat + 0.01)], crs=ds.risk_zones.crs)
    local = dataclasses.replace(ds, risk_zones=zones)
    pack = pitch.build_pack(local, pitch.Target("theme", theme=2), lang=lang, top=20)
    facts = {o.key: dict(o.facts)[t("pitch.risk", lang)] for o in pack.opportunities}
    site = ("Vị trí: " if lang == "vi" else "Site: ") + t("pitch.risk_zone", lang,
                                                           level=schema.RISK_LEVELS["high"](lang).lower())
    assert pid in facts and facts[pid].startswith(site), facts.get(pid)
    illustrative = t("pitch.risk_zones_quality", lang, quality=schema.QUALITY_LABELS[schema.Quality.ILLUSTRATIVE](lang))
    assert all(illustrative in f for f in facts.values())
    others = [f for k, f in facts.items() if k != pid and t("priority.no_zone", lang) in f]
    assert others  # projects outside the zone (or without a point) say so, not "high"
    slide = next(o for o in pack.opportunities if o.key == pid)
    assert slide.risk == facts[pid]  # the deck's opportunity slide shows the same sentence
    shapes = [sh.name for s in Presentation(io.BytesIO(deck.build_deck(pack, lambda spec: deck.TINY_PNG))).slides
              for sh in s.shapes]
    assert shapes.count("risk") == len(pack.opportunities)
