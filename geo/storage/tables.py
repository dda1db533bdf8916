"""A store's whole content as plain tables, the same for every backend: what ``store copy``, backups and
``store check`` move and compare.

A :class:`Table` holds its columns in a backend-neutral kind (``bool``, ``int32``, ``int``, ``float``,
``str``, ``geometry``: geometry as 2-D little-endian WKB in EPSG:4326), its rows in stored order (the key
column, ``fid`` or ``id``, included, so order and ids survive a copy), and its plain indexes.
:func:`checksum` is computed from values only (not from column types, which differ between SQLite and
PostgreSQL), so a table has the same checksum in a GeoPackage and in PostGIS when its content is the same.

>>> t = Table("atlas_meta", (Column("key", "str", primary=True), Column("value", "str", notnull=True)),
...           [("schema_version", "3"), ("data_version", "7")])
>>> u = Table("atlas_meta", t.columns, [("schema_version", "3"), ("data_version", "9")])
>>> checksum(t) == checksum(u), len(checksum(t))  # the data version counter is not content
(True, 16)
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

import numpy as np
import shapely

KINDS = ("bool", "int32", "int", "float", "str", "geometry")
#: Rows that are bookkeeping, not content: the counter every write bumps (a copy keeps counting it in the
#: target, so caches of the target's app processes reload).
NOT_CONTENT = {"atlas_meta": {"data_version"}}


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # one of KINDS
    notnull: bool = False
    default: int | float | str | None = None
    primary: bool = False  # an int primary key counts up by itself (AUTOINCREMENT / bigserial)


@dataclass
class Table:
    name: str
    columns: tuple[Column, ...]
    rows: list[tuple]
    indexes: list[tuple[str, tuple[str, ...], bool]] = field(default_factory=list)  # (name, columns, unique)

    @property
    def key(self) -> Column | None:
        return next((c for c in self.columns if c.primary), None)

    @property
    def spatial(self) -> bool:
        return any(c.kind == "geometry" for c in self.columns)

    def column(self, name: str) -> list:
        i = [c.name for c in self.columns].index(name)
        return [r[i] for r in self.rows]


def to_wkb(geoms: list) -> list[bytes | None]:
    """Shapely geometries (or None) → 2-D little-endian WKB."""
    arr = np.array(geoms, dtype=object)
    return [None if g is None else bytes(g) for g in shapely.to_wkb(arr, byte_order=1, output_dimension=2)]


def _plain(value: object, kind: str) -> object:
    if value is None:
        return None
    if kind == "bool":
        return bool(value)
    if kind in ("int", "int32"):
        return int(value)  # type: ignore[call-overload]
    if kind == "float":
        return repr(float(value))  # type: ignore[arg-type]
    if kind == "geometry":
        return bytes(value).hex()  # type: ignore[call-overload]
    return str(value)


def content_rows(table: Table) -> list[list]:
    """The rows as comparable plain values, columns in name order, bookkeeping rows left out."""
    order = sorted(range(len(table.columns)), key=lambda i: table.columns[i].name)
    skip = NOT_CONTENT.get(table.name, set())
    first = table.columns[0].name if table.columns else ""
    out = []
    for row in table.rows:
        if skip and first == "key" and row[0] in skip:
            continue
        out.append([_plain(row[i], table.columns[i].kind) for i in order])
    return out


def checksum(table: Table) -> str:
    """A content checksum: equal for equal column names and values in equal order, whatever the backend."""
    h = hashlib.sha256(json.dumps(sorted(c.name for c in table.columns)).encode())
    for row in content_rows(table):
        h.update(json.dumps(row, ensure_ascii=False, separators=(",", ":")).encode())
        h.update(b"\n")
    return h.hexdigest()[:16]


def by_name(tables: list[Table]) -> dict[str, Table]:
    return {t.name: t for t in tables}


def data_version(tables: list[Table]) -> int:
    meta = next((t for t in tables if t.name == "atlas_meta"), None)
    if meta is None:
        return 0
    found = [r[1] for r in meta.rows if r[0] == "data_version"]
    try:
        return int(found[0]) if found else 0
    except ValueError:
        return 0


def new_data_version(tables: list[Table], old: int) -> list[Table]:
    """``tables`` with the data version set past both the incoming one and the target's ``old`` one, so a
    target's page caches (keyed on it) never mistake the copied data for an earlier state of their own."""
    meta = next((t for t in tables if t.name == "atlas_meta"), None)
    if meta is None:
        return tables
    value = str(max(data_version(tables), old) + 1)
    rows = [(k, value) if k == "data_version" else (k, v) for k, v in meta.rows]
    return [Table(t.name, t.columns, rows, t.indexes) if t is meta else t for t in tables]
