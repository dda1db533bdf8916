"""``python -m geo units``: the unit layer of either version with its indicators, as GeoJSON.

The file carries, besides the features, top-level members ``unit_version`` (which units and the
legal source), ``provenance`` (every layer the figures derive from), ``totals`` (district totals,
identical in both versions) and ``unallocated`` (old view only: projects keyed by a new unit that
cannot be placed in one former commune; never split).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from geo.analysis import units
from geo.cli.commands import help_of, option_help
from geo.model import schema
from geo.model.dataset import Dataset
from geo.output.exports.exporting import unit_version_line, with_unit_notes
from geo.storage.store import default_store
from geo.text import i18n
from geo.text.provenance_text import provenance_lines

#: Layers whose provenance a unit export states.
LAYERS: tuple[str, ...] = (
    "communes", "projects", "funding", "crop_zones", "risk_zones", "landslide_events", "units_2025", "crosswalk_2025",
)


def units_geojson(ds: Dataset, unit_version: str, lang: str) -> dict:
    """The GeoJSON document (a dict) for ``unit_version``, with provenance and the unit_version stated."""
    layer = with_unit_notes(units.view(ds, unit_version), lang)
    label = units.version_label(unit_version, lang)
    stuck = units.unallocated_projects(ds) if unit_version == "2021" else None
    features = json.loads(layer.to_crs(schema.GEOGRAPHIC_CRS).to_json(drop_id=True, na="null"))["features"]
    present = [i for i in LAYERS if i in ds.provenance]
    return {
        "type": "FeatureCollection",
        "name": f"tam_duong_units_{unit_version}",
        "unit_version": {
            "key": unit_version, "label": label, "statement": unit_version_line(unit_version, lang),
            "legal_source": schema.REFORM_LEGAL_SOURCE if unit_version == "2025" else "",
        },
        "provenance": {
            "quality": ds.quality_of(*present).value,
            "lines": provenance_lines(ds, lang, tuple(present)),
            "layers": [
                {"layer": p.layer, "title": p.title(lang), "source": p.source_in(lang), "licence": p.licence,
                 "date": p.date, "quality": p.quality.value}
                for p in (ds.provenance[i] for i in present)
            ],
        },
        "totals": {k: int(v) for k, v in units.district_totals(layer, stuck).items()},
        "unallocated": [] if stuck is None else json.loads(stuck.to_json(orient="records", force_ascii=False)),
        "features": features,
    }


def _units(args: argparse.Namespace) -> int:
    doc = units_geojson(default_store().load(), args.unit_version, args.lang)
    text = json.dumps(doc, ensure_ascii=False)
    if not args.out:
        sys.stdout.write(text + "\n")
        return 0
    Path(args.out).write_text(text, encoding="utf-8")
    print(i18n.t("units.cli_wrote", args.lang, n=len(doc["features"]), label=doc["unit_version"]["label"],
                 path=args.out))
    print(doc["unit_version"]["statement"])
    for line in doc["provenance"]["lines"]:
        print(f"- {line}")
    if doc["unallocated"]:
        print(i18n.t("units.cli_unallocated", args.lang, n=len(doc["unallocated"])))
    return 0


def register(sub: argparse._SubParsersAction, lang: str) -> None:
    h = option_help("units", lang)
    p = sub.add_parser("units", help=help_of("units", lang))
    p.add_argument("--version", dest="unit_version", choices=list(schema.UNIT_VERSIONS), default=schema.DEFAULT_UNIT_VERSION,
                   help=h("version"))
    p.add_argument("--out", help=h("out"))
    p.set_defaults(func=_units)
