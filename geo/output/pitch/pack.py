"""The content of a pitch pack (issue 5): what the deck, the one-pagers and presentation mode show.

:func:`build_pack` turns a :class:`Target` (a donor, a theme = content area, or chosen
communes), the user's filters and a language into a :class:`PitchPack`: headline totals,
a table by administrative unit, the top opportunities (projects, or communes for a communes
target) each with a funding table by source and a plain "why", the counterpart the district
commits, and the provenance lines. :mod:`geo.output.pitch.deck` (PPTX) and :mod:`geo.output.pitch.onepager` (PDF) only
lay it out, so the same figures appear everywhere.

Every money figure comes from the same functions the Funding gaps page uses
(:func:`geo.output.reports.report.gap_tables`, :func:`geo.analysis.gaps.gap_table`, :mod:`geo.analysis.counterpart`), so a deck
for the same filters shows the same totals as the page.

Maps are described by :class:`MapSpec` (indicator, layers, highlighted unit, unit version) and
drawn by :func:`render_png` with the print renderer (:func:`geo.output.maps.render.render_map`) in the pack's
unit version, as the provenance lines say.

Examples
--------
>>> from geo.storage.store import BundledStore
>>> pack = build_pack(BundledStore().load(), Target("theme", theme=3), lang="en", top=2)
>>> len(pack.opportunities), pack.opportunities[0].kind
(2, 'project')
>>> pack.illustrative
True
"""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from geo.analysis import counterpart, exposure, funding, gaps, matching, priority, units
from geo.analysis.indicators import commune_indicators
from geo.ingest.donors import quality_text
from geo.ingest.validate import NoteError
from geo.model import schema, workflow
from geo.model.dataset import Dataset
from geo.model.donors import DonorProfile
from geo.output import results_text
from geo.output.exports.exporting import unit_version_line
from geo.output.pitch import explain
from geo.output.reports import report
from geo.text import fmt
from geo.text.i18n import CATALOG, t
from geo.text.provenance_text import provenance_lines

KINDS: tuple[str, ...] = ("donor", "theme", "communes")
DEFAULT_TOP = 5
#: Layers whose provenance every pack prints (the donor profiles are added for a donor target).
PACK_LAYERS: tuple[str, ...] = ("communes", "projects", "funding", "crop_zones", "risk_zones", "landslide_events")
MONEY = ["need", "committed", "disbursed", "gap"]


@dataclass(frozen=True)
class Target:
    """Whom or what the pack is for: ``kind`` is ``"donor"``, ``"theme"`` or ``"communes"``."""

    kind: str
    donor: DonorProfile | None = None
    theme: int | None = None
    communes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"target kind must be one of {', '.join(KINDS)}, got {self.kind!r}")
        if self.kind == "donor" and self.donor is None:
            raise ValueError("a donor target needs a donor profile")
        if self.kind == "theme" and self.theme not in schema.CONTENT_AREAS:
            raise ValueError(f"theme must be a content area 1–10, got {self.theme!r}")
        if self.kind == "communes" and not self.communes:
            raise ValueError("a communes target needs at least one commune code")

    @property
    def the_donor(self) -> DonorProfile:
        """The donor of a donor target (``__post_init__`` guarantees it is set)."""
        if self.donor is None:
            raise ValueError("not a donor target")
        return self.donor

    @property
    def the_theme(self) -> int:
        """The content area of a theme target (``__post_init__`` guarantees it is set)."""
        if self.theme is None:
            raise ValueError("not a theme target")
        return self.theme

    def slug(self) -> str:
        """A file-name part: ``jica``, ``theme-3``, ``communes-03424-03427``."""
        if self.kind == "donor":
            return self.the_donor.donor_id
        if self.kind == "theme":
            return f"theme-{self.theme}"
        return "communes-" + "-".join(self.communes[:4]) + ("-etc" if len(self.communes) > 4 else "")

    def label(self, lang: str, names: Mapping[str, str]) -> str:
        if self.kind == "donor":
            return t("pitch.for_donor", lang, donor=self.the_donor.label(lang))
        if self.kind == "theme":
            return t("pitch.for_theme", lang, theme=schema.content_area_label(self.the_theme, lang))
        return t("pitch.for_communes", lang, communes=", ".join(names.get(c, c) for c in self.communes))


@dataclass(frozen=True)
class MapSpec:
    """A map to draw: an indicator, overlay layers, the unit to highlight (a code of ``units``) or None,
    and the unit version it is drawn in."""

    indicator: str = "gap"
    layers: tuple[str, ...] = ()
    highlight: str | None = None
    unit_version: str = schema.DEFAULT_UNIT_VERSION


@dataclass
class Opportunity:
    """One slide / one-pager: a project (donor and theme targets) or a commune (communes target)."""

    kind: str  # "project" | "commune"
    key: str  # project_id or commune code
    title: str
    subtitle: str
    facts: list[tuple[str, str]]
    sources: pd.DataFrame  # label, need, committed, disbursed, gap — last row the total
    why: list[str]
    ask: int
    map: MapSpec
    score: float | None = None
    match: float | None = None
    status: str = ""  # a project's workflow step (key); "" for a commune
    #: The project's description as entered (its story); "" when none.
    story: str = ""
    #: The ask by instrument: the gap on concessional-loan lines and on grant lines (ODA, NGO, foreign business).
    ask_loan: int = 0
    ask_grant: int = 0
    #: Who benefits and the result indicators (:mod:`geo.output.results_text`), one line each; empty = not recorded.
    beneficiaries: list[str] = field(default_factory=list)
    results: list[str] = field(default_factory=list)
    #: The counterpart the district adds if the ask is funded, and what it has committed already (VND).
    counterpart_if_funded: int = 0
    counterpart_committed: int = 0
    #: The sentences on why this donor (a donor target); ``why`` holds them plus the district's priority.
    why_donor: list[str] = field(default_factory=list)
    #: Where a project stands against landslides, in words (:func:`_risk_fact`); "" for a commune.
    risk: str = ""

    @property
    def money(self) -> dict[str, int]:
        """The totals row of :attr:`sources`: need, committed, disbursed, gap of what this opportunity covers."""
        last = self.sources.iloc[-1] if len(self.sources) else {}
        return {c: int(last[c]) if len(self.sources) else 0 for c in MONEY}


@dataclass
class PitchPack:
    """Everything a deck, a one-pager and presentation mode show, in one language."""

    target: Target
    lang: str
    filters: funding.Filters
    unit_version: str
    made: str
    title: str
    subtitle: str
    totals: dict[str, int]
    unit_table: pd.DataFrame  # code, label, need, committed, gap, share_covered — last row the total
    opportunities: list[Opportunity]
    counterpart: pd.DataFrame  # label, ask, required_if_funded, counterpart_committed — last row the total
    counterpart_totals: dict[str, int]
    ratios: dict[str, float]
    context: list[tuple[str, str]]
    provenance: list[str]
    illustrative: bool
    #: The workflow steps whose projects may be opportunities (default: approved for pitching and later).
    stages: tuple[str, ...] = workflow.PITCHABLE_STATUSES
    #: Projects still seeking money that were left out of the opportunities because of their step.
    left_out: int = 0
    context_map: MapSpec = field(default_factory=lambda: MapSpec("n_projects", ("crop_zones", "risk_zones")))
    gap_map: MapSpec = field(default_factory=lambda: MapSpec("gap", ("projects",)))
    #: A sourced exchange rate (VND per USD, where it comes from), or None: then every figure is VND only and
    #: the cover says that no sourced rate is configured (a rate is never made up).
    usd: tuple[float, str] | None = None
    #: The district and its people: (label, value, source) facts from the bundled data, each naming its source.
    people: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def pitch_totals(self) -> dict[str, int]:
        """Need, committed, disbursed, gap and ask summed over the opportunities in the pack: the headline figures
        of the cover and the summary above the pack, so they are the figures of what the pack contains."""
        out = {c: sum(o.money[c] for o in self.opportunities) for c in MONEY}
        out["ask"] = sum(o.ask for o in self.opportunities)
        out["ask_loan"] = sum(o.ask_loan for o in self.opportunities)
        out["ask_grant"] = sum(o.ask_grant for o in self.opportunities)
        return out


# --- scope ------------------------------------------------------------------------------------------
def target_filters(target: Target, filters: funding.Filters) -> funding.Filters:
    """The user's filters, narrowed to the theme for a theme target."""
    if target.kind == "theme":
        return dataclasses.replace(filters, content_areas=(target.the_theme,))
    return filters


def old_codes(ds: Dataset, projects: pd.DataFrame) -> pd.Series:
    """The old (2021) commune of each project; NA where a new code fits no single old commune."""
    return units.codes_in_2021(projects, units.crosswalk_of(ds), ds.units_2025)


def scope(ds: Dataset, target: Target, filters: funding.Filters) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Projects and funding lines the pack covers (a communes target keeps only those communes)."""
    projects, lines = funding.apply_filters(ds.projects, ds.funding, target_filters(target, filters), ds.risk_zones)
    if target.kind == "communes":
        projects = projects[old_codes(ds, projects).isin(target.communes)]
        lines = lines[lines["project_id"].isin(projects["project_id"])]
    return projects, lines


def check_communes(ds: Dataset, codes: tuple[str, ...]) -> tuple[str, ...]:
    """The codes, or ValueError naming the unknown ones and the valid codes."""
    valid = list(ds.communes["code"])
    bad = [c for c in codes if c not in valid]
    if bad:
        names = dict(zip(ds.communes["code"], ds.communes["full_name"]))
        raise NoteError("err.unknown_commune_codes", codes=", ".join(bad),
                        valid=", ".join(f"{c} {names[c]}" for c in valid))
    return tuple(codes)


# --- tables -----------------------------------------------------------------------------------------
def unit_table(ds: Dataset, projects: pd.DataFrame, lines: pd.DataFrame, filters: funding.Filters,
               unit_version: str, lang: str, codes: tuple[str, ...] = ()) -> pd.DataFrame:
    """Need, committed, disbursed, gap and share covered per unit, with a totals row.

    Units 2021: :func:`geo.output.reports.report.gap_tables` ``by_commune`` (the Funding gaps page's table),
    only ``codes`` when given. Units 2025: :func:`geo.analysis.units.view` of the same filters.
    """
    if unit_version == "2025":
        layer = units.view(ds, "2025", filters)
        table = pd.DataFrame({"code": layer["code"], "label": layer["full_name"],
                              **{c: layer[c].astype("int64") for c in [*MONEY, "n_projects"]}})
        if codes:
            to_new = units.crosswalk_of(ds).set_index("old_code")["new_code"]
            table = table[table["code"].isin(set(to_new.reindex(list(codes))))]
            # only the chosen communes' money: re-sum from the scoped projects
            proj = projects.assign(unit_code=units.codes_in_2025(projects, units.crosswalk_of(ds)))
            money = funding.totals_by(proj, lines, ["unit_code"])
            for c in [*MONEY, "n_projects"]:
                table[c] = table["code"].map(money[c]).fillna(0).astype("int64")
    else:
        by_commune = report.gap_tables(ds, projects, lines, lang)["by_commune"]
        table = by_commune.rename(columns={"commune_code": "code"})[["code", "label", *MONEY, "n_projects"]]
        if codes:
            table = table[table["code"].isin(codes)]
    table = table.reset_index(drop=True)
    table["share_covered"] = gaps.share_covered(table["need"], table["gap"])
    return gaps.with_total(table, "label", t("report.total", lang))


def sources_table(projects: pd.DataFrame, lines: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Funding by source (every source with a line) and a totals row: label, need, committed, disbursed, gap."""
    order = {s.key: i for i, s in enumerate(schema.FUNDING_SOURCES)}
    table = gaps.gap_table(projects, lines, ["source"]).reset_index()
    table = table.sort_values("source", key=lambda s: s.map(order)).reset_index(drop=True)
    table.insert(0, "label", table["source"].map(lambda k: schema.SOURCE_BY_KEY[k](lang)))
    return gaps.with_total(table[["label", *MONEY, "n_projects"]], "label", t("report.total", lang),
                           skip=("n_projects",))


def required_if_funded(lines: pd.DataFrame, ratios: Mapping[str, float]) -> pd.Series:
    """Counterpart per project_id the district must add if its international gaps are funded:
    Σ round(gap × ratio) over international lines (the ratios of :mod:`geo.analysis.counterpart`)."""
    as_if = lines.assign(committed=funding.line_gap(lines))
    return counterpart.required_per_line(as_if, ratios).groupby(lines["project_id"]).sum().astype("int64")


# --- the pack ---------------------------------------------------------------------------------------
def build_pack(ds: Dataset, target: Target, filters: funding.Filters = funding.Filters(), *, lang: str = "en",
               top: int = DEFAULT_TOP, unit_version: str = schema.DEFAULT_UNIT_VERSION,
               weights: Mapping[str, float] = priority.DEFAULT_WEIGHTS,
               ratios: Mapping[str, float] = counterpart.DEFAULT_RATIOS, today: date | None = None,
               indicator_table: pd.DataFrame | None = None,
               stages: tuple[str, ...] = workflow.PITCHABLE_STATUSES,
               usd: tuple[float, str] | None = None) -> PitchPack:
    """Assemble a pitch pack; see the module docstring. ``top`` limits project opportunities.

    Only projects at a workflow step in ``stages`` become opportunities (the slides, one-pagers, a commune's open
    projects and the counterpart table); by default those approved for pitching and later, so nothing the
    Finance–Planning Office has not approved is shown to a donor. ``stages=()`` takes every step. Totals and the
    table by unit stay those of the filters (the same as the Funding gaps page), and the provenance says which
    steps the opportunities come from and how many projects were left out.

    ``usd``: a sourced rate (VND per USD, its source) to show figures in USD too; by default the data folder's
    ``[money] usd_rate`` / ``usd_rate_source`` (``atlas.toml``), and VND only when it has none.
    """
    if usd is None and ds.config.usd_rate is not None:
        usd = (ds.config.usd_rate, ds.config.usd_rate_source)
    if usd is not None and (not usd[0] or usd[0] <= 0 or not str(usd[1]).strip()):
        raise ValueError("a USD rate needs a positive number of VND per USD and its source")
    units.version_label(unit_version, lang)  # validates
    if target.kind == "communes":
        check_communes(ds, target.communes)
    if top < 1:
        raise NoteError("err.top_too_small", top=top)
    ratios = counterpart.check_ratios(ratios)
    eff = target_filters(target, filters)
    projects, lines = scope(ds, target, filters)
    table = indicator_table if indicator_table is not None else commune_indicators(ds, eff)
    names = dict(zip(ds.communes["code"], ds.communes["full_name"]))
    by_unit = unit_table(ds, projects, lines, eff, unit_version, lang,
                         target.communes if target.kind == "communes" else ())
    totals = {c: int(by_unit[c].iloc[-1]) for c in [*MONEY, "n_projects"]}
    cands = matching.candidates(projects, lines, table, ds.risk_zones, weights)
    stages = check_stages(stages)
    at_step = cands["status"].isin(stages) if stages else pd.Series(True, index=cands.index)
    cands, left_out = cands[at_step], int((~at_step).sum())
    if target.kind == "communes":
        opps = [_commune_opportunity(ds, code, projects, lines, cands, names, unit_version, lang)
                for code in target.communes]
    else:
        chosen = matching.match_donor(target.the_donor, cands) if target.kind == "donor" else cands
        opps = [_project_opportunity(ds, pid, row, projects, lines, names, target, unit_version, weights, lang,
                                     table) for pid, row in chosen.head(top).iterrows()]
    cp, cp_totals = _counterpart(ds, opps, projects, lines, ratios, lang)
    for o, (_, r) in zip(opps, cp.iloc[:-1].iterrows()):
        o.counterpart_if_funded, o.counterpart_committed = int(r["required_if_funded"]), int(r["counterpart_committed"])
    layers = PACK_LAYERS + (("donors",) if target.kind == "donor" else ())
    illustrative = report.is_illustrative(ds, layers) or (target.kind == "donor" and not target.the_donor.is_confirmed)
    made = (today or date.today()).isoformat()
    for o in opps:  # every map in the pack's units, zoomed to the opportunity's unit there
        o.map = dataclasses.replace(o.map, unit_version=unit_version,
                                    highlight=_unit_of(ds, o, projects, unit_version))
    return PitchPack(
        target=target, lang=lang, filters=eff, unit_version=unit_version, made=made,
        title=t("pitch.deck_title", lang), subtitle=target.label(lang, names), totals=totals, unit_table=by_unit,
        opportunities=opps, counterpart=cp, counterpart_totals=cp_totals, ratios=ratios,
        context=_context(ds, table, projects, lang),
        provenance=[*_provenance(ds, target, eff, unit_version, layers, ratios, weights, made, lang),
                    stages_line(stages, left_out, lang)],
        illustrative=illustrative, stages=stages, left_out=left_out,
        context_map=MapSpec("n_projects", ("crop_zones", "risk_zones"), unit_version=unit_version),
        gap_map=MapSpec("gap", ("projects",), unit_version=unit_version),
        usd=usd, people=people_facts(ds, lang),
    )


def check_stages(stages: tuple[str, ...]) -> tuple[str, ...]:
    """The workflow steps, in pipeline order; :class:`NoteError` naming the valid keys for an unknown one."""
    bad = [s for s in stages if s not in schema.STATUS_BY_KEY]
    if bad:
        raise NoteError("err.unknown_stage", stages=", ".join(bad), valid=", ".join(schema.STATUS_BY_KEY))
    return tuple(s.key for s in schema.STATUSES if s.key in stages)


def stages_line(stages: tuple[str, ...], left_out: int, lang: str) -> str:
    """Which workflow steps the opportunities come from, and how many projects seeking money were left out.

    >>> stages_line(workflow.PITCHABLE_STATUSES, 3, "en")
    'Opportunities: only projects approved for pitching or later; projects seeking money at earlier steps left out: 3.'
    >>> stages_line((), 0, "en")
    'Opportunities: projects at every workflow step, including those not yet approved for pitching.'
    """
    if not stages or set(stages) == set(schema.STATUS_BY_KEY):
        return t("pitch.stages_all", lang)
    if tuple(stages) == workflow.PITCHABLE_STATUSES:
        return t("pitch.stages_default", lang, n=left_out)
    return t("pitch.stages_some", lang, stages=", ".join(schema.STATUS_BY_KEY[s](lang) for s in stages), n=left_out)


def _unit_of(ds: Dataset, opp: Opportunity, projects: pd.DataFrame, unit_version: str) -> str | None:
    """The code (in ``unit_version``) of the unit an opportunity's map highlights; None if it has none."""
    if opp.kind == "commune":
        if unit_version == "2021":
            return opp.key
        return dict(zip(units.crosswalk_of(ds)["old_code"], units.crosswalk_of(ds)["new_code"])).get(opp.key)
    code = units.unit_codes(projects[projects["project_id"] == opp.key], ds, unit_version).iloc[0]
    return None if pd.isna(code) else str(code)


def _unit_note(ds: Dataset, code: str | None, unit_version: str, lang: str) -> str:
    if unit_version != "2025" or code is None:
        return ""
    cw = units.crosswalk_of(ds).set_index("old_code")
    return t("pitch.now_part_of", lang, unit=cw.loc[code, "new_name"]) if code in cw.index else ""


def _risk_fact(ds: Dataset, one: pd.DataFrame, code: str | None, table: pd.DataFrame | None, lang: str) -> str:
    """Where the project stands against landslides, in words: its site's risk class (when it has a point), its
    commune's share of area at high risk and the events reported there; "(illustrative)" unless the zones are
    official (a pitch must not sell the illustrative buffers as a hazard map)."""
    level = exposure.zone_levels(one.set_index("project_id"), ds.risk_zones).iloc[0] if len(ds.risk_zones) else ""
    zone = (t("pitch.risk_zone", lang, level=schema.RISK_LEVELS[level](lang).lower()) if level
             else t("priority.no_zone", lang))
    share = events = 0.0
    if table is not None and code in table.index:
        share = float(table.loc[code, "risk_share"] or 0.0)
        events = float(table.loc[code, "n_events"] or 0) if "n_events" in table.columns else 0.0
    quality = ds.provenance["risk_zones"].quality
    zones = "" if quality is schema.Quality.OFFICIAL else t("pitch.risk_zones_quality", lang,
                                                            quality=schema.QUALITY_LABELS[quality](lang))
    return t("pitch.risk_text", lang, zone=zone, share=fmt.percent(share / 100, lang), zones=zones,
             events=fmt.number(int(events), lang))


def _project_opportunity(ds, pid, row, projects, lines, names, target, unit_version, weights, lang,
                         table: pd.DataFrame | None = None) -> Opportunity:
    p = projects.set_index("project_id").loc[pid]
    one = projects[projects["project_id"] == pid]
    code = old_codes(ds, one).iloc[0]
    code = None if pd.isna(code) else str(code)
    commune = names.get(code, p["commune_code"]) if code else p["commune_code"]
    title = report.project_name(one, lang).iloc[0]
    status = schema.STATUS_BY_KEY[p["status"]](lang)
    area = schema.content_area_label(p["content_area"], lang)
    sources = sources_table(one, lines[lines["project_id"] == pid], lang)
    note = _unit_note(ds, code, unit_version, lang)
    facts = [
        (t("common.commune", lang), commune + (f" ({note})" if note else "")),
        (t("gaps.col.content_area", lang), area),
        (t("gaps.col.status", lang), status),
        (t("pitch.years", lang), f"{p['start_year']}–{p['end_year']}"),
        (t("pitch.risk", lang), risk := _risk_fact(ds, one, code, table, lang)),
        (t("gaps.col.lead_agency", lang), p["lead_agency"] or "–"),
        (t("pitch.ask", lang), fmt.vnd(int(row["ask"]), lang)),
        (t("priority.col.score", lang), fmt.number(float(row["score"]) * 100, lang, 1)),
    ]
    why_donor = explain.explain(row, target.donor, lang) if target.kind == "donor" else []
    comps = [c for c in priority.COMPONENTS if matching.COMPONENT_PREFIX + c in row.index]
    strongest = max(comps, key=lambda c: float(row[matching.COMPONENT_PREFIX + c]) * weights.get(c, 0), default=None)
    why = [*why_donor, t("pitch.why_rank", lang, rank=int(row["rank"]) if "rank" in row.index else 0,
                         score=fmt.number(float(row["score"]) * 100, lang, 0),
                         reason=t(f"priority.comp.{strongest}", lang).lower() if strongest else "–")]
    loan, grant = int(row.get("ask_loan", 0)), int(row.get("ask_grant", 0))
    return Opportunity(kind="project", key=pid, title=title, subtitle=f"{commune} · {area} · {status}", facts=facts,
                       sources=sources, why=why, ask=int(row["ask"]), map=MapSpec("gap", ("projects",), code),
                       score=float(row["score"]), match=float(row["match"]) if "match" in row.index else None,
                       status=str(p["status"]), story=results_text.description(p, lang),
                       ask_loan=loan, ask_grant=grant, why_donor=why_donor, risk=risk,
                       beneficiaries=results_text.beneficiary_lines(results_text.beneficiaries_of(ds, pid), lang),
                       results=results_text.result_lines(ds, pid, lang))


def _commune_opportunity(ds, code, projects, lines, cands, names, unit_version, lang) -> Opportunity:
    in_commune = projects[old_codes(ds, projects) == code]
    its_lines = lines[lines["project_id"].isin(in_commune["project_id"])]
    open_ = cands[cands.index.isin(in_commune["project_id"])]
    ask = int(open_["ask"].sum())
    note = _unit_note(ds, code, unit_version, lang)
    row = ds.communes.set_index("code").loc[code]
    pop = pd.to_numeric(pd.Series([row["population_reported"]]), errors="coerce").iloc[0]
    facts = [
        (t("pitch.open_projects", lang), f"{len(open_)} / {len(in_commune)}"),
        (t("pitch.ask", lang), fmt.vnd(ask, lang)),
        (t("common.population", lang), fmt.number(pop, lang)),
    ]
    if note:
        facts.insert(0, (t("pitch.unit_2025", lang), note))
    if len(open_):
        facts.append((t("priority.col.score", lang), fmt.number(float(open_["score"].mean()) * 100, lang, 1)))
    top = open_.head(3)
    why = [t("pitch.why_commune", lang, n=len(open_), ask=fmt.vnd_short(ask, lang))]
    why += [f"{report.project_name(top.loc[[pid]], lang).iloc[0]} — {schema.content_area_label(r['content_area'], lang)}"
            f" — {t('pitch.ask', lang)} {fmt.vnd_short(int(r['ask']), lang)}" for pid, r in top.iterrows()]
    return Opportunity(kind="commune", key=code, title=names[code], subtitle=t("print.district", lang), facts=facts,
                       sources=sources_table(in_commune, its_lines, lang), why=why, ask=ask,
                       map=MapSpec("gap", ("projects",), code),
                       score=float(open_["score"].mean()) if len(open_) else None,
                       ask_loan=int(open_["ask_loan"].sum()) if "ask_loan" in open_ else 0,
                       ask_grant=int(open_["ask_grant"].sum()) if "ask_grant" in open_ else 0)


def _counterpart(ds, opps, projects, lines, ratios, lang) -> tuple[pd.DataFrame, dict[str, int]]:
    codes = old_codes(ds, projects)
    need = required_if_funded(lines, ratios)
    have = counterpart.by_project(lines, ratios)["counterpart_committed"] if len(lines) else pd.Series(dtype="int64")
    rows = []
    for o in opps:
        ids = [o.key] if o.kind == "project" else list(projects.loc[codes == o.key, "project_id"])
        rows.append({"label": o.title, "ask": o.ask,
                     "required_if_funded": int(need.reindex(ids).fillna(0).sum()),
                     "counterpart_committed": int(have.reindex(ids).fillna(0).sum())})
    frame = pd.DataFrame(rows, columns=["label", "ask", "required_if_funded", "counterpart_committed"])
    for c in frame.columns[1:]:
        frame[c] = frame[c].astype("int64")
    frame = gaps.with_total(frame, "label", t("report.total", lang),
                            extra_sums=("ask", "required_if_funded", "counterpart_committed"))
    district = counterpart.totals(counterpart.by_project(lines, ratios)) if len(lines) else dict.fromkeys(
        counterpart.COLUMNS, 0)
    return frame, district


def _context(ds: Dataset, table: pd.DataFrame, projects: pd.DataFrame, lang: str) -> list[tuple[str, str]]:
    area = float(table["area_km2"].sum())
    pop = table["population"]
    high = float((table["risk_share"].fillna(0) * table["area_km2"]).sum() / area) if area else 0.0
    out = [
        (t("pitch.ctx_units", lang), fmt.number(len(table), lang)),
        (t("pitch.ctx_area", lang), fmt.km2(area, lang)),
        (t("pitch.ctx_population", lang), t("pitch.ctx_population_value", lang, pop=fmt.number(pop.sum(), lang),
                                           n=int(pop.notna().sum()), total=len(pop))),
        (t("pitch.ctx_risk", lang), fmt.percent(high / 100, lang)),  # risk_share is in points
        (t("pitch.ctx_events", lang), fmt.number(int(table["n_events"].sum()), lang)),
    ]
    for crop, label in schema.CROPS.items():
        ha = float(table[f"ha_{crop}"].sum())
        if ha > 0:
            out.append((label(lang), fmt.hectares(ha, lang)))
    out.append((t("pitch.ctx_projects", lang), fmt.number(len(projects), lang)))
    return out


def _unit_groups() -> pd.DataFrame:
    """``code``, ``main_groups``, ``main_groups_source`` from the data folder's ``units.csv`` (empty if none)."""
    from geo.ingest.atlas_toml import bundle_dir

    path = bundle_dir() / "units.csv"
    cols = ["code", "main_groups", "main_groups_source"]
    if not path.exists():
        return pd.DataFrame(columns=cols)
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    return frame[[c for c in cols if c in frame.columns]]


def source_words(code: str, lang: str) -> str:
    """A unit-table source code in words: ``A-portal`` → ``district portal (A)``; an unknown code as it is.

    >>> source_words("B-wikipedia, C-web", "en")
    'Wikipedia (B), a single web page (C)'
    """
    out = []
    for part in [p.strip() for p in str(code).split(",") if p.strip()]:
        grade, _, kind = part.partition("-")
        key = f"pitch.src_{kind}"
        out.append(f"{t(key, lang)} ({grade})" if kind and key in CATALOG else part)
    return ", ".join(out)


def people_facts(ds: Dataset, lang: str) -> list[tuple[str, str, str]]:
    """The district and its people, only from the bundled unit table (each figure's source as ``units.csv``
    records it, see data/SOURCES.md): reported population, and the main ethnic groups noted per commune.
    Nothing is filled in where the table has no figure."""
    c = ds.communes
    if "main_groups" not in c:
        c = c.merge(_unit_groups(), on="code", how="left")
    out: list[tuple[str, str, str]] = []
    pop = pd.to_numeric(c.get("population_reported"), errors="coerce") if "population_reported" in c else None
    if pop is not None and pop.notna().any():
        src = sorted({str(v) for v in c.loc[pop.notna(), "population_source"].dropna()} if "population_source" in c
                     else set())
        out.append((t("pitch.people_population", lang),
                    t("pitch.ctx_population_value", lang, pop=fmt.number(int(pop.sum()), lang), n=int(pop.notna().sum()),
                      total=len(c)), source_words(", ".join(src), lang)))
    if "main_groups" in c:
        names = dict(zip(c["code"], c["full_name"]))
        for code, groups, src in zip(c["code"], c["main_groups"], c.get("main_groups_source", [""] * len(c))):
            if isinstance(groups, str) and groups.strip():
                out.append((t("pitch.people_groups_in", lang, commune=names.get(code, code)), groups.strip(),
                            "" if pd.isna(src) else source_words(str(src), lang)))
    return out


def _provenance(ds, target, filters, unit_version, layers, ratios, weights, made, lang) -> list[str]:
    from geo.output.maps.render import filters_summary

    lines = [unit_version_line(unit_version, lang),
             t("pitch.maps_units", lang, units=schema.UNIT_VERSIONS[unit_version](lang))]
    lines += provenance_lines(ds, lang, layers)
    if target.kind == "donor":
        lines.append(t("pitch.donor_quality", lang, donor=target.donor.label(lang),
                       quality=quality_text(target.donor.priorities_quality, lang)))
    lines.append(f"{t('pitch.filters', lang)}: {filters_summary(filters, lang)}")
    lines.append(t("pitch.ratios_line", lang, ratios="; ".join(
        f"{schema.SOURCE_BY_KEY[k](lang)} {fmt.percent(v, lang)}" for k, v in ratios.items())))
    lines.append(t("pitch.weights_line", lang, weights="; ".join(
        f"{t(f'priority.comp.{k}', lang)} {fmt.number(v, lang)}" for k, v in weights.items())))
    lines.append(t("pitch.made", lang, date=made))
    return lines


# --- maps -------------------------------------------------------------------------------------------
def render_png(ds: Dataset, spec: MapSpec, filters: funding.Filters, lang: str, dpi: int = 150,
               table: pd.DataFrame | None = None) -> bytes:
    """A map page (A4 landscape, :func:`geo.output.maps.render.render_map`) as a compact PNG (palette, ≤256 colours).

    ``table``: a precomputed ``geo.analysis.units.indicators(ds, spec.unit_version, filters)``, or None.
    """
    from PIL import Image

    from geo.output.maps import render

    fig = render.render_map(ds, spec.indicator, filters=filters, lang=lang, layers=spec.layers,
                            highlight=spec.highlight, table=table, unit_version=spec.unit_version)
    buf = io.BytesIO()
    render.save_map(fig, buf, "png", dpi)
    img = Image.open(io.BytesIO(buf.getvalue())).convert("RGB")
    out = io.BytesIO()
    # Maps use few flat colours: a 256-colour palette keeps them crisp at a fraction of the size.
    img.quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(out, "PNG", optimize=True)
    return out.getvalue()


def money_cells(frame: pd.DataFrame, columns: list[str], lang: str) -> list[list[str]]:
    """Rows of text: the label then each money column as whole VND (``1.234.567`` / ``1,234,567``);
    the currency goes in the header (:func:`money_header`)."""
    return [[str(r["label"]), *[fmt.number(int(r[c]), lang) for c in columns]] for _, r in frame.iterrows()]


def money_header(label: str, lang: str) -> str:
    """``"Need (VND)"`` / ``"Nhu cầu vốn (₫)"``."""
    return t("pitch.col_money", lang, label=label)
