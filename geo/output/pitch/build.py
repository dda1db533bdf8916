"""The files of a pitch pack: the deck (PPTX) and one PDF one-pager per opportunity, with the maps they show.

One function for the Donor pitch page and ``python -m geo pitch``, so both render the same maps once each
and lay out the same files.

Examples
--------
>>> from geo.storage.store import BundledStore
>>> from geo.output.pitch import deck, pack as pitch
>>> ds = BundledStore().load()
>>> p = pitch.build_pack(ds, pitch.Target("theme", theme=5), lang="en", top=1)
>>> files = build_files(ds, p, render=lambda spec: deck.TINY_PNG)
>>> files.deck[:2], len(files.onepagers)
(b'PK', 1)
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from geo.analysis import funding
from geo.model import schema, workflow
from geo.model.dataset import Dataset
from geo.model.donors import DonorProfile
from geo.output.pitch import deck, onepager
from geo.output.pitch.pack import MapSpec, PitchPack, Target, render_png

DEFAULT_DPI = 150


@dataclass(frozen=True)
class PackFiles:
    """The deck and the one-pagers (file name → PDF, in the order of the opportunities)."""

    deck: bytes
    onepagers: dict[str, bytes]

    def onepagers_zip(self) -> bytes:
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            for name, pdf in self.onepagers.items():
                z.writestr(name, pdf)
        return buf.getvalue()


def map_renderer(ds: Dataset, filters: funding.Filters, lang: str, dpi: int = DEFAULT_DPI,
                 table: pd.DataFrame | None = None) -> deck.MapRenderer:
    """``render(spec) -> PNG`` drawing each distinct map once (the deck and a one-pager share opportunity maps).

    ``table``: precomputed 2021 indicators for ``filters`` (used only for maps in units 2021), or None.
    """
    maps: dict[MapSpec, bytes] = {}

    def render(spec: MapSpec) -> bytes:
        if spec not in maps:
            maps[spec] = render_png(ds, spec, filters, lang, dpi, table if spec.unit_version == "2021" else None)
        return maps[spec]

    return render


def build_files(ds: Dataset, pack: PitchPack, *, render: deck.MapRenderer | None = None, dpi: int = DEFAULT_DPI,
                onepagers: bool = True) -> PackFiles:
    """The deck and (unless ``onepagers`` is False) the one-pagers of ``pack``.

    ``render``: a map renderer (e.g. one cached across runs by the page); by default :func:`map_renderer`
    in the pack's filters and language at ``dpi``.
    """
    render = render or map_renderer(ds, pack.filters, pack.lang, dpi)
    slides = deck.build_deck(pack, render)
    pdfs = {onepager.file_name(o): onepager.build_onepager(pack, o, render(o.map))
            for o in pack.opportunities} if onepagers else {}
    return PackFiles(slides, pdfs)


#: The workflow steps a pack takes its opportunities from unless the user adds others.
DEFAULT_STAGES: tuple[str, ...] = workflow.PITCHABLE_STATUSES


def stages_from(settings: Mapping[str, Any]) -> tuple[str, ...]:
    """The workflow steps the pack settings name (``pack_stages``), in pipeline order; the default steps when
    none is named (an empty choice is not "every step": choosing nothing never widens what donors see)."""
    chosen = [s for s in settings.get("pack_stages") or () if s in schema.STATUS_BY_KEY]
    return tuple(s.key for s in schema.STATUSES if s.key in chosen) or DEFAULT_STAGES


def includes_unapproved(pack: PitchPack) -> bool:
    """True when the pack may show projects not yet approved for pitching (a step before it was added)."""
    return not pack.stages or any(not workflow.is_pitchable(s) for s in pack.stages)


def target_from(settings: Mapping[str, Any], profiles: Mapping[str, DonorProfile]) -> Target | None:
    """The target the pack settings name (``pack_kind`` and ``pack_donor`` / ``pack_theme`` / ``pack_communes``),
    or None while they name none (an unknown donor, no commune chosen)."""
    kind = settings.get("pack_kind", "donor")
    if kind == "donor":
        donor = profiles.get(settings.get("pack_donor", ""))
        return Target("donor", donor=donor) if donor is not None else None
    if kind == "theme":
        return Target("theme", theme=int(settings.get("pack_theme", 1)))
    codes = tuple(settings.get("pack_communes") or ())
    return Target("communes", communes=codes) if codes else None
