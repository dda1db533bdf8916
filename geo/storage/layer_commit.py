"""Store a checked layer import (:mod:`geo.ingest.layer_import`) through the storage interface.

Project locations become one all-or-nothing project update (:meth:`ProjectStore.apply_projects`);
any other kind replaces its feature layer with the provenance the user gave
(:meth:`LayerStore.replace_layer`).
"""

from __future__ import annotations

from typing import Protocol

from geo.ingest.layer_import import KINDS, LayerImport, make_provenance
from geo.ingest.records import frame_to_records
from geo.ingest.validate import DataError, Note, Problem, catalog_label
from geo.model import schema
from geo.model.dataset import Dataset
from geo.model.roles import Actor
from geo.storage.interface import LayerStore, ProjectStore


class ProjectLayerStore(ProjectStore, LayerStore, Protocol):
    """What a layer import writes to."""


def commit_layer(store: ProjectLayerStore, li: LayerImport, ds: Dataset, source: str, licence: str, date: str, quality: str,
                 method: str = "", user: Actor | str = "") -> Note:
    """Store a checked import (one transaction) and return a one-line summary (``text(lang)``)."""
    if not li.ok:
        raise DataError(li.problems or [Problem.of(li.file, "err.nothing_to_import")])
    if li.kind == "project-locations":
        make_provenance(ds, "projects", source, licence, date, quality, method, li.file)  # still required
        records = frame_to_records(ds.projects, ds.funding)
        revisions = store.project_revisions()
        changed = []
        for r in li.matches.to_dict("records"):
            p, lines = records[r["project_id"]]
            changed.append((dict(p, lon=r["lon"], lat=r["lat"]), lines))
        counts = store.apply_projects(changed, {p["project_id"]: revisions.get(p["project_id"]) for p, _ in changed},
                                      user, note=f"locations from {li.file} ({source}, {date})",
                                      allow_overcommit=True)
        return Note.of("data.stored_locations", updated=counts["updated"], unchanged=counts["unchanged"])
    layer = KINDS[li.kind]
    assert layer is not None and li.gdf is not None  # every other kind is a feature layer, checked
    prov = make_provenance(ds, layer, source, licence, date, quality, method, li.file)
    gdf = li.gdf.copy()
    if layer == "communes":
        replaced = gdf["boundary_quality"] == "__new__"
        gdf.loc[replaced, "boundary_quality"] = prov.quality.value
        if prov.method:
            gdf.loc[replaced, "method"] = prov.method
        if not replaced.all():  # partly replaced: the layer is as good as its weakest commune
            old = ds.provenance["communes"]
            order = [schema.Quality.ILLUSTRATIVE, schema.Quality.APPROXIMATE, schema.Quality.OFFICIAL]
            weakest = min((schema.Quality(q) for q in gdf["boundary_quality"]), key=order.index)
            prov = schema.Provenance(
                layer=layer, title=old.title, quality=weakest, licence=f"{prov.licence}; others: {old.licence}",
                source=f"{prov.source} ({int(replaced.sum())} of {len(gdf)} communes); others: {old.source}",
                date=prov.date, method=prov.method or old.method, notes={})
    else:
        gdf["quality"] = prov.quality.value
    store.replace_layer(layer, gdf, prov, user=user, note=f"from {li.file}")
    return Note.of("data.stored_layer", n=len(gdf), layer=catalog_label(f"map.short_{layer}"),
                   quality=schema.QUALITY_LABELS[prov.quality])
