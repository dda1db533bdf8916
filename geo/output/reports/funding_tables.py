"""The Funding gaps page's tables as text frames: what each cell says, in which column, in which order.

The page only places these frames (and charts) on screen; everything a reader sees in a table
(money in VND or USD at the user's rate, "unknown" cells, totals rows, the priority ranking, its
breakdown and the scores by unit) is made here, without Streamlit, so it can be tested as is.

Examples
--------
>>> money = Money("en")
>>> money.full(1_500_000_000), money.short(1_500_000_000)
('VND 1,500,000,000', 'VND 1.5 billion')
>>> cell_text(0.25, "pct", money), cell_text(None, "pct", money)
('25%', 'unknown')
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from geo.analysis import counterpart, funding, gaps, priority, units
from geo.model import schema
from geo.model.dataset import Dataset
from geo.output.exports.exporting import quality_notice
from geo.output.reports import report
from geo.output.reports.report import Column
from geo.text import fmt
from geo.text.i18n import t
from geo.text.provenance_text import provenance_lines
from geo.text.safe import md_text

#: The measures a user can chart (the heat map adds the share covered).
MEASURES: tuple[str, ...] = ("need", "committed", "disbursed", "gap")
SCALE = 1e9  # charts in billions of VND (tỷ ₫)
#: Measures that can be unknown in a totals row (blank elsewhere means "not a sum").
MAY_BE_UNKNOWN: tuple[str, ...] = ("share_covered", "committed_per_person", "population")


@dataclass(frozen=True)
class Money:
    """How money reads on the page: VND, or USD at the user's ``rate`` (VND per USD)."""

    lang: str
    rate: float | None = None

    def full(self, value: Any) -> str:
        if value is None or pd.isna(value):
            return t("gaps.unknown", self.lang)
        return fmt.usd(value, self.rate, self.lang) if self.rate else fmt.vnd(value, self.lang)

    def short(self, value: float) -> str:
        return fmt.usd_short(value, self.rate, self.lang) if self.rate else fmt.vnd_short(value, self.lang)


@dataclass(frozen=True)
class View:
    """What every table of one page run depends on: the data, the language, the units and the money view."""

    ds: Dataset
    money: Money
    unit_version: str = schema.DEFAULT_UNIT_VERSION
    #: Layers some tables add (the risk zones behind the exposure tables), so their banners name them too.
    extra_layers: tuple[str, ...] = ()

    @property
    def lang(self) -> str:
        return self.money.lang

    @property
    def layers(self) -> tuple[str, ...]:
        """Layers behind the figures (:func:`geo.output.reports.report.report_layers`, plus ``extra_layers``)."""
        return tuple(dict.fromkeys([*report.report_layers(self.unit_version), *self.extra_layers]))

    @property
    def illustrative(self) -> bool:
        return report.is_illustrative(self.ds, self.layers)


def cell_text(value: Any, kind: str, money: Money) -> object:
    """One table cell as shown: ``kind`` is a :class:`geo.output.reports.report.Column` kind."""
    lang = money.lang
    if kind == "money":
        return money.full(value)
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return t("gaps.unknown", lang) if kind in ("pct", "num") else (None if kind == "int" else "")
    if kind == "pct":
        return fmt.percent(float(value), lang)
    if kind == "num":
        return fmt.number(value, lang)
    if kind == "dec":
        return fmt.number(value, lang, 2)
    if kind == "int":
        return int(value)
    return str(value)


def shown_table(frame: pd.DataFrame, layout: Sequence[Column], money: Money, total_col: str | None = None,
                extra_sums: tuple[str, ...] = ()) -> pd.DataFrame:
    """``frame`` as text under the layout's headers, with a totals row labelled in ``total_col`` when given."""
    lang = money.lang
    skip = tuple(c.key for c in layout if not c.summable)
    shown = gaps.with_total(frame, total_col, t("report.total", lang), extra_sums, skip) if total_col else frame
    data = pd.DataFrame({c.title(lang): [cell_text(v, c.kind, money) for v in shown[c.key]] for c in layout})
    if total_col:  # in the totals row, a blank means "not a sum", except the measures that can be unknown
        for c in layout:
            if c.key not in MAY_BE_UNKNOWN and pd.isna(shown[c.key].iloc[-1]):
                data.iloc[-1, data.columns.get_loc(c.title(lang))] = None if c.kind == "int" else ""
    return data


def provenance_caption(ds: Dataset, layers: Sequence[str], lang: str, shown: tuple[str, ...] = ("projects", "funding"),
                       extra: str = "") -> str:
    """The caption under a table or chart (Markdown): "Illustrative" first when ``layers`` are, then the sources
    (user text, escaped with :func:`geo.text.safe.md_text`)."""
    prefix = t("gaps.illustrative_tag", lang) + " · " if report.is_illustrative(ds, layers) else ""
    return prefix + " · ".join(md_text(line) for line in [*provenance_lines(ds, lang, shown), *([extra] if extra else [])])


def unit_title(unit_version: str, lang: str) -> str:
    """The header of a unit column: "Commune" before 1/7/2025, "Commune or ward" after."""
    return t("units.unit" if unit_version == "2025" else "common.commune", lang)


# --- frames behind the tables and charts (language in labels only) ----------------------------------
def gap_frames(ds: Dataset, filters: funding.Filters, lang: str, unit_version: str) -> dict[str, pd.DataFrame]:
    """:func:`geo.output.reports.report.gap_tables`, the funding by unit and source for the stacked chart
    (``stacked``) and the filtered ``projects`` (keyed by unit) and funding ``lines``."""
    projects, lines = funding.apply_filters(ds.projects, ds.funding, filters, ds.risk_zones)
    tables = report.gap_tables(ds, projects, lines, lang, unit_version)
    projects = report.keyed_by_unit(ds, projects, unit_version)
    stacked = gaps.long_by_source(projects, lines)
    stacked["commune"] = stacked["commune_code"].map(report.unit_names(ds, unit_version, lang))
    stacked["source_label"] = stacked["source"].map(lambda k: schema.SOURCE_BY_KEY[k](lang))
    raw, _ = funding.apply_filters(ds.projects, ds.funding, filters, ds.risk_zones)
    risk = report.exposure_tables(ds, raw, lines, lang, unit_version)
    return {**tables, "stacked": stacked, "projects": projects, "lines": lines, **risk}


def exposure_caption(ds: Dataset, by_unit: pd.DataFrame, lang: str) -> str:
    """The caption under the exposure tables (Markdown): the risk zones' quality notice first (they are
    illustrative until replaced), the counting rule, then the sources."""
    notice = quality_notice(ds, lang, report.EXPOSURE_LAYERS, quote=md_text) or ""
    method = report.exposure_method(by_unit.attrs.get("unlocated", 0), lang)
    sources = " · ".join(md_text(line) for line in provenance_lines(ds, lang, ("risk_zones",)))
    return " ".join(x for x in (notice, md_text(method), sources) if x)


def heat_matrix(ds: Dataset, filters: funding.Filters, measure: str, unit_version: str) -> pd.DataFrame:
    """Unit × content area values of ``measure`` (plus the unallocated row when a project fits no unit)."""
    projects, lines = funding.apply_filters(ds.projects, ds.funding, filters, ds.risk_zones)
    projects = report.keyed_by_unit(ds, projects, unit_version)
    codes = units.unit_table(ds, unit_version).index.tolist()
    if (projects["commune_code"] == report.UNALLOCATED).any():
        codes.append(report.UNALLOCATED)
    return gaps.matrix(projects, lines, measure, codes)


def stacked_chart_frame(stacked: pd.DataFrame, measure: str, money: Money) -> pd.DataFrame:
    """The stacked bars' rows: ``value`` in billions VND and the ``amount`` the tooltip reads."""
    out = stacked.assign(value=lambda d: d[measure] / SCALE)
    out["amount"] = out[measure].map(money.full)
    return out


def heat_chart_frame(wide: pd.DataFrame, unit_names: Mapping[str, str], measure: str, money: Money) -> pd.DataFrame:
    """The heat map's cells: ``commune``, ``area``, ``area_label``, ``value`` (% or billions VND; blank where no
    project), the cell ``label`` and the tooltip ``amount``.

    What :func:`heat_caption` says holds: a money cell is blank exactly when its sum is 0 (no matching project,
    or projects summing to 0 ₫), and a non-zero amount too small for one decimal reads "<0,1", never "0,0". A
    share cell is blank only without need; a share of 0 reads "0".
    """
    lang = money.lang
    heat = wide.rename(index=unit_names).stack(future_stack=True).rename("v").reset_index()
    heat.columns = ["commune", "area", "v"]
    heat["area_label"] = heat["area"].map(lambda c: schema.content_area_label(c, lang))
    is_share = measure == "share_covered"
    heat["value"] = heat["v"] * 100 if is_share else heat["v"] / SCALE
    if not is_share:
        heat.loc[heat["v"] == 0, "value"] = None  # no project: blank, not a pale "0"
    smallest = 10 ** -fmt.SHORT_DECIMALS  # 0.1 tỷ: below it one decimal would print a misleading "0,0"
    heat["label"] = [("" if pd.isna(v) else fmt.percent(v / 100, lang, unit=False) if is_share
                      else "<" + fmt.number(smallest, lang, fmt.SHORT_DECIMALS) if abs(v) < smallest / 2
                      else fmt.number(v, lang, fmt.SHORT_DECIMALS)) for v in heat["value"]]
    heat["amount"] = [cell_text(v, "pct", money) if is_share else money.full(v) for v in heat["v"]]
    return heat


def heat_caption(measure: str, lang: str) -> str:
    """What a blank cell of the heat map means for ``measure`` (see :func:`heat_chart_frame`).

    >>> heat_caption("gap", "en")
    'Blank cell: no project, or VND 0. A cell below VND 100.0 million reads <0.1.'
    """
    if measure == "share_covered":
        return t("gaps.heat_blank_share", lang)
    return t("gaps.heat_blank", lang, zero=fmt.vnd(0, lang),
             small=fmt.vnd_short(10 ** -fmt.SHORT_DECIMALS * SCALE, lang),
             label="<" + fmt.number(10 ** -fmt.SHORT_DECIMALS, lang, fmt.SHORT_DECIMALS))


def headline(by_commune: pd.DataFrame) -> dict[str, object]:
    """Need, committed and gap of the filtered projects, and the share of the need covered (None without need)."""
    need, committed, gap = (int(by_commune[c].sum()) for c in ("need", "committed", "gap"))
    return {"need": need, "committed": committed, "gap": gap, "share_covered": (need - gap) / need if need else None}


# --- counterpart -----------------------------------------------------------------------------------------
def counterpart_sources(lines: pd.DataFrame, ratios: Mapping[str, float], lang: str) -> pd.DataFrame:
    """International committed funding, ratio and counterpart required, by source (``counterpart_sources`` layout)."""
    by_src = counterpart.by_source(lines, ratios).reset_index()
    by_src.insert(0, "label", by_src["source"].map(lambda k: schema.SOURCE_BY_KEY[k](lang)))
    return by_src


def counterpart_projects(per_project: pd.DataFrame, projects: pd.DataFrame, unit_names: Mapping[str, str],
                         lang: str) -> pd.DataFrame:
    """Projects that need or have counterpart funds, largest requirement first (``counterpart`` layout)."""
    plist = projects.set_index("project_id")
    cp = per_project.join(plist[["name_vi", "name_en", "commune_code"]], how="left")
    cp = cp[(cp["required"] > 0) | (cp["counterpart_committed"] > 0)].sort_values("required", ascending=False)
    cp["name"] = report.project_name(cp, lang)
    cp["commune"] = cp["commune_code"].map(unit_names)
    return cp.reset_index()


def ratios_text(ratios: Mapping[str, float], lang: str) -> str:
    """``"ODA grant 15 %; …"``: the counterpart ratios a report uses."""
    return "; ".join(f"{schema.SOURCE_BY_KEY[k](lang)} {fmt.percent(v, lang)}" for k, v in ratios.items())


# --- priorities --------------------------------------------------------------------------------------------
def component_labels(columns: Sequence[str], lang: str) -> dict[str, str]:
    """Column → header: the catalogue's name of a built-in component, the user's name of an added indicator."""
    return {c: t(f"priority.comp.{c}", lang) if c in priority.COMPONENTS else c.removeprefix(priority.EXTRA_PREFIX)
            for c in columns}


def ranking_frame(ranked: pd.DataFrame, features: pd.DataFrame, projects: pd.DataFrame,
                  unit_names: Mapping[str, str], lang: str) -> pd.DataFrame:
    """:func:`geo.analysis.priority.rank` with each project's name, unit, status label and open gap (``gap_vnd``)."""
    plist = projects.set_index("project_id")
    table = ranked.join(plist[["name_vi", "name_en", "commune_code", "status"]]).join(
        features[["gap"]].rename(columns={"gap": "gap_vnd"}))
    table["name"] = report.project_name(table, lang)
    table["commune"] = table["commune_code"].map(unit_names)
    table["status_label"] = table["status"].map(lambda k: schema.STATUS_BY_KEY[k](lang))
    return table.reset_index()


def ranking_layout(unit_version: str) -> list[Column]:
    """Rank, project, name, unit, status, gap and score (the components go between score and unit)."""
    return [Column("rank", "priority.col.rank", "int"), Column("project_id", "gaps.col.project_id"),
            Column("name", "gaps.col.project"), report.layout("projects", unit_version)[2],
            Column("status_label", "gaps.col.status"), Column("gap_vnd", "common.gap", "money"),
            Column("score", "priority.col.score", "num")]


def shown_ranking(table: pd.DataFrame, components: Sequence[str], unit_version: str, money: Money) -> pd.DataFrame:
    """The ranking as shown: rank, id, score (0–100, one decimal), each component (whole 0–100), then name, unit,
    status and gap."""
    lang = money.lang
    layout = ranking_layout(unit_version)
    labels = component_labels(components, lang)
    shown = pd.DataFrame({t(c.header, lang): [cell_text(v, c.kind, money) for v in table[c.key]] for c in layout[:2]})
    shown[t("priority.col.score", lang)] = [fmt.number(v * 100, lang, 1) for v in table["score"]]
    for comp in components:  # whole numbers on 0–100: no decimal separator to misread
        shown[labels[comp]] = [t("gaps.unknown", lang) if pd.isna(v) else round(v * 100) for v in table[comp]]
    for c in layout[2:-1]:
        shown[t(c.header, lang)] = [cell_text(v, c.kind, money) for v in table[c.key]]
    return shown


def weights_text(weights: Mapping[str, float], lang: str) -> str:
    """``"Funding gap 40; Risk 25; …"``: the weights as the user set them."""
    labels = component_labels(list(weights), lang)
    return "; ".join(f"{labels[k]} {fmt.number(v, lang)}" for k, v in weights.items())


def ranking_export(table: pd.DataFrame, components: Sequence[str], weights: Mapping[str, float], unit_version: str,
                   lang: str) -> tuple[pd.DataFrame, list[Column], str]:
    """(frame, layout, title) of the ranking download: score and components on 0–100, the weights in the title."""
    labels = component_labels(components, lang)
    export = table.assign(score=table["score"] * 100, **{c: table[c] * 100 for c in components})
    layout = [*ranking_layout(unit_version)[:-1], Column("score", "priority.col.score", "dec"),
              *[Column(c, "priority.col.component", "dec", labels[c]) for c in components]]
    title = t("priority.ranking", lang) + " — " + t("priority.weights", lang) + ": " + weights_text(weights, lang)
    return export, layout, title


def pick_labels(table: pd.DataFrame) -> dict[str, str]:
    """Project id → ``"#rank · id · name"`` for the "explain a project" picker, in rank order."""
    return {pid: f"#{int(r)} · {pid} · {n}" for pid, r, n in zip(table["project_id"], table["rank"], table["name"])}


def component_inputs(project: pd.Series, features: pd.DataFrame, money: Money,
                     extra_values: pd.Series | None = None) -> dict[str, str]:
    """What each component of ``project`` (a row of ``features``) was computed from, in words."""
    lang = money.lang
    f = project
    inputs = {
        "gap": t("priority.in_gap", lang, gap=money.full(f["gap"]), top=money.full(features["gap"].max())),
        "risk": t("priority.in_risk", lang,
                  zone=schema.RISK_LEVELS[f["zone_level"]](lang) if f["zone_level"] else t("priority.no_zone", lang),
                  share=fmt.percent(f["commune_risk_share"] / 100, lang),
                  top=fmt.percent(features["commune_risk_share"].max() / 100, lang),
                  events=fmt.number(int(f.get("commune_events", 0)), lang),
                  most=fmt.number(int(features["commune_events"].max()) if "commune_events" in features else 0, lang)),
        "crop_fit": t("priority.in_crop", lang, area=schema.content_area_label(f["content_area"], lang),
                      ha=fmt.hectares(f["crop_ha"], lang)),
        "readiness": t("priority.in_ready", lang, status=schema.STATUS_BY_KEY[f["status"]](lang),
                       rank=schema.status_rank(f["status"]), top=priority.READY_RANK),
    }
    if extra_values is not None:
        inputs["extra"] = t("priority.in_extra", lang, value=fmt.number(extra_values.get(f["commune_code"]), lang, 2))
    return inputs


def priority_breakdown(row: pd.Series, components: Sequence[str], weights: Mapping[str, float],
                       inputs: Mapping[str, str], lang: str) -> pd.DataFrame:
    """One project's score, component by component: component, input, value (0–1), weight and points.

    ``row``: the project's row of :func:`geo.analysis.priority.rank`; ``inputs``: :func:`component_inputs`
    (``"extra"`` describes an added indicator).
    """
    labels = component_labels(components, lang)
    parts = priority.contributions(row[list(components)], weights)
    said = {c: inputs.get("extra" if c.startswith(priority.EXTRA_PREFIX) else c, "") for c in components}
    return pd.DataFrame({
        t("priority.col.component", lang): [labels[c] for c in components],
        t("priority.col.input", lang): [said[c] for c in components],
        t("priority.col.value", lang): [t("gaps.unknown", lang) if pd.isna(v) else fmt.number(v, lang, 2)
                                        for v in parts["value"]],
        t("priority.col.weight", lang): [fmt.number(w, lang) for w in parts["weight"]],
        t("priority.col.points", lang): [t("gaps.unknown", lang) if pd.isna(p) else fmt.number(p * 100, lang, 1)
                                         for p in parts["points"]],
    })


def commune_scores(ranked: pd.DataFrame, projects: pd.DataFrame, unit_names: Mapping[str, str], unit_version: str,
                   lang: str) -> pd.DataFrame:
    """Mean score (0–100) and number of ranked projects per unit, best first."""
    communes = priority.commune_scores(ranked, projects.set_index("project_id")["commune_code"]).reset_index()
    return pd.DataFrame({
        unit_title(unit_version, lang): communes["commune_code"].map(unit_names),
        t("priority.col.score", lang): [fmt.number(v * 100, lang, 1) for v in communes["score"]],
        t("gaps.col.n_projects", lang): communes["n_projects"],
    })
