"""The Donor pitch page's tables as text frames: donor profiles, matches for a donor or a project, the pack's
opportunities. The page only places them; what each column says (and in which order) is made here.

Examples
--------
>>> pct(0.256, "en"), score(0.256, "vi")
('25.6', '25,6')
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from geo.analysis import matching
from geo.ingest import donors
from geo.model import schema
from geo.model.dataset import Dataset
from geo.model.donors import DonorProfile
from geo.output.exports import audit_export
from geo.output.pitch.pack import PitchPack
from geo.output.reports import report
from geo.text import fmt
from geo.text.i18n import t
from geo.text.provenance_text import provenance_lines
from geo.text.safe import md_text

#: Layers whose provenance the page's captions print.
PAGE_LAYERS: tuple[str, ...] = ("projects", "funding", "donors")


def pct(value: float, lang: str) -> str:
    """A 0–1 part as a percentage, at most one decimal like every share (the header says %)."""
    return fmt.percent(float(value), lang, unit=False)


def score(value: float, lang: str) -> str:
    """A 0–1 score on 0–100 with one decimal."""
    return fmt.number(value * 100, lang, 1)


def provenance_caption(ds: Dataset, lang: str, extra: str = "") -> str:
    """"Illustrative" first when the projects, funding or donor profiles are, then their sources (Markdown;
    the sources are user text, escaped)."""
    prefix = t("gaps.illustrative_tag", lang) + " · " if report.is_illustrative(ds, PAGE_LAYERS) else ""
    return prefix + " · ".join(md_text(line) for line in [*provenance_lines(ds, lang, PAGE_LAYERS),
                                                          *([extra] if extra else [])])


def project_label(cands: pd.DataFrame, pid: str, lang: str) -> str:
    """``"TD-009 · name"`` (the English name where given, for en)."""
    row = cands.loc[pid]
    name = row["name_en"] if lang == "en" and row["name_en"] else row["name_vi"]
    return f"{pid} · {name}"


def profiles_table(profiles: Iterable[DonorProfile], lang: str) -> pd.DataFrame:
    """One row per donor: id, name, type, instruments, top priorities, ticket range and how sure the profile is."""
    return pd.DataFrame([{
        t("pitch.col_id", lang): p.donor_id,
        t("pitch.col_name", lang): p.label(lang),
        t("pitch.col_type", lang): schema.DONOR_TYPE_BY_KEY[p.donor_type](lang),
        t("pitch.col_instruments", lang): ", ".join(schema.INSTRUMENTS[i](lang) for i in p.instruments),
        t("pitch.col_priorities", lang): donors.top_areas(p, lang),
        t("pitch.col_ticket", lang): f"{fmt.vnd_short(p.ticket_min, lang)} – {fmt.vnd_short(p.ticket_max, lang)}",
        t("pitch.col_quality", lang): donors.quality_text(p.priorities_quality, lang),
    } for p in profiles])


def donor_matches_table(matches: pd.DataFrame, cands: pd.DataFrame, names: Mapping[str, str],
                        lang: str) -> pd.DataFrame:
    """A donor's matching projects, best first (:func:`geo.analysis.matching.match_donor`)."""
    return pd.DataFrame({
        "#": range(1, len(matches) + 1),
        t("gaps.col.project_id", lang): matches.index,
        t("gaps.col.project", lang): [project_label(cands, p, lang).split(" · ", 1)[1] for p in matches.index],
        t("common.commune", lang): matches["commune_code"].map(names),
        t("gaps.col.content_area", lang): matches["content_area"].map(lambda c: schema.content_area_label(c, lang)),
        t("pitch.ask", lang): matches["ask"].map(lambda v: fmt.vnd(v, lang)),
        t("pitch.col_area_fit", lang): matches["area_fit"].map(lambda v: pct(v, lang)),
        t("pitch.col_instrument", lang): matches["instrument"].map(lambda k: schema.INSTRUMENTS[k](lang)),
        t("pitch.col_size_fit", lang): matches["size_fit"].map(lambda v: pct(v, lang)),
        t("pitch.col_fit", lang): matches["fit"].map(lambda v: pct(v, lang)),
        t("priority.col.score", lang): matches["score"].map(lambda v: score(v, lang)),
        t("pitch.col_match", lang): matches["match"].map(lambda v: score(v, lang)),
    })


def commune_matches_table(matches: pd.DataFrame, names: Mapping[str, str], lang: str) -> pd.DataFrame:
    """A donor's matches summed by commune: projects, ask and best match."""
    communes = matching.commune_matches(matches).reset_index()
    return pd.DataFrame({
        t("common.commune", lang): communes["commune_code"].map(names),
        t("gaps.col.n_projects", lang): communes["n_projects"],
        t("pitch.ask", lang): communes["ask"].map(lambda v: fmt.vnd(v, lang)),
        t("pitch.col_best", lang): communes["best_match"].map(lambda v: score(v, lang)),
    })


def donor_fits_table(fits: pd.DataFrame, profiles: Mapping[str, DonorProfile], lang: str) -> pd.DataFrame:
    """The donors that fit one project, best first (:func:`geo.analysis.matching.match_project`)."""
    return pd.DataFrame({
        t("pitch.col_name", lang): [profiles[d].label(lang) for d in fits.index],
        t("pitch.col_area_fit", lang): fits["area_fit"].map(lambda v: pct(v, lang)),
        t("pitch.col_instrument", lang): fits["instrument"].map(lambda k: schema.INSTRUMENTS[k](lang)),
        t("pitch.col_size_fit", lang): fits["size_fit"].map(lambda v: pct(v, lang)),
        t("pitch.col_fit", lang): fits["fit"].map(lambda v: pct(v, lang)),
        t("pitch.col_match", lang): fits["match"].map(lambda v: score(v, lang)),
        t("pitch.col_quality", lang): [donors.quality_text(profiles[d].priorities_quality, lang) for d in fits.index],
    })


def opportunities_table(pack: PitchPack, lang: str) -> pd.DataFrame:
    """The pack's opportunities in deck order, with what each asks for (and a project's workflow step)."""
    table = pd.DataFrame({
        "#": range(1, len(pack.opportunities) + 1),
        t("pitch.col_opportunity", lang): [o.title for o in pack.opportunities],
        t("pitch.ask", lang): [fmt.vnd(o.ask, lang) for o in pack.opportunities],
    })
    if any(o.status for o in pack.opportunities):
        table[t("gaps.col.status", lang)] = [schema.STATUS_BY_KEY[o.status](lang) if o.status else ""
                                             for o in pack.opportunities]
    return table


def pack_summary(pack: PitchPack, lang: str) -> str:
    """``"**for …** — n opportunities, slides, need, gap, ask"`` above the opportunities: the figures of what the
    pack contains (:attr:`PitchPack.pitch_totals`, the cover's), not of the whole filtered scope (markdown; the
    subtitle escaped: ``html.escape`` would leave ``![](…)`` live)."""
    from geo.output.pitch.deck import slide_count

    tot = pack.pitch_totals
    return f"**{md_text(pack.subtitle)}** — " + t("pitch.pack_summary", lang, n=len(pack.opportunities),
                                                       slides=slide_count(pack), need=fmt.vnd(tot["need"], lang),
                                                       gap=fmt.vnd(tot["gap"], lang), ask=fmt.vnd(tot["ask"], lang))


def history_table(entries: Iterable[Any], lang: str) -> pd.DataFrame:
    """A donor's audit entries: id, local time, who, the action in words, what changed (before → after), note."""
    return pd.DataFrame([{"#": e.id, t("data.col_when", lang): fmt.timestamp(e.ts, lang), t("data.col_who", lang): e.user,
                          t("data.col_action", lang): audit_export.action_label(e.action, lang),
                          t("audit.col_changes", lang): audit_export.donor_changes(e, lang),
                          t("data.col_note", lang): e.note} for e in entries])
