"""Which store the app uses, and the read-only store over the shipped files.

:class:`Dataset` is an immutable bundle of all layers plus their provenance.
:func:`default_store` hands out the app's :class:`geo.storage.interface.Store` (every page, CLI
command and export goes through that interface); :class:`BundledStore` reads the files shipped
in ``data/`` (a :class:`geo.storage.interface.ReadOnlyStore`). Pages never open files
themselves, so a GeoPackage or server store can replace the bundled one without touching them.

Examples
--------
>>> ds = BundledStore().load()
>>> len(ds.communes), ds.provenance["communes"].quality.value
(13, 'approximate')
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from geo.analysis.funding import totals_by_commune
from geo.ingest import donors, layers
from geo.ingest.atlas_toml import load_config
from geo.model.config import BUNDLED_DATA_DIR
from geo.model.dataset import Dataset
from geo.model.filters import Filters
from geo.storage.interface import ReadOnlyStore, Store
from geo.storage.records import DonorRecord

DATABASE_URL_ENV = "ATLAS_DATABASE_URL"

__all__ = ["BUNDLED_DATA_DIR", "BundledStore", "Dataset", "Store", "default_store", "load_dataset"]


def load_dataset(data_dir: Path) -> Dataset:
    """Read every layer of a data folder laid out like ``data/`` (``atlas.toml``, ``layers.json``)."""
    data_dir = Path(data_dir)
    config = load_config(data_dir)
    prov = layers.read_manifest(data_dir / config.manifest)

    def path(layer: str) -> Path:
        return data_dir / prov[layer].notes["file"]

    communes = layers.read_communes(path("communes"))
    codes = communes["code"].tolist()
    units_2025 = layers.read_table(path("units_2025"))
    projects = layers.read_projects(path("projects"), codes, units_2025["code"].tolist())
    funding = layers.read_funding(path("funding"), projects["project_id"].tolist())
    crosswalk = layers.read_crosswalk(path("crosswalk_2025"), codes, units_2025) if "crosswalk_2025" in prov else None
    return Dataset(
        communes=communes,
        projects=projects,
        funding=funding,
        crop_zones=layers.read_vector(path("crop_zones")),
        risk_zones=layers.read_vector(path("risk_zones")),
        landslide_events=layers.read_vector(path("landslide_events")),
        units_2025=units_2025,
        provenance=prov,
        crosswalk=crosswalk,
        config=config,
    )


@dataclass(frozen=True)
class BundledStore:
    """Read-only store over the files shipped with the app (or any folder like it)."""

    data_dir: Path = BUNDLED_DATA_DIR

    @property
    def editable(self) -> bool:
        return False

    def load(self) -> Dataset:
        return load_dataset(self.data_dir)

    def list_donors(self) -> pd.DataFrame:
        """The folder's ``donors.csv`` (else the bundled starter list), every profile at revision 1."""
        path = self.data_dir / donors.DONOR_FILE
        frame = donors.read_donor_csv(path if path.exists() else BUNDLED_DATA_DIR / donors.DONOR_FILE)
        return frame.assign(revision=1)

    def get_donor(self, donor_id: str) -> DonorRecord | None:
        rows = [r for r in self.list_donors().to_dict("records") if r["donor_id"] == donor_id]
        return DonorRecord({k: v for k, v in rows[0].items() if k != "revision"}, 1) if rows else None

    def funding_totals_by_commune(self, filters: Filters = Filters(), unit_version: str = "2021") -> pd.DataFrame:
        """The same answer as a database's SQL sum, from the files (they are small: nothing to push down)."""
        ds = self.load()
        return totals_by_commune(ds.projects, ds.funding, filters, unit_version, ds.risk_zones)

    def version(self) -> str:
        stamps = sorted(f"{p.name}:{p.stat().st_mtime_ns}:{p.stat().st_size}"
                        for p in self.data_dir.iterdir() if p.is_file())
        return hashlib.sha1("|".join(stamps).encode()).hexdigest()[:12]


def default_store() -> Store:
    """The store the app and CLI use: the shared database named by ``$ATLAS_DATABASE_URL``
    (:mod:`geo.storage.postgis_store`), else the user's GeoPackage (:mod:`geo.storage.gpkg_store`).

    The GeoPackage lives in ``$ATLAS_DATA_DIR`` (or the per-user data folder); either store is
    seeded from the bundled data on first use. A database that cannot be reached raises
    :class:`geo.storage.records.StoreUnavailable` (a keyed, password-free sentence).
    :class:`BundledStore` stays available for read-only use.
    """
    url = os.environ.get(DATABASE_URL_ENV, "").strip()
    if url:
        from geo.storage.postgis_store import open_url

        return open_url(url)
    from geo.storage.gpkg_store import open_default

    return open_default()


if TYPE_CHECKING:  # the type checker holds BundledStore to the read-only interface
    _read_only: ReadOnlyStore = BundledStore()

