"""The offline basemap (:class:`geo.model.basemap.Basemap`) as both stores keep it, in SQL both speak.

One table, ``atlas_basemap``, with at most one row: the picture (WebP, base64 text, so store copies, backups
and checksums treat it like any other column), its bounds, kind, size and provenance (JSON). Replacing or
removing it needs the right to replace layers (:data:`geo.model.roles.Action.REPLACE_LAYER`, checked here,
where it is written), is one transaction, bumps the data version (page caches reload) and is audited
(``replace-basemap`` / ``remove-basemap``, with the provenance and size, not the picture).

Schema step 9 (:func:`basemap_table`) adds the table, empty.
"""

from __future__ import annotations

import base64
import json
from typing import TYPE_CHECKING, Any

from geo.model import schema
from geo.model.basemap import BASEMAP_KINDS, Basemap
from geo.model.roles import Action, Actor
from geo.storage.hooks import StoreHooks

if TYPE_CHECKING:
    from geo.storage.migrations import Target

TABLE = "atlas_basemap"
_KEY = "basemap"
_COLUMNS = ("kind", "west", "south", "east", "north", "width", "height", "image", "provenance")


def basemap_ddl(double: str) -> str:
    return (f"CREATE TABLE IF NOT EXISTS {TABLE} (id TEXT PRIMARY KEY, kind TEXT NOT NULL, west {double} NOT NULL, "
            f"south {double} NOT NULL, east {double} NOT NULL, north {double} NOT NULL, width INTEGER NOT NULL, "
            "height INTEGER NOT NULL, image TEXT NOT NULL, provenance TEXT NOT NULL)")


def basemap_table(db: Target) -> str:
    """Schema step 9: the (empty) basemap table."""
    db.execute(basemap_ddl(db.double))
    return "atlas_basemap table added (empty: no basemap until one is imported)"


def _provenance_json(p: schema.Provenance) -> str:
    return json.dumps({"layer": p.layer, "title_vi": p.title.vi, "title_en": p.title.en, "source": p.source,
                       "licence": p.licence, "date": p.date, "quality": p.quality.value, "method": p.method,
                       "notes": p.notes}, ensure_ascii=False)


def _provenance(text: str) -> schema.Provenance:
    d = json.loads(text)
    return schema.Provenance(layer=d["layer"], title=schema.Label(d["title_vi"], d["title_en"]), source=d["source"],
                             licence=d["licence"], date=d["date"], quality=schema.Quality(d["quality"]),
                             method=d.get("method", ""), notes=d.get("notes") or {})


def basemap_of(row: tuple | None) -> Basemap | None:
    """A stored row (in :data:`_COLUMNS` order) as a :class:`Basemap`; None for none."""
    if row is None:
        return None
    kind, west, south, east, north, width, height, image, prov = row
    if kind not in BASEMAP_KINDS:
        return None  # written by a newer atlas: drawn by none of this one's maps
    return Basemap(base64.b64decode(image), (float(west), float(south), float(east), float(north)), kind,
                   int(width), int(height), _provenance(prov))


_SELECT = f"SELECT {', '.join(_COLUMNS)} FROM {TABLE} WHERE id = '{_KEY}'"


class BasemapMixin(StoreHooks):
    """:class:`geo.storage.interface.BasemapStore` written once for both stores."""

    def basemap(self) -> Basemap | None:
        with self._read() as con:
            return self._basemap(con)

    def _basemap(self, con: Any) -> Basemap | None:
        rows = self._exec(con, _SELECT)
        return basemap_of(tuple(rows[0]) if rows else None)

    def replace_basemap(self, basemap: Basemap | None, user: Actor | str = "", note: str = "") -> None:
        actor = self._acting(user, Action.REPLACE_LAYER)
        if self.basemap() is not None:  # the picture it replaces is kept, as a layer replacement's old layer is
            self._keep_copy("basemap")
        with self._write() as con:
            old = self._exec(con, f"SELECT provenance FROM {TABLE} WHERE id = '{_KEY}'")
            before = old[0][0] if old else None
            self._exec(con, f"DELETE FROM {TABLE} WHERE id = '{_KEY}'")
            after = None
            if basemap is not None:
                prov = _provenance_json(basemap.provenance)
                values = dict(zip(_COLUMNS, (basemap.kind, *basemap.bounds, basemap.width, basemap.height,
                                             base64.b64encode(basemap.image).decode("ascii"),
                                             prov)))
                self._exec(con, f"INSERT INTO {TABLE} (id, {', '.join(_COLUMNS)}) VALUES ('{_KEY}', "
                                f"{', '.join(':' + c for c in _COLUMNS)})", values)
                after = json.dumps({"kind": basemap.kind, "bounds": basemap.bounds, "bytes": len(basemap.image),
                                    "provenance": json.loads(prov)}, ensure_ascii=False)
            if before is None and after is None:
                return  # nothing there, nothing asked: no audit row for a no-op
            self._audit_row(con, actor.login, "replace-basemap" if basemap is not None else "remove-basemap",
                            None, None, before, after, note)
