"""``python -m geo donors`` and ``python -m geo pitch``: donor list and pitch packs from the command line.

Examples
--------
``python -m geo donors``

``python -m geo pitch --donor jica --lang en --out deck.pptx --pdf onepagers/``

``python -m geo pitch --theme 3 --top 4 --out theme3.pptx``

``python -m geo pitch --communes 03424,"Nà Tăm" --units 2025 --lang vi --out ban-bo.pptx --pdf pdf/``

An unknown donor id or commune exits with status 2 and lists the valid ones.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from geo.cli.commands import help_of, option_help
from geo.ingest import donors, names, validate
from geo.ingest.validate import NoteError
from geo.model import schema
from geo.output.pitch import build, deck
from geo.output.pitch import pack as pitch
from geo.storage.donors import load_profiles
from geo.storage.store import default_store
from geo.text import i18n


def _donors(args: argparse.Namespace) -> int:
    lang = args.lang
    for p in load_profiles(default_store()):
        kind = schema.DONOR_TYPE_BY_KEY[p.donor_type](lang)
        print(f"{p.donor_id}\t{p.label(lang)}\t{kind}\t{donors.quality_text(p.priorities_quality, lang)}")
    return 0


def _fail(lang: str, err: Exception) -> int:
    """Print ``err`` in ``lang`` (keyed errors are translated; others as raised) and return status 2."""
    in_lang = getattr(err, "text", None)
    text = in_lang(lang) if callable(in_lang) else str(err)
    print(i18n.t("err.cli_error", lang, text=text), file=sys.stderr)
    return 2


def _communes(text: str, ds) -> tuple[str, ...]:
    index = names.NameIndex.from_records(zip(ds.communes["code"], ds.communes["full_name"]))
    codes, bad = [], []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        m = index.match(part)
        (codes.append(m.code) if m.code else bad.append(part))
    if bad or not codes:
        valid = ", ".join(f"{c} {n}" for c, n in zip(ds.communes["code"], ds.communes["full_name"]))
        raise NoteError("err.unknown_commune_names", valid=valid,
                        names=", ".join(bad) if bad else validate.catalog_label("err.no_commune_given"))
    return tuple(dict.fromkeys(codes))


def _pitch(args: argparse.Namespace) -> int:
    lang = args.pitch_lang or args.lang
    store = default_store()
    ds = store.load()
    try:
        if args.donor:
            profiles = donors.by_id(load_profiles(store))
            if args.donor not in profiles:
                return _fail(lang, NoteError("err.unknown_donor_id", did=args.donor, valid=", ".join(profiles)))
            target = pitch.Target("donor", donor=profiles[args.donor])
        elif args.theme is not None:
            if args.theme not in schema.CONTENT_AREAS:
                valid = schema.Label(*("; ".join(schema.content_area_label(c, lg) for c in schema.CONTENT_AREAS)
                                       for lg in ("vi", "en")))
                return _fail(lang, NoteError("err.unknown_theme", theme=args.theme, valid=valid))
            target = pitch.Target("theme", theme=args.theme)
        else:
            target = pitch.Target("communes", communes=_communes(args.communes, ds))
        stages = (build.DEFAULT_STAGES if args.stages is None else ()
                  if args.stages.strip() == "all" else tuple(s.strip() for s in args.stages.split(",") if s.strip()))
        pack = pitch.build_pack(ds, target, lang=lang, top=args.top, unit_version=args.unit_version, stages=stages)
    except ValueError as err:
        return _fail(lang, err)
    out = Path(args.out or f"pitch-{target.slug()}-{lang}.pptx")
    if not out.parent.is_dir():
        return _fail(lang, NoteError("err.folder_missing", folder=out.parent))
    pdf_dir = Path(args.pdf) if args.pdf else None
    if pdf_dir is not None:
        pdf_dir.mkdir(parents=True, exist_ok=True)
    files = build.build_files(ds, pack, dpi=args.dpi, onepagers=pdf_dir is not None)
    out.write_bytes(files.deck)
    print(i18n.t("pitch.cli_wrote_deck", lang, path=out, slides=deck.slide_count(pack),
                 opps=len(pack.opportunities), language=lang, units=args.unit_version))
    if not pack.opportunities:
        print(i18n.t("err.cli_note", lang, text=i18n.t("pitch.no_opportunities", lang)), file=sys.stderr)
    if pdf_dir is not None:
        for name, pdf in files.onepagers.items():
            path = pdf_dir / name
            path.write_bytes(pdf)
            print(i18n.t("pitch.cli_wrote", lang, path=path))
    return 0


def register(sub: argparse._SubParsersAction, lang: str) -> None:
    h = option_help("pitch", lang)
    p = sub.add_parser("donors", help=help_of("donors", lang))
    p.set_defaults(func=_donors)
    p = sub.add_parser("pitch", help=help_of("pitch", lang))
    who = p.add_mutually_exclusive_group(required=True)
    who.add_argument("--donor", help=h("donor"))
    who.add_argument("--theme", type=int, help=h("theme"))
    who.add_argument("--communes", help=h("communes"))
    p.add_argument("--lang", dest="pitch_lang", choices=sorted(i18n.LANGS), default=None, help=h("lang"))
    p.add_argument("--out", default=None, help=h("out"))
    p.add_argument("--pdf", default=None, metavar="DIR", help=h("pdf"))
    p.add_argument("--stages", default=None, metavar="KEY[,KEY]|all", help=h("stages"))
    p.add_argument("--top", type=int, default=pitch.DEFAULT_TOP, help=h("top", n=pitch.DEFAULT_TOP))
    p.add_argument("--units", dest="unit_version", choices=list(schema.UNIT_VERSIONS), default=schema.DEFAULT_UNIT_VERSION,
                   help=h("units"))
    p.add_argument("--dpi", type=int, default=build.DEFAULT_DPI, help=h("dpi", dpi=build.DEFAULT_DPI))
    p.set_defaults(func=_pitch)
